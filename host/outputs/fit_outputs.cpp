#include "host/outputs/fit_outputs.hpp"

#include <algorithm>
#include <cmath>

#include "host/bootstrap/bootstrap.hpp"
#include "host/channels/kind_curves.hpp"
#include "host/curves/response_curves.hpp"
#include "host/io/csv_writer.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/model_json.hpp"
#include "host/outputs/table_rows.hpp"

namespace mmm {
namespace {

/// JSON has no NaN: missing figures (no bootstrap, CV skipped) become null.
nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

double cv_mape(const FitReport& r) { return r.cv.skipped ? std::nan("") : r.cv.mean.mape; }

/// Every trial's best model (seed, loss, R², CV MAPE when chosen by CV, θ/α/γ and ROI per
/// channel) and, per channel, the ROI's spread over the trials: the stability figure.
nlohmann::json trials_json(const FitReport& r) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t t = 0; t < r.trials.size(); ++t) {
    const TrialSummary& s = r.trials[t];
    nlohmann::json channels = nlohmann::json::object();
    for (size_t c = 0; c < r.data.channels.size(); ++c) {
      channels[r.data.channels[c]] = {{"theta", s.hyper3c[3 * c]},
                                      {"alpha", s.hyper3c[3 * c + 1]},
                                      {"gamma", s.hyper3c[3 * c + 2]},
                                      {"roi", number_or_null(s.roi[c])}};
    }
    out.push_back({{"trial", t + 1},
                   {"seed", s.seed},
                   {"loss", number_or_null(s.loss)},
                   {"r2", number_or_null(s.r2)},
                   {"cv_mape", number_or_null(s.cv_mape)},
                   {"chosen", static_cast<int>(t) == r.chosen_trial},
                   {"channels", channels}});
  }
  return out;
}

std::string model_results(const FitReport& r) {
  CsvWriter w({"CHANNEL_KEY", "CHANNEL_CODE", "GEO_CODE", "PRODUCT_CODE", "COEFFICIENT_WEIGHT",
               "ROI", "ROI_CI_LOWER", "ROI_CI_UPPER", "IS_SIGNIFICANT", "MARGINAL_ROI",
               "ADSTOCK_DECAY_RATE", "SATURATION_ALPHA", "SATURATION_POINT", "MODEL_R2_INSAMPLE",
               "MODEL_MAPE_CV", "N_OBSERVATIONS", "CURRENT_SPEND", "SPEND_SHARE",
               "OPTIMAL_SPEND_SUGGESTION"});
  for (size_t c = 0; c < r.channels.size(); ++c) {
    const ChannelResult& ch = r.channels[c];
    const ChannelResponse& resp = ch.response;
    // Wide input has no geo or product grain: the whole market is GLOBAL / ALL; channel-long
    // data (--format long) gives each key's parts.
    const auto at = std::find(r.data.channels.begin(), r.data.channels.end(), resp.name);
    const auto k = static_cast<std::size_t>(at - r.data.channels.begin());
    if (k < r.data.channel_codes.size()) {
      const ChannelCode& code = r.data.channel_codes[k];
      w.cell(resp.name).cell(code.channel).cell(code.geo).cell(code.product);
    } else {
      w.cell(resp.name).cell(resp.name).cell("GLOBAL").cell("ALL");
    }
    w.cell(resp.coef).cell(ch.roi);
    w.cell(ch.roi_lower).cell(ch.roi_upper);
    if (r.bootstrapped)
      w.cell(ch.significant);
    else
      w.cell("");
    w.cell(ch.marginal_roi).cell(resp.hyper.theta);
    // A logistic curve has no α: the cell is empty (as IS_SIGNIFICANT is without a bootstrap),
    // and SATURATION_POINT is its half-saturation γ, as for Hill.
    if (resp.hyper.saturation == SaturationShape::Logistic)
      w.cell("");
    else
      w.cell(resp.hyper.alpha);
    w.cell(resp.hyper.gamma);
    w.cell(r.fit.r2[0]).cell(cv_mape(r)).cell(r.model.rows()).cell(resp.mean_weekly_spend);
    w.cell(ch.spend_share).cell(r.allocation.channels[c].recommended_spend).end_row();
  }
  return w.text();
}

