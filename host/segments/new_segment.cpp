#include "host/segments/new_segment.hpp"

#include <cmath>

#include "host/bootstrap/bootstrap.hpp"
#include "host/common/errors.hpp"
#include "host/data/wide_csv_loader.hpp"
#include "host/features/controls.hpp"
#include "host/io/csv_writer.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/model_json.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

constexpr const char* kNoKpi = "__mmm_no_kpi__";

Eigen::VectorXd quantile_rows(const Eigen::MatrixXd& draws, double q) {
  Eigen::VectorXd out(draws.rows());
  for (Eigen::Index t = 0; t < draws.rows(); ++t) {
    std::vector<double> v(draws.cols());
    for (Eigen::Index b = 0; b < draws.cols(); ++b) v[b] = draws(t, b);
    out[t] = percentile(v, q);
  }
  return out;
}

}  // namespace

NewSegmentPrediction predict_new_segment(const nlohmann::json& model, const std::string& source,
                                         const std::string& data_path, double ci) {
  check_model_format_version(model, source);
  if (!model.is_object() || !model.contains("segments") || !model.contains("global")) {
    throw InputError(source +
                     ": not a segmented model (no `segments`/`global`); fit with "
                     "--segments");
  }
  if (!(ci > 0 && ci < 1)) {
    throw InputError("invalid --ci " + std::to_string(ci) + ": expected a level in (0, 1)");
  }
  const nlohmann::json& cfg = model_field(model, "config", source);
  const auto config_field = [&](const char* key) -> const nlohmann::json& {
    return model_field(cfg, key, source, "config");
  };
  ColumnSelection sel;
  sel.date_column = model_string(config_field("date_col"), source, "config.date_col");
  sel.kpi_column = model_string(config_field("kpi_col"), source, "config.kpi_col");
  sel.channels = model_strings(config_field("channels"), source, "config.channels");
  sel.controls = model_strings(config_field("controls"), source, "config.controls");
  const nlohmann::json& global = model_field(model, "global", source);
  const std::vector<double> coef_v =
      model_numbers(model_field(global, "coef", source, "global"), source, "global.coef");
  const double mean_intercept =
      model_number(model_field(global, "intercept", source, "global"), source, "global.intercept");
  const nlohmann::json& hyper_json = model_field(model, "hyperparameters", source);
  const nlohmann::json no_draws = nlohmann::json::array();
  const nlohmann::json& jd = global.contains("coef_draws") ? global.at("coef_draws") : no_draws;
  if (!jd.is_array()) throw InputError(source + ": `global.coef_draws` must be an array");
  sel.allow_all_zero_channels = true;
  CsvTable table = read_csv_file(data_path);
  NewSegmentPrediction p;
  p.has_kpi = false;
  for (const std::string& h : table.header) p.has_kpi = p.has_kpi || h == sel.kpi_column;
  if (!p.has_kpi) {
    table.header.push_back(kNoKpi);
    for (auto& row : table.rows) row.push_back("0");
    sel.kpi_column = kNoKpi;
  }
  const Dataset data = build_dataset(table, sel);
  const Hyperparameters hyper = hyperparameters_from_json(hyper_json, source, data.channels);
  std::vector<double> h3;
  for (const ChannelHyper& h : hyper.channels) h3.insert(h3.end(), {h.theta, h.alpha, h.gamma});
  const ControlMatrix controls = build_controls(data);
  const int C = data.channel_count(), T = data.rows();
  const int K = static_cast<int>(controls.values.cols());
  if (static_cast<int>(coef_v.size()) != C + K) {
    throw InputError(source + ": global coefficients have " + std::to_string(coef_v.size()) +
                     " entries; the data gives " + std::to_string(C + K) + " columns");
  }
  const Eigen::MatrixXd h = transform_media(data.spend, h3.data());
  Eigen::MatrixXd X(T, C + K);
  X << h, controls.values;
  const Eigen::Map<const Eigen::VectorXd> coef(coef_v.data(), C + K);

  p.dates = data.dates;
  p.channels = data.channels;
  if (p.has_kpi) p.actual = data.kpi;
  // Intercept: the new market's own level when its KPI history is there, else the average
  // segment's.
  auto intercept_for = [&](const Eigen::VectorXd& c) {
    return p.has_kpi ? data.kpi.mean() - (X * c).mean() : mean_intercept;
  };
  p.intercept = intercept_for(coef);
  p.contribution = h * coef.head(C).asDiagonal();
  p.media = p.contribution.rowwise().sum();
  p.baseline = (controls.values * coef.tail(K)).array() + p.intercept;
  p.predicted = p.baseline + p.media;
  p.spend = data.spend.colwise().sum().transpose();
  p.roi.resize(C);
  for (int c = 0; c < C; ++c)
    p.roi[c] = p.spend[c] > 0 ? p.contribution.col(c).sum() / p.spend[c] : std::nan("");

  p.draws = static_cast<int>(jd.size());
  p.media_lower = p.media_upper = p.media;
  p.predicted_lower = p.predicted_upper = p.predicted;
  p.roi_lower = p.roi_upper = p.roi;
  if (p.draws > 0) {
    Eigen::MatrixXd media(T, p.draws), pred(T, p.draws), roi(C, p.draws);
    for (int b = 0; b < p.draws; ++b) {
      const std::vector<double> d =
          model_numbers(jd[b], source, "global.coef_draws[" + std::to_string(b) + "]");
      if (static_cast<int>(d.size()) != C + K) throw InputError(source + ": bad coef_draws entry");
      const Eigen::Map<const Eigen::VectorXd> cb(d.data(), C + K);
      media.col(b) = h * cb.head(C);
      pred.col(b) = (X * cb).array() + intercept_for(cb);
      for (int c = 0; c < C; ++c)
        roi(c, b) = p.spend[c] > 0 ? cb[c] * h.col(c).sum() / p.spend[c] : std::nan("");
    }
    const double lo = (1 - ci) / 2, hi = 1 - lo;
    p.media_lower = quantile_rows(media, lo);
    p.media_upper = quantile_rows(media, hi);
    p.predicted_lower = quantile_rows(pred, lo);
    p.predicted_upper = quantile_rows(pred, hi);
    p.roi_lower = quantile_rows(roi, lo);
    p.roi_upper = quantile_rows(roi, hi);
  }
  return p;
}

std::string prediction_csv(const NewSegmentPrediction& p) {
  std::vector<std::string> header = {"DATE"};
  if (p.has_kpi) header.push_back("ACTUAL");
  for (const char* h : {"BASELINE", "MEDIA", "MEDIA_CI_LOWER", "MEDIA_CI_UPPER", "PREDICTED",
                        "PREDICTED_CI_LOWER", "PREDICTED_CI_UPPER"}) {
    header.push_back(h);
  }
  header.insert(header.end(), p.channels.begin(), p.channels.end());
  CsvWriter w(header);
  for (size_t t = 0; t < p.dates.size(); ++t) {
    const Eigen::Index i = static_cast<Eigen::Index>(t);
    w.cell(p.dates[t].to_string());
    if (p.has_kpi) w.cell(p.actual[i]);
    w.cell(p.baseline[i]).cell(p.media[i]).cell(p.media_lower[i]).cell(p.media_upper[i]);
    w.cell(p.predicted[i]).cell(p.predicted_lower[i]).cell(p.predicted_upper[i]);
    for (Eigen::Index c = 0; c < p.contribution.cols(); ++c) w.cell(p.contribution(i, c));
    w.end_row();
  }
  return w.text();
}

}  // namespace mmm
