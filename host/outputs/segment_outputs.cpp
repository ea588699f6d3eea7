#include "host/outputs/segment_outputs.hpp"

#include <cmath>

#include "host/io/csv_writer.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/model_json.hpp"
#include "host/outputs/fit_outputs.hpp"
#include "host/outputs/segment_tables.hpp"

namespace mmm {
namespace {

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

// s < 0: the GLOBAL row (the shared hyperparameters).
void result_row(CsvWriter& w, const SegmentReport& r, int c, int s, const SegmentChannel& ch,
                double r2, double cv_mape, long rows) {
  const std::string& name = r.data.segments[0].channels[c];
  const std::string segment = s < 0 ? "GLOBAL" : r.data.names[s];
  const ChannelHyper h = s < 0 ? r.hyperparameters.channels[c] : r.segment_hyper(s, c);
  w.cell(segment == "GLOBAL" ? name : name + "_" + segment).cell(name).cell(segment).cell("ALL");
  w.cell(ch.coef).cell(ch.roi).cell(ch.roi_lower).cell(ch.roi_upper);
  if (r.bootstrapped)
    w.cell(ch.significant);
  else
    w.cell("");
  w.cell(ch.marginal_roi);
  w.cell(h.theta).cell(h.alpha).cell(h.gamma).cell(r2).cell(cv_mape).cell(rows);
  w.cell(ch.mean_weekly_spend).cell(ch.spend_share).cell(ch.recommended_spend);
  w.cell(segment).cell(r.pooling_factor[c]).end_row();
}

std::string model_results(const SegmentReport& r) {
  CsvWriter w({"CHANNEL_KEY",
               "CHANNEL_CODE",
               "GEO_CODE",
               "PRODUCT_CODE",
               "COEFFICIENT_WEIGHT",
               "ROI",
               "ROI_CI_LOWER",
               "ROI_CI_UPPER",
               "IS_SIGNIFICANT",
               "MARGINAL_ROI",
               "ADSTOCK_DECAY_RATE",
               "SATURATION_ALPHA",
               "SATURATION_POINT",
               "MODEL_R2_INSAMPLE",
               "MODEL_MAPE_CV",
               "N_OBSERVATIONS",
               "CURRENT_SPEND",
               "SPEND_SHARE",
               "OPTIMAL_SPEND_SUGGESTION",
               "SEGMENT",
               "POOLING_FACTOR"});
  const int C = r.problem.channels();
  for (int c = 0; c < C; ++c) {
    result_row(w, r, c, -1, r.global[c], r.fit.r2_pooled, r.cv.mape(), r.problem.total_rows());
  }
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    for (int c = 0; c < C; ++c) {
      result_row(w, r, c, s, r.channels[s][c], r.fit.r2[s], r.cv.segment_mape(s),
                 r.problem.segments[s].rows());
    }
  }
  return w.text();
}

std::string segment_performance(const SegmentReport& r) {
  CsvWriter w({"SEGMENT", "CHANNEL", "SPEND", "CONTRIBUTION", "ROAS", "GLOBAL_ROAS", "EFFICIENCY",
               "MARGINAL_ROI", "COEFFICIENT_WEIGHT", "ROAS_CI_LOWER", "ROAS_CI_UPPER"});
  const int C = r.problem.channels();
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    for (int c = 0; c < C; ++c) {
      const SegmentChannel& ch = r.channels[s][c];
      w.cell(r.data.names[s]).cell(r.data.segments[0].channels[c]).cell(ch.spend);
      w.cell(ch.contribution).cell(ch.roi).cell(r.global[c].roi).cell(ch.efficiency);
      w.cell(ch.marginal_roi).cell(ch.coef).cell(ch.roi_lower).cell(ch.roi_upper).end_row();
    }
  }
  return w.text();
}

std::string search_trace(const SegmentReport& r) {
  CsvWriter w({"GENERATION", "EVALUATIONS", "BEST_LOSS", "MEAN_LOSS", "SECONDS"});
  for (const auto& p : r.search.trace) {
    w.cell(p.generation).cell(p.evaluations).cell(p.best_loss).cell(p.mean_loss);
    w.cell(p.seconds).end_row();
  }
  return w.text();
}

std::vector<double> to_vector(const Eigen::VectorXd& v) {
  return std::vector<double>(v.data(), v.data() + v.size());
}

/// At most this many bootstrap draws per segment go into model.json: S × B × p numbers grow
/// past what a JSON file should hold for hundreds of segments, and 200 draws place a 90%
/// band's ends within a few draws of where all of them would.
constexpr Eigen::Index kSavedSegmentDraws = 200;

