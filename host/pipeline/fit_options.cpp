#include "host/pipeline/fit_options.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "host/bootstrap/bootstrap.hpp"
#include "host/common/errors.hpp"
#include "host/validation/lambda_selection.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

void check_thread_count(int threads) {
  if (threads < 0 || threads > kMaxThreads) {
    throw InputError("invalid --threads " + std::to_string(threads) + ": expected 0 (every " +
                     "hardware thread) to " + std::to_string(kMaxThreads));
  }
}

void set_ridge_lambda(FitOptions& o, const std::string& text) {
  if (text == "auto") {
    o.lambda_grid = default_lambda_grid();
    return;
  }
  // Plain decimal only: std::stod would also read hex floats, inf and nan.
  const bool decimal =
      !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  size_t used = 0;
  double v = 0.0;
  try {
    if (decimal) v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !(v > 0) || !std::isfinite(v)) {
    throw InputError("invalid --ridge-lambda `" + text + "`: expected a finite number > 0 or auto");
  }
  o.ridge_lambda = v;
  o.ridge_lambda_explicit = true;
  o.lambda_grid.clear();
}

FitOptions resolved_fit_options(FitOptions o) {
  const bool reference = o.reference || !o.columns.segments.empty();
  if (o.budget == kAutoBudget) o.budget = reference ? kReferenceBudget : kDefaultBudget;
  if (o.nested_budget == kAutoNestedBudget) {
    o.nested_budget = reference || !o.hyperparameters_path.empty() ? 0 : kDefaultNestedBudget;
  }
  if (reference && !o.ridge_lambda_explicit) o.ridge_lambda = kDefaultRidgeLambda;
  // Bagged only where the nested searches make the choice the options ask for: they minimize
  // the loss (or pick on their own Pareto fronts), not the rolling-CV error of --objective cv
  // or --select cv.
  if (o.point_estimate == "auto") {
    const bool nested = o.bootstrap > 0 && o.nested_budget > 0;
    o.point_estimate = nested && o.objective != "cv" && o.select != "cv" ? "bagged" : "search";
  }
  return o;
}