std::string response_curves(const FitReport& r) {
  CsvWriter w({"CHANNEL", "SPEND", "PREDICTED_REVENUE", "PREDICTED_REVENUE_CI_LOWER",
               "PREDICTED_REVENUE_CI_UPPER", "MARGINAL_ROI_AT_SPEND", "EFFICIENCY_ZONE"});
  for (const auto& ch : r.channels) response_curve_rows(w, ch.response);
  return w.text();
}

std::string budget_allocation(const FitReport& r) {
  CsvWriter w({"CHANNEL", "CURRENT_SPEND", "RECOMMENDED_SPEND", "CHANGE", "CHANGE_PERCENT",
               "MARGINAL_ROI_CURRENT", "MARGINAL_ROI_RECOMMENDED", "CONTRIBUTION_CURRENT",
               "CONTRIBUTION_RECOMMENDED", "LIFT", "LIFT_PERCENT"});
  allocation_rows(w, r.allocation);
  return w.text();
}

std::string cv_folds(const FitReport& r) {
  CsvWriter w({"FOLD", "TRAIN_START", "TRAIN_END", "TEST_START", "TEST_END", "R2", "RMSE", "MAE",
               "MAPE", "NRMSE"});
  cv_fold_rows(w, r.data.dates, r.cv.folds, !r.cv.skipped, r.cv.mean, r.cv.stdev, r.cv.in_sample);
  return w.text();
}

std::string decomposition(const FitReport& r) {
  std::vector<std::string> header = {"DATE", "ACTUAL", "PREDICTED", "BASELINE"};
  for (const auto& c : r.data.channels) header.push_back(c);
  for (const auto& k : r.kind_inputs) header.push_back(k.name);
  CsvWriter w(header);
  const bool kinds = !r.kind_inputs.empty();
  for (int t = 0; t < r.model.rows(); ++t) {
    const double media = r.media_contribution.row(t).sum();
    const double kind = kinds ? r.kind_contribution.row(t).sum() : 0.0;
    w.cell(r.data.dates[t].to_string())
        .cell(r.model.y(t))
        .cell(r.fitted(t))
        .cell(r.fitted(t) - media - kind);
    for (int c = 0; c < r.model.channels(); ++c) w.cell(r.media_contribution(t, c));
    for (Eigen::Index k = 0; kinds && k < r.kind_contribution.cols(); ++k)
      w.cell(r.kind_contribution(t, k));
    w.end_row();
  }
  return w.text();
}

std::string flow_curves(const FitReport& r) {
  CsvWriter w({"CHANNEL", "SPEND", "MEAN", "LOWER", "UPPER", "MARGINAL"});
  for (const auto& f : r.kinds.channels) {
    if (f.kind != ChannelKind::Flow) continue;
    for (const FlowCurvePoint& p : flow_curve(f, r.options.ci)) {
      w.cell(f.name).cell(p.spend).cell(p.mean).cell(p.lower).cell(p.upper).cell(p.marginal);
      w.end_row();
    }
  }
  return w.text();
}

std::string stock_curves(const FitReport& r) {
  CsvWriter w({"CHANNEL", "UNITS", "MEAN", "SD_TOUCH", "SD_TOTAL", "LOWER_1SD", "UPPER_1SD",
               "LOWER_2SD", "UPPER_2SD", "LOWER_3SD", "UPPER_3SD", "MARGINAL"});
  for (const auto& f : r.kinds.channels) {
    if (f.kind != ChannelKind::Stock) continue;
    for (const StockCurvePoint& p : stock_curve(f, r.kinds.sigma_eps2)) {
      w.cell(f.name).cell(p.units).cell(p.mean).cell(p.sd_touch).cell(p.sd);
      for (int k = 1; k <= 3; ++k) w.cell(p.mean - k * p.sd_touch).cell(p.mean + k * p.sd_touch);
      w.cell(p.marginal).end_row();
    }
  }
  return w.text();
}