/// Segment s's fitted periods and spend, its user controls' means (what a plan's adstock
/// carries over from and what absent controls are held at), its residual sd and its joint
/// bootstrap draws: what `mmm predict --plan` reads back for one segment.
void add_segment_plan_keys(const SegmentReport& r, int s, nlohmann::json& seg) {
  const Dataset& d = r.data.segments[s];
  std::vector<std::string> dates;
  for (const Date& t : d.dates) dates.push_back(t.to_string());
  nlohmann::json spend = nlohmann::json::object();
  for (int c = 0; c < d.channel_count(); ++c) spend[d.channels[c]] = to_vector(d.spend.col(c));
  nlohmann::json control_means = nlohmann::json::object();
  for (size_t k = 0; k < d.controls.size(); ++k)
    control_means[d.controls[k]] = d.control_values.col(static_cast<Eigen::Index>(k)).mean();
  seg["history"] = {{"dates", dates}, {"spend", spend}, {"control_means", control_means}};
  seg["residual_sd"] = r.residual_sd[s];
  nlohmann::json coef = nlohmann::json::array(), intercept = nlohmann::json::array();
  if (r.bootstrapped && static_cast<int>(r.bootstrap.segment_draws.size()) > s) {
    const Eigen::MatrixXd& draws = r.bootstrap.segment_draws[s];
    for (Eigen::Index b = 0;
         b < draws.rows() && static_cast<Eigen::Index>(coef.size()) < kSavedSegmentDraws; ++b) {
      if (!draws.row(b).allFinite()) continue;  // a failed resample
      intercept.push_back(draws(b, 0));
      coef.push_back(to_vector(draws.row(b).tail(draws.cols() - 1).transpose()));
    }
  }
  seg["bootstrap_draws"] = {{"coef", coef}, {"intercept", intercept}};
}

}  // namespace