void check_fit_options(const FitOptions& o) {
  if (o.budget < 1)
    throw InputError("invalid " + o.budget_flag + " " + std::to_string(o.budget) +
                     ": expected ≥ 1 search evaluation");
  if (o.trials < 1 || o.trials > kMaxTrials) {
    throw InputError("invalid --trials " + std::to_string(o.trials) + ": expected 1 to " +
                     std::to_string(kMaxTrials) + " independent searches");
  }
  if (o.objective != "rsq" && o.objective != "pareto" && o.objective != "cv") {
    throw InputError("invalid --objective `" + o.objective + "`: expected rsq, cv or pareto");
  }
  if (o.objective == "cv" && o.reference) {
    throw InputError("--objective cv is not part of the reference pipeline (--reference: the " +
                     std::string("in-sample R² with the negative-coefficient penalty)"));
  }
  if (o.objective == "pareto" && o.trials > 1) {
    throw InputError("--objective pareto takes its front from one search; use --trials 1");
  }
  if (o.select != "loss" && o.select != "cv") {
    throw InputError("invalid --select `" + o.select + "`: expected loss or cv");
  }
  if (!(o.revenue_per_kpi > 0.0) || !(o.revenue_per_kpi <= kMaxRevenuePerKpi)) {
    throw InputError("invalid --revenue-per-kpi " + std::to_string(o.revenue_per_kpi) +
                     ": expected money per unit of the KPI, > 0 and at most 1e6");
  }
  if (o.population < 4) {
    throw InputError("invalid --population " + std::to_string(o.population) + ": expected ≥ 4");
  }
  check_bootstrap_options(o.bootstrap, o.ci);
  if (o.block_length < 1) {
    throw InputError("invalid --block-length " + std::to_string(o.block_length) +
                     ": expected ≥ 1 row (1: i.i.d. resampling)");
  }
  check_thread_count(o.threads);
  if (o.nested_budget < 0) {
    throw InputError("invalid " + o.nested_budget_flag + " " + std::to_string(o.nested_budget) +
                     ": expected ≥ 0 evaluations per resample (0: plain bootstrap)");
  }
  if (o.nested_budget > 0 && !o.hyperparameters_path.empty()) {
    throw InputError(o.nested_budget_flag + " re-runs the search in every resample; it cannot be " +
                     std::string("combined with --hyperparameters (fixed θ, α, γ)"));
  }
  if (o.point_estimate != "bagged" && o.point_estimate != "search" && o.point_estimate != "auto") {
    throw InputError("invalid --point-estimate `" + o.point_estimate +
                     "`: expected bagged, search or auto");
  }
  if (o.point_estimate == "bagged" && (o.objective == "cv" || o.select == "cv")) {
    throw InputError(std::string("--point-estimate bagged takes the median of the nested ") +
                     "bootstrap's searches, which minimize the in-sample loss; it would ignore " +
                     (o.objective == "cv" ? "--objective cv" : "--select cv") +
                     " (without --point-estimate the search's own choice is the model there)");
  }
  if (o.point_estimate == "bagged" && (o.bootstrap < 1 || o.nested_budget < 1)) {
    throw InputError(
        "--point-estimate bagged takes each channel's median transforms over the nested "
        "bootstrap's searches; it needs --bootstrap ≥ 1 and " +
        o.nested_budget_flag + " ≥ 1 (not --reference, --hyperparameters or --segments)");
  }
  if (o.segment_budget < 1) {
    throw InputError("invalid --segment-budget " + std::to_string(o.segment_budget) +
                     ": expected ≥ 1 evaluation per segment");
  }
  if (!o.saturation.empty() && o.saturation != "auto" && !parse_saturation(o.saturation)) {
    throw InputError("invalid --saturation `" + o.saturation +
                     "`; expected one of: hill, logistic, auto");
  }
  if (o.saturation == "auto") {
    // Each is a choice of the model by rolling CV; one at a time keeps the cost (a search per
    // candidate) and the selection small.
    if (!o.lambda_grid.empty()) {
      throw InputError(
          "--saturation auto and --ridge-lambda auto (or --lambda-grid) each "
          "choose by rolling CV; give one of them");
    }
    if (!o.hyperparameters_path.empty()) {
      throw InputError(
          "--saturation auto chooses among searched fits; --hyperparameters fixes "
          "the transforms (and its file their shapes)");
    }
    if (o.reference) throw InputError("--saturation auto is not available with --reference");
  }
  if (o.segment_gamma != "shared" && o.segment_gamma != "scaled") {
    throw InputError("invalid --segment-gamma `" + o.segment_gamma +
                     "`: expected shared or scaled");
  }
  if (o.segment_gamma == "scaled" && o.per_segment_hyperparameters) {
    throw InputError(
        "--segment-gamma scaled already gives every segment its own γ; it cannot be "
        "combined with --per-segment-hyperparameters");
  }
  if (!(o.segment_shrinkage >= 0) || !std::isfinite(o.segment_shrinkage)) {
    throw InputError("invalid --segment-shrinkage " + std::to_string(o.segment_shrinkage) +
                     ": expected a number ≥ 0");
  }
  if (!(o.ridge_lambda > 0) || !std::isfinite(o.ridge_lambda)) {
    throw InputError("invalid --ridge-lambda " + std::to_string(o.ridge_lambda) +
                     ": expected a finite number > 0");
  }
  if (o.lambda_grid.size() > kMaxLambdaGrid) {
    throw InputError("invalid --lambda-grid: " + std::to_string(o.lambda_grid.size()) +
                     " values; expected at most " + std::to_string(kMaxLambdaGrid) +
                     " (each is a full search)");
  }
  for (const double lambda : o.lambda_grid) {
    if (!(lambda > 0) || !std::isfinite(lambda)) {
      throw InputError("invalid --lambda-grid value " + std::to_string(lambda) +
                       ": expected finite numbers > 0");
    }
  }
  if (!o.lambda_grid.empty() && o.reference) {
    throw InputError(
        "--ridge-lambda auto / --lambda-grid is not part of the reference pipeline "
        "(--reference: λ = 10 unless a number is given)");
  }
  if (!o.lambda_grid.empty() && !o.columns.segments.empty()) {
    throw InputError(
        "--ridge-lambda auto / --lambda-grid applies to single-market fits; with "
        "--segments give λ as a number");
  }
  make_folds(0, o.cv);  // the CV windows, checked before the search rather than after it
  if (!(o.budget_change_limit >= 0 && o.budget_change_limit <= 1)) {
    throw InputError("invalid --budget-change-limit " + std::to_string(o.budget_change_limit) +
                     ": expected a fraction in [0, 1]");
  }
}