bool has_kind(const FitReport& r, ChannelKind kind) {
  for (const auto& f : r.kinds.channels)
    if (f.kind == kind) return true;
  return false;
}

nlohmann::json kind_channels_json(const FitReport& r) {
  nlohmann::json j = nlohmann::json::object();
  const int C = r.model.channels();
  const size_t K0 = r.controls.names.size() - r.kind_inputs.size();
  for (size_t k = 0; k < r.kinds.channels.size(); ++k) {
    const KindChannelFit& f = r.kinds.channels[k];
    nlohmann::json c = {{"kind", kind_name(f.kind)},
                        {"a", f.a},
                        {"b", f.b},
                        {"mean_input", f.mean_input},
                        {"max_input", f.max_input},
                        {"ridge_coef", r.fit.coef[static_cast<size_t>(C) + K0 + k]}};
    if (f.kind == ChannelKind::Flow) {
      c["lambda"] = f.lambda;
      if (!f.boot_a.empty()) {
        const double lo = 0.5 * (1.0 - r.options.ci), hi = 0.5 * (1.0 + r.options.ci);
        c["a_ci"] = {percentile(f.boot_a, lo), percentile(f.boot_a, hi)};
        c["b_ci"] = {percentile(f.boot_b, lo), percentile(f.boot_b, hi)};
        c["bootstrap"] = f.boot_a.size();
      }
    } else {
      c["mu"] = f.mu;
      c["sigma"] = std::sqrt(f.sigma2);
    }
    j[f.name] = c;
  }
  return j;
}

/// --objective pareto: the front of every evaluated candidate, by NRMSE, with the chosen model.
std::string pareto_csv(const FitReport& r) {
  std::vector<std::string> header = {"rank", "nrmse", "decomp_rssd", "loss", "chosen"};
  for (const auto& c : r.data.channels)
    for (const char* p : {"_theta", "_alpha", "_gamma"}) header.push_back(c + p);
  CsvWriter w(header);
  int rank = 1;
  for (int i : r.pareto_front) {
    const ParetoPoint& p = r.pareto[static_cast<size_t>(i)];
    w.cell(rank++).cell(p.nrmse).cell(p.decomp_rssd).cell(p.loss);
    w.cell(i == r.pareto_chosen ? "TRUE" : "FALSE");
    for (double v : p.hyper3c) w.cell(v);
    w.end_row();
  }
  return w.text();
}

std::string search_trace(const FitReport& r) {
  CsvWriter w({"GENERATION", "EVALUATIONS", "BEST_LOSS", "MEAN_LOSS", "SECONDS"});
  for (const auto& p : r.search.trace) {
    w.cell(p.generation)
        .cell(p.evaluations)
        .cell(p.best_loss)
        .cell(p.mean_loss)
        .cell(p.seconds)
        .end_row();
  }
  return w.text();
}

/// The curves the fit's allocation ran on, exactly (JSON numbers round-trip a double), so that
/// `mmm optimize` reproduces the fit's plan without refitting.
nlohmann::json responses_json(const FitReport& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const ChannelResponse& c : r.allocation_responses) {
    out.push_back({{"name", c.name},
                   {"shape", c.shape == ResponseShape::Log ? "log" : "hill"},
                   {"theta", c.hyper.theta},
                   {"alpha", c.hyper.alpha},
                   {"gamma", c.hyper.gamma},
                   {"saturation", saturation_name(c.hyper.saturation)},
                   {"log_b", c.log_b},
                   {"coef", c.coef},
                   {"coef_lower", c.coef_lower},
                   {"coef_upper", c.coef_upper},
                   {"mean_weekly_spend", c.mean_weekly_spend},
                   {"max_weekly_spend", c.max_weekly_spend}});
  }
  return out;
}

