#include "host/scenarios/optimize_scenario.hpp"

#include <cstdlib>
#include <utility>

#include "host/common/errors.hpp"
#include "host/scenarios/budget_scenarios.hpp"

namespace mmm {
namespace {

double parse_amount(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0.0) {
    throw InputError(flag + ": `" + text +
                     "` is not a budget; expected a number ≥ 0 (spend per period of the model's "
                     "data)");
  }
  return v;
}

std::pair<Date, Date> parse_window(const std::string& text) {
  const size_t colon = text.find(':');
  const auto start = parse_iso_date(text.substr(0, colon));
  const auto end =
      colon == std::string::npos ? std::nullopt : parse_iso_date(text.substr(colon + 1));
  if (!start || !end || end->days_since_epoch() < start->days_since_epoch()) {
    throw InputError("--window `" + text +
                     "`: expected START:END, two ISO dates with START ≤ END, e.g. "
                     "2023-01-02:2023-12-25");
  }
  return {*start, *end};
}

}  // namespace

void check_optimize_request(const OptimizeRequest& q) {
  const int modes = (std::isnan(q.total_budget) ? 0 : 1) + (q.budget_levels_given ? 1 : 0) +
                    (std::isnan(q.target_roi) ? 0 : 1) + (std::isnan(q.target_mroi) ? 0 : 1);
  if (modes > 1) {
    throw InputError(
        "mmm optimize: give at most one of --total-budget, --budget-levels, "
        "--target-roi, --target-mroi");
  }
}

OptimizeOutcome run_optimize(const SavedModel& model, const OptimizeRequest& q) {
  check_optimize_request(q);
  OptimizeOutcome r;
  std::vector<ChannelResponse> curves = model.responses;
  const std::string period = period_name(model.dates);
  r.current_note = "current spend: the mean over all fitted " + period + "s";
  if (!q.window.empty()) {
    const auto [start, end] = parse_window(q.window);
    int weeks = 0;
    curves = current_spend_in_window(model, start, end, &weeks);
    r.current_note = "current spend: the mean over " + std::to_string(weeks) + " fitted " + period +
                     "s in " + q.window;
  }
  const double change_limit =
      std::isnan(q.change_limit) ? model.budget_change_limit : q.change_limit;
  AllocationOptions options = options_with_limits(
      curves, q.limits.empty() ? std::vector<SpendLimit>{} : parse_spend_limits(q.limits),
      change_limit);
  if (q.budget_levels_given) {
    r.levels = true;
    for (const std::string& level : q.budget_levels) {
      AllocationOptions o = options;
      o.total_budget = parse_amount("--budget-levels", level);
      r.plans.push_back(allocate_plan(curves, o, model.conservative));
    }
    r.curves = std::move(curves);
    return r;
  }
  r.title = "plan";
  if (!std::isnan(q.target_roi) || !std::isnan(q.target_mroi)) {
    const bool roi = !std::isnan(q.target_roi);
    const FlexiblePlan flex =
        roi ? allocate_for_target_roi(curves, options, model.conservative, q.target_roi)
            : allocate_for_target_mroi(curves, options, model.conservative, q.target_mroi);
    r.plans.push_back(flex.plan);
    r.title = roi ? "target ROI plan" : "target marginal-ROI plan";
    r.note = (flex.reached ? "target reached: " : "target not reached: ") + flex.note;
  } else {
    if (!std::isnan(q.total_budget)) {
      if (!std::isfinite(q.total_budget) || q.total_budget < 0.0) {
        throw InputError("--total-budget " + std::to_string(q.total_budget) +
                         ": expected a budget ≥ 0 per period");
      }
      options.total_budget = q.total_budget;
    }
    r.plans.push_back(allocate_plan(curves, options, model.conservative));
  }
  r.curves = std::move(curves);
  return r;
}

}  // namespace mmm
