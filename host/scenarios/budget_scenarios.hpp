#pragma once
// The scenarios of `mmm optimize` (SPEC §8) on a saved model's curves: the current spend of a
// date window, per-channel spend limits, and the flexible budget (spend until the plan's
// average or marginal return falls to a target). Every plan is allocate_budget's (or
// allocate_conservative's): these only choose its inputs.

#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/curves/channel_response.hpp"
#include "host/data/date.hpp"
#include "host/io/saved_model.hpp"

namespace mmm {

/// One channel's `--limits` entry: fractions of its current spend, or absolute weekly spends.
struct SpendLimit {
  std::string channel;
  bool absolute = false;
  double lower = 0.0, upper = 0.0;
};

/// Parses `tv=0.5:2.0,radio=abs:1000:5000` (fractions of current spend, or `abs:` weekly
/// spends). InputError naming the entry for a malformed one, lower > upper or a negative value.
std::vector<SpendLimit> parse_spend_limits(const std::string& text);

/// The saved curves with mean_weekly_spend set to the mean weekly spend over the fitted weeks
/// in [start, end] (inclusive). InputError when no fitted week lies there.
std::vector<ChannelResponse> current_spend_in_window(const SavedModel& model, const Date& start,
                                                     const Date& end, int* weeks = nullptr);

/// Allocation options with per-channel bounds: a channel with a limit gets it (fractions of its
/// current spend, or absolute), every other channel current·(1 ∓ change_limit) (lower ≥ 0).
/// No limits: the plain ±change_limit options. InputError for a limit on an unknown channel.
AllocationOptions options_with_limits(const std::vector<ChannelResponse>& channels,
                                      const std::vector<SpendLimit>& limits, double change_limit);

/// allocate_conservative when `conservative`, else allocate_budget.
AllocationResult allocate_plan(const std::vector<ChannelResponse>& channels,
                               const AllocationOptions& options, bool conservative);

/// Σ weekly contribution / Σ weekly spend of a plan's recommended spends (0 for no spend).
double plan_roi(const AllocationResult& plan);

/// A flexible-budget plan: the budget is what the target allows, within the limits.
struct FlexiblePlan {
  AllocationResult plan;
  bool reached = false;  ///< the target is met inside the limits (else a limit stopped it)
  std::string note;      ///< one line: what happened
};

/// Spend until the marginal ROI falls to `target`: every channel takes the spend in its bounds
/// where its marginal ROI (on the curves the plan is allocated on: the lower bands when
/// conservative) equals the target, or the bound that is closer (spend_at_marginal_roi); the
/// plan is then allocated at that total. Reached when at least one channel sits strictly
/// inside its bounds.
FlexiblePlan allocate_for_target_mroi(const std::vector<ChannelResponse>& channels,
                                      const AllocationOptions& options, bool conservative,
                                      double target);

/// Spend until the plan's average ROI (plan_roi) falls to `target`: the largest budget within
/// the limits whose optimal plan has plan_roi ≥ target: a geometric grid of 48 budgets from the
/// largest down (plan_roi rises before it falls when curves are S-shaped), then bisection
/// (60 steps) above the largest budget meeting it. When no budget within the limits meets the
/// target, the plan of the highest ROI found, not reached; when the largest budget is still
/// above it, that plan, reached = false too.
FlexiblePlan allocate_for_target_roi(const std::vector<ChannelResponse>& channels,
                                     const AllocationOptions& options, bool conservative,
                                     double target);

/// "no limit binds" or "limits bind: tv at its upper bound (60000), radio at its lower …".
std::string binding_summary(const AllocationResult& plan);

}  // namespace mmm