/// The fitted weeks' spend per allocated channel (media, then flow) and the user controls'
/// means: what a spend plan's adstock carries over from and what `mmm optimize --window`
/// averages.
nlohmann::json history_json(const FitReport& r) {
  std::vector<std::string> dates;
  for (const Date& d : r.data.dates) dates.push_back(d.to_string());
  nlohmann::json spend = nlohmann::json::object();
  for (int c = 0; c < r.model.channels(); ++c) {
    const Eigen::VectorXd col = r.model.spend.col(c);
    spend[r.data.channels[static_cast<size_t>(c)]] =
        std::vector<double>(col.data(), col.data() + col.size());
  }
  for (const KindChannelInput& k : r.kind_inputs) {
    if (k.spec.kind != ChannelKind::Flow) continue;
    spend[k.name] = std::vector<double>(k.x.data(), k.x.data() + k.x.size());
  }
  nlohmann::json control_means = nlohmann::json::object();
  for (size_t k = 0; k < r.data.controls.size(); ++k)
    control_means[r.data.controls[k]] =
        r.data.control_values.col(static_cast<Eigen::Index>(k)).mean();
  return {{"dates", dates}, {"spend", spend}, {"control_means", control_means}};
}

/// Every coefficient (media, then controls) and the intercept of each bootstrap resample (null
/// for a failed one) and, for the nested bootstrap, its (θ, α, γ): the joint draws of
/// `mmm predict`'s coefficient band.
nlohmann::json bootstrap_draws_json(const FitReport& r) {
  nlohmann::json coef = nlohmann::json::array(), intercept = nlohmann::json::array(),
                 hyper = nlohmann::json::array();
  const Eigen::MatrixXd& all = r.bootstrap.all_coef;
  for (Eigen::Index b = 0; r.bootstrapped && b < all.rows(); ++b) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < all.cols(); ++j) row.push_back(number_or_null(all(b, j)));
    coef.push_back(row);
    intercept.push_back(number_or_null(r.bootstrap.intercept[b]));
    if (r.bootstrap_hyper.rows() == all.rows()) {
      const Eigen::VectorXd h = r.bootstrap_hyper.row(b).transpose();
      hyper.push_back(std::vector<double>(h.data(), h.data() + h.size()));
    }
  }
  return {{"coef", coef}, {"intercept", intercept}, {"hyper", hyper}};
}

/// Residual standard deviation of the final fit, the noise `mmm predict` adds to its
/// coefficient band for a prediction interval: √(Σ (y − ŷ)² / (T − p − 1 − k)), where k counts
/// the nonlinear parameters fitted to the same rows, as in nonlinear least squares: a searched
/// media channel's θ and γ (and a Hill's α), a flow/stock channel's λ and b. Without them the
/// in-sample residuals understate the noise of unseen weeks (bench/RESULTS.md, "predict --plan").
double residual_sd(const FitReport& r) {
  int fitted_transforms = 2 * static_cast<int>(r.kinds.channels.size());
  if (r.searched) {
    for (const ChannelHyper& h : r.hyperparameters.channels)
      fitted_transforms += h.saturation == SaturationShape::Logistic ? 2 : 3;
  }
  const double dof = std::max(1, r.model.rows() - r.model.parameters() - 1 - fitted_transforms);
  return std::sqrt((r.model.y - r.fitted).squaredNorm() / dof);
}

// How the data file was read (docs/input.md), so a run can be repeated from its model.json.
nlohmann::json input_json(const ColumnSelection& c) {
  nlohmann::json j = {{"format", c.channel_long ? "long" : "wide"},
                      {"date_format", c.date_format.empty() ? "ISO 8601" : c.date_format},
                      {"missing_controls", missing_controls_name(c.missing_controls)}};
  if (c.channel_long) {
    const ChannelLongOptions& lo = c.long_options;
    j["min_spend"] = lo.min_spend;
    j["geo_level"] = lo.geo_level;
    j["product_level"] = lo.product_level;
    j["long_revenue"] = lo.revenue == LongRevenue::Market ? "market" : "row";
  }
  return j;
}

}  // namespace

