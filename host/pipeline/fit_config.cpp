#include "host/pipeline/fit_config.hpp"

namespace mmm {
namespace {

template <typename T, typename U>
void set(const std::optional<T>& value, U& target) {
  if (value) target = *value;
}

}  // namespace

void apply_config(const ConfigFile& c, FitOptions& o) {
  set(c.data_path, o.data_path);
  ColumnSelection& columns = o.columns;
  set(c.date_col, columns.date_column);
  set(c.kpi_col, columns.kpi_column);
  set(c.channels, columns.channels);
  set(c.controls, columns.controls);
  set(c.date_format, columns.date_format);
  set(c.missing_controls, columns.missing_controls);
  if (c.format) columns.channel_long = *c.format == InputFormat::Long;
  set(c.min_spend, columns.long_options.min_spend);
  set(c.geo_level, columns.long_options.geo_level);
  set(c.product_level, columns.long_options.product_level);
  set(c.long_revenue, columns.long_options.revenue);
  set(c.revenue_per_kpi, o.revenue_per_kpi);
  set(c.deseasonalize, o.deseasonalize);
  // ridge_lambda = "auto" with a lambda_grid chooses among the file's grid (as the flags
  // --ridge-lambda auto --lambda-grid do); "auto" alone among the default one. A number
  // fixes λ and drops any grid.
  set(c.lambda_grid, o.lambda_grid);
  if (c.ridge_lambda_auto) {
    if (!c.lambda_grid) set_ridge_lambda(o, "auto");
  } else if (c.ridge_lambda) {
    o.ridge_lambda = *c.ridge_lambda;
    o.ridge_lambda_explicit = true;
    o.lambda_grid.clear();
  }
  set(c.evaluations, o.budget);
  set(c.population, o.population);
  set(c.seed, o.seed);
  set(c.resamples, o.bootstrap);
  set(c.nested_evaluations, o.nested_budget);
  set(c.block_length, o.block_length);
  set(c.ci, o.ci);
  set(c.cv_train, o.cv.train);
  set(c.cv_test, o.cv.test);
  set(c.cv_step, o.cv.step);
  set(c.budget_change_limit, o.budget_change_limit);
  set(c.conservative, o.conservative);
  set(c.out, o.out_dir);
  set(c.device, o.device);
  set(c.threads, o.threads);
  set(c.segment_columns, columns.segments);
  set(c.global_channels, o.global_channels);
  set(c.per_segment_hyperparameters, o.per_segment_hyperparameters);
  set(c.segment_budget, o.segment_budget);
  set(c.segment_gamma, o.segment_gamma);
  set(c.segment_shrinkage, o.segment_shrinkage);
  set(c.pooling, o.pooling);
  set(c.lambda_global, o.lambda_global);
  set(c.lambda_segment, o.lambda_segment);
  for (const auto& [name, bounds] : c.bounds) o.bounds[name] = bounds;
  for (const auto& [name, kind] : c.kinds) o.kinds[name] = kind;
  set(c.saturation, o.saturation);
  for (const auto& [name, shape] : c.channel_saturation) o.channel_saturation[name] = shape;
}

void apply_config_file(const std::string& path, FitOptions& options) {
  apply_config(read_config_file(path), options);
}

}  // namespace mmm