nlohmann::json segment_model_json(const SegmentReport& r) {
  const FitOptions& o = r.options;
  const Dataset& d0 = r.data.segments[0];
  const int C = r.problem.channels();
  nlohmann::json j;
  j["format"] = "mmm-model";
  j["format_version"] = kModelFormatVersion;
  j["version"] = MMM_VERSION;
  j["config"] = {{"data", o.data_path},
                 {"date_col", d0.date_column},
                 {"kpi_col", d0.kpi_column},
                 {"channels", d0.channels},
                 {"controls", d0.controls},
                 {"segment_columns", r.data.columns},
                 {"ridge_lambda", r.problem.penalties.lambda},
                 {"lambda_global", r.problem.penalties.lambda_global},
                 {"lambda_segment", r.problem.penalties.lambda_segment},
                 {"budget", o.budget},
                 {"per_segment_hyperparameters", r.hyper_stride != 0},
                 {"segment_gamma", o.segment_gamma},
                 {"segment_budget", o.segment_budget},
                 {"population", o.population},
                 {"cv", {{"train", o.cv.train}, {"test", o.cv.test}, {"step", o.cv.step}}},
                 {"seed", o.seed}};
  j["pooling"] = pooling_name(r.problem.pooling);
  j["segments"] = r.data.names;
  nlohmann::json globals = nlohmann::json::array();
  for (int c : r.problem.penalties.global_columns) globals.push_back(d0.channels[c]);
  j["global_channels"] = globals;
  j["hyperparameters"] = hyperparameters_to_json(r.hyperparameters, d0.channels);
  j["columns"] = r.column_names;
  j["scaler"] = {{"scale", to_vector(r.design.scale)},
                 {"note", "per-segment centring, pooled within-segment standard deviation"}};
  nlohmann::json draws = nlohmann::json::array();
  for (Eigen::Index b = 0; r.bootstrapped && b < r.bootstrap.global_draws.rows(); ++b) {
    if (r.bootstrap.global_draws.row(b).allFinite())
      draws.push_back(to_vector(r.bootstrap.global_draws.row(b).transpose()));
  }
  double mean_intercept = 0.0;
  for (double v : r.intercepts) mean_intercept += v / static_cast<double>(r.intercepts.size());
  j["global"] = {{"coef", to_vector(r.global_coef)},
                 {"intercept", mean_intercept},
                 {"coef_draws", draws},
                 {"coef_scaled", to_vector(r.fit.solution.global)}};
  nlohmann::json factor = nlohmann::json::object();
  for (int c = 0; c < C; ++c) factor[d0.channels[c]] = r.pooling_factor[c];
  j["pooling_factor"] = factor;
  nlohmann::json segs = nlohmann::json::object();
  for (int s = 0; s < r.problem.count(); ++s) {
    nlohmann::json values = nlohmann::json::object();
    for (size_t k = 0; k < r.data.columns.size(); ++k)
      values[r.data.columns[k]] = r.data.values[s][k];
    const Dataset& d = r.data.segments[s];
    nlohmann::json perf = nlohmann::json::object();
    for (int c = 0; c < C; ++c) {
      const SegmentChannel& ch = r.channels[s][c];
      perf[d0.channels[c]] = {{"spend", ch.spend},
                              {"contribution", ch.contribution},
                              {"roas", number_or_null(ch.roi)},
                              {"roas_lower", number_or_null(ch.roi_lower)},
                              {"roas_upper", number_or_null(ch.roi_upper)},
                              {"marginal_roi", number_or_null(ch.marginal_roi)},
                              {"efficiency", number_or_null(ch.efficiency)},
                              {"coef", ch.coef},
                              {"recommended_spend", number_or_null(ch.recommended_spend)}};
    }
    nlohmann::json& seg = segs[r.data.names[s]];
    seg = {{"values", values},
           {"rows", d.rows()},
           {"first_date", d.dates.front().to_string()},
           {"last_date", d.dates.back().to_string()},
           {"intercept", r.intercepts[s]},
           {"coef", to_vector(r.coef[s])},
           {"coef_scaled", to_vector(r.fit.solution.segment.col(s))},
           {"mean", to_vector(r.design.means[s])},
           {"r2", number_or_null(r.fit.r2[s])},
           {"cv_mape", number_or_null(r.cv.segment_mape(s))},
           {"cv_folds", r.cv.segment_folds[s].size()},
           {"performance", perf}};
    add_segment_plan_keys(r, s, seg);
    if (r.hyper_stride != 0) {
      Hyperparameters own;
      own.ridge_lambda = r.hyperparameters.ridge_lambda;
      for (int c = 0; c < C; ++c) own.channels.push_back(r.segment_hyper(s, c));
      seg["hyperparameters"] = hyperparameters_to_json(own, d0.channels);
    }
  }
  j["segment_coefficients"] = segs;
  nlohmann::json global = nlohmann::json::object();
  for (int c = 0; c < C; ++c) {
    const SegmentChannel& g = r.global[c];
    global[d0.channels[c]] = {{"spend", g.spend},
                              {"contribution", g.contribution},
                              {"roas", number_or_null(g.roi)},
                              {"roas_lower", number_or_null(g.roi_lower)},
                              {"roas_upper", number_or_null(g.roi_upper)},
                              {"marginal_roi", number_or_null(g.marginal_roi)},
                              {"efficiency", 1.0},
                              {"coef", g.coef}};
  }
  j["global_performance"] = global;
  j["metrics"] = {{"loss", r.fit.loss},
                  {"loss_shared_hyperparameters", number_or_null(r.shared_loss)},
                  {"r2", r.fit.r2_pooled},
                  {"r2_unpooled", r.unpooled.r2_pooled},
                  {"cv_mape", number_or_null(r.cv.mape())},
                  {"cv_mape_std", number_or_null(r.cv.mape_stdev())},
                  {"cv_r2", number_or_null(r.cv.skipped ? std::nan("") : r.cv.pooled_mean.r2)},
                  {"cv_folds", r.cv.scored_folds()},
                  {"rows", r.problem.total_rows()}};
  j["search"] = {{"searched", r.searched},
                 {"evaluations", r.search.evaluations},
                 {"segment_evaluations", r.segment_search_evaluations},
                 {"best_loss", number_or_null(r.searched ? r.search.best_loss : std::nan(""))}};
  j["bootstrap"] = {{"resamples", r.bootstrapped ? r.bootstrap.resamples : 0},
                    {"failed", r.bootstrap.failed},
                    {"ci", o.ci}};
  j["diagnostics"] = diagnostics_json(r.diagnostics);
  j["backend"] = r.backend;
  j["timings_seconds"] = {{"total", r.seconds_total},
                          {"search", r.seconds_search},
                          {"segment_search", r.seconds_segment_search},
                          {"cv", r.seconds_cv},
                          {"bootstrap", r.seconds_bootstrap}};
  return j;
}

nlohmann::json segment_summary_json(const SegmentReport& r, const std::string& out_dir) {
  return {{"loss", r.fit.loss},
          {"r2", r.fit.r2_pooled},
          {"cv_mape", number_or_null(r.cv.mape())},
          {"pooling", pooling_name(r.problem.pooling)},
          {"segments", r.problem.count()},
          {"evaluations", r.search.evaluations},
          {"per_segment_hyperparameters", r.hyper_stride != 0},
          {"segment_evaluations", r.segment_search_evaluations},
          {"seconds", r.seconds_total},
          {"search_seconds", r.seconds_search},
          {"bootstrap", r.bootstrapped ? r.bootstrap.resamples : 0},
          {"warnings", diagnostics_json(r.diagnostics)},
          {"backend", r.backend},
          {"channels", r.problem.channels()},
          {"rows", r.problem.total_rows()},
          {"out", out_dir}};
}

void write_segment_outputs(const SegmentReport& r, OutputDir& out) {
  out.add("model_results.csv", model_results(r));
  out.add("segment_performance.csv", segment_performance(r));
  out.add("search_trace.csv", search_trace(r));
  write_segment_tables(r, out);
  out.add("model.json", segment_model_json(r).dump(2) + "\n");
}

}  // namespace mmm