nlohmann::json diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    nlohmann::json j = {{"code", d.code}, {"message", d.message}};
    if (!d.channel.empty()) j["channel"] = d.channel;
    for (const auto& [name, value] : d.figures) j[name] = number_or_null(value);
    out.push_back(j);
  }
  return out;
}

/// --ridge-lambda auto: each λ with its rolling-CV loss and the chosen one; null otherwise.
nlohmann::json lambda_selection_json(const LambdaSelection& selection) {
  if (selection.best < 0) return nullptr;
  nlohmann::json scores = nlohmann::json::array();
  for (const LambdaScore& s : selection.scores)
    scores.push_back({{"lambda", s.lambda}, {"cv_loss", number_or_null(s.cv_loss)}});
  return {{"chosen", selection.lambda()}, {"scores", scores}};
}

/// --saturation auto: each shape with its rolling-CV loss and the chosen one; null otherwise.
nlohmann::json saturation_selection_json(const SaturationSelection& selection) {
  if (selection.best < 0) return nullptr;
  nlohmann::json scores = nlohmann::json::array();
  for (const SaturationScore& s : selection.scores)
    scores.push_back(
        {{"saturation", saturation_name(s.shape)}, {"cv_loss", number_or_null(s.cv_loss)}});
  return {{"chosen", saturation_name(selection.shape())}, {"scores", scores}};
}

nlohmann::json model_json(const FitReport& r) {
  const int p = r.model.parameters();
  nlohmann::json j;
  j["format"] = "mmm-model";
  j["format_version"] = kModelFormatVersion;
  j["version"] = MMM_VERSION;
  const FitOptions& o = r.options;
  j["config"] = {{"data", o.data_path},
                 {"date_col", r.data.date_column},
                 {"kpi_col", r.data.kpi_column},
                 {"channels", r.data.channels},
                 {"controls", r.data.controls},
                 {"ridge_lambda", r.model.ridge_lambda},
                 {"budget", o.budget},
                 {"population", o.population},
                 {"bootstrap", o.bootstrap},
                 {"nested_budget", o.nested_budget},
                 {"ci", o.ci},
                 {"cv", {{"train", o.cv.train}, {"test", o.cv.test}, {"step", o.cv.step}}},
                 {"budget_change_limit", o.budget_change_limit},
                 {"revenue_per_kpi", o.revenue_per_kpi},
                 {"seed", o.seed},
                 {"device", o.device},
                 {"input", input_json(o.columns)}};
  j["hyperparameters"] = hyperparameters_to_json(r.hyperparameters, r.data.channels);
  std::vector<std::string> columns = r.data.channels;
  columns.insert(columns.end(), r.controls.names.begin(), r.controls.names.end());
  j["columns"] = columns;
  j["scaler"] = {{"mean", std::vector<double>(r.fit.mean.begin(), r.fit.mean.begin() + p)},
                 {"scale", std::vector<double>(r.fit.scale.begin(), r.fit.scale.begin() + p)}};
  j["coefficients"] = {{"intercept", r.fit.intercept[0]},
                       {"coef", std::vector<double>(r.fit.coef.begin(), r.fit.coef.begin() + p)},
                       {"coef_scaled", std::vector<double>(r.fit.coef_scaled.begin(),
                                                           r.fit.coef_scaled.begin() + p)}};
  j["metrics"] = {{"loss", r.fit.loss[0]},
                  {"r2", r.fit.r2[0]},
                  {"cv_mape", number_or_null(cv_mape(r))},
                  {"cv_r2", number_or_null(r.cv.skipped ? std::nan("") : r.cv.mean.r2)},
                  {"rows", r.model.rows()},
                  {"first_date", r.data.dates.front().to_string()},
                  {"last_date", r.data.dates.back().to_string()}};
  j["search"] = {{"searched", r.searched},
                 {"evaluations", r.searched ? r.search_evaluations : 0},
                 {"best_loss", number_or_null(r.searched ? r.search.best_loss : std::nan(""))},
                 {"reference", o.reference},
                 {"gamma_encoding", o.reference ? "spend_fraction" : "adstocked_max"},
                 {"nonnegative_media", r.model.nonnegative_media},
                 {"trials", trials_json(r)},
                 {"chosen_trial", r.chosen_trial + 1},
                 {"select", o.select},
                 {"objective", o.objective},
                 {"point_estimate", r.bagged ? "bagged" : "search"},
                 {"pareto_front", r.pareto_front.size()},
                 {"pareto_evaluated", r.pareto.size()},
                 {"lambda_selection", lambda_selection_json(r.lambda_selection)},
                 {"saturation_selection", saturation_selection_json(r.saturation_selection)}};
  j["bootstrap"] = {
      {"resamples", r.bootstrapped ? r.bootstrap.resamples : 0},
      {"failed", r.bootstrap.failed},
      {"nested", r.nested},
      {"nested_selection", r.nested && o.objective == "pareto" ? "pareto_front" : "lowest_loss"},
      {"nested_evaluations", r.nested_evaluations},
      {"block_length", o.block_length},
      {"ci", o.ci}};
  if (!r.kind_inputs.empty()) {
    j["kind_channels"] = kind_channels_json(r);
    j["kind_fit"] = {{"deseasonalize", o.deseasonalize},
                     {"sigma_eps", std::sqrt(r.kinds.sigma_eps2)},
                     {"coverage_1sd", r.kinds.coverage[0]},
                     {"coverage_2sd", r.kinds.coverage[1]},
                     {"coverage_3sd", r.kinds.coverage[2]}};
  }
  j["allocation"] = {{"conservative", o.conservative},
                     {"budget_change_limit", o.budget_change_limit}};
  j["responses"] = responses_json(r);
  j["history"] = history_json(r);
  j["residual_sd"] = residual_sd(r);
  j["bootstrap_draws"] = bootstrap_draws_json(r);
  j["diagnostics"] = diagnostics_json(r.diagnostics);
  j["backend"] = r.backend;
  j["timings_seconds"] = {{"total", r.seconds_total},
                          {"search", r.seconds_search},
                          {"cv", r.seconds_cv},
                          {"bootstrap", r.seconds_bootstrap}};
  return j;
}