void check_fit_mode(const FitOptions& o) {
  if (!o.columns.segments.empty()) {
    if (o.columns.channel_long) {
      throw InputError(
          "--format long is not supported with --segments (channel-long data is one market; "
          "--geo-level GEO gives a channel key per geo)");
    }
    // Features built for single-market fits that the segmented pipeline does not carry yet:
    // refuse them rather than silently ignore them.
    if (o.nested_budget > 0)
      throw InputError(o.nested_budget_flag + " is not supported with --segments");
    if (o.block_length != 1) throw InputError("--block-length is not supported with --segments");
    if (!o.init_from_path.empty()) throw InputError("--init-from is not supported with --segments");
    if (!o.kinds.empty())
      throw InputError("flow/stock channel kinds are not supported with --segments");
    if (o.conservative || o.deseasonalize)
      throw InputError("--conservative and --deseasonalize are not supported with --segments");
    if (o.revenue_per_kpi != 1.0)
      throw InputError("--revenue-per-kpi is not supported with --segments");
    if (o.objective != "rsq")
      throw InputError("--objective " + o.objective + " is not supported with --segments");
    if ((!o.saturation.empty() && o.saturation != "hill") || !o.channel_saturation.empty()) {
      throw InputError((o.saturation.empty() ? std::string("a [channels.NAME] saturation")
                                             : "--saturation " + o.saturation +
                                                   " (or a [channels.NAME] saturation)") +
                       " is not supported with --segments: segmented fits are Hill only");
    }
    return;
  }
  if (o.pooling != "partial" || o.lambda_global > 0 || o.lambda_segment > 0 ||
      !o.global_channels.empty() || o.per_segment_hyperparameters ||
      o.segment_budget != FitOptions().segment_budget ||
      o.segment_shrinkage != FitOptions().segment_shrinkage ||
      o.segment_gamma != FitOptions().segment_gamma) {
    throw InputError(
        "config: [segments] pooling/lambda_global/lambda_segment/global_channels/"
        "per_segment_hyperparameters/segment_budget/segment_shrinkage/gamma need [segments] "
        "columns (or --segments)");
  }
}

std::string default_saturation(const FitOptions& o) {
  return o.reference || !o.columns.segments.empty() ? "hill" : "logistic";
}

std::vector<SaturationShape> media_saturation(const FitOptions& o,
                                              const std::vector<std::string>& channels) {
  const std::string name = o.saturation.empty() ? default_saturation(o) : o.saturation;
  // auto starts from Hill; the fit then chooses (host/validation/saturation_selection.hpp).
  std::vector<SaturationShape> shapes(
      channels.size(),
      name == "auto" ? SaturationShape::Hill : saturation_from_name(name, "--saturation"));
  for (const auto& [name, shape] : o.channel_saturation) {
    const auto it = std::find(channels.begin(), channels.end(), name);
    if (it == channels.end()) {
      std::string known;
      for (const auto& c : channels) known += (known.empty() ? "" : ", ") + c;
      throw InputError("config: saturation given for channel `" + name +
                       "`, which is not a media channel; media channels: " + known);
    }
    shapes[static_cast<size_t>(it - channels.begin())] = shape;
  }
  return shapes;
}

}  // namespace mmm