nlohmann::json fit_summary_json(const FitReport& r, const std::string& out_dir) {
  return {{"loss", r.fit.loss[0]},
          {"r2", r.fit.r2[0]},
          {"cv_mape", number_or_null(cv_mape(r))},
          {"evaluations", r.searched ? r.search_evaluations : 0},
          {"trials", trials_json(r)},
          {"seconds", r.seconds_total},
          {"search_seconds", r.seconds_search},
          {"bootstrap", r.bootstrapped ? r.bootstrap.resamples : 0},
          {"backend", r.backend},
          {"channels", r.model.channels()},
          {"rows", r.model.rows()},
          {"out", out_dir},
          {"warnings", diagnostics_json(r.diagnostics)}};
}

void write_fit_outputs(const FitReport& r, OutputDir& out) {
  out.add("model_results.csv", model_results(r));
  out.add("response_curves.csv", response_curves(r));
  out.add("budget_allocation.csv", budget_allocation(r));
  out.add("cv_folds.csv", cv_folds(r));
  out.add("decomposition.csv", decomposition(r));
  out.add("search_trace.csv", search_trace(r));
  if (!r.pareto_front.empty()) out.add("pareto.csv", pareto_csv(r));
  if (has_kind(r, ChannelKind::Flow)) out.add("flow_curves.csv", flow_curves(r));
  if (has_kind(r, ChannelKind::Stock)) out.add("stock_curves.csv", stock_curves(r));
  out.add("model.json", model_json(r).dump(2) + "\n");
}

}  // namespace mmm
