#pragma once
// Budget allocation (SPEC §8): spread a weekly budget over channels to maximize the summed
// steady-state contribution, within per-channel bounds around the current spend.

#include <string>
#include <vector>

#include "host/curves/channel_response.hpp"

namespace mmm {

/// What the allocator is asked for. Spends are weekly, in currency units.
struct AllocationOptions {
  double total_budget = -1.0;  ///< weekly budget to spend; < 0 means the current total
  double change_limit = 0.30;  ///< each channel may move by at most this fraction of current
  /// Per-channel weekly spend bounds (mmm optimize --limits); empty: every channel gets
  /// [current·(1 − change_limit), current·(1 + change_limit)]. When given, one per channel,
  /// 0 ≤ lower ≤ upper, and they replace change_limit.
  std::vector<double> lower, upper;
};

/// One channel's row of budget_allocation.csv.
struct ChannelAllocation {
  std::string name;
  double current_spend = 0.0;      ///< mean weekly spend in the data
  double recommended_spend = 0.0;  ///< weekly spend the allocator proposes
  double change = 0.0;             ///< recommended − current
  double change_percent = 0.0;     ///< 100 · change / current (0 when current is 0)
  double marginal_roi_current = 0.0;
  double marginal_roi_recommended = 0.0;
  double contribution_current = 0.0;      ///< weekly KPI contribution at current spend
  double contribution_recommended = 0.0;  ///< weekly KPI contribution at recommended spend
  double lower_bound = 0.0;               ///< the weekly spend the plan could not go below
  double upper_bound = 0.0;               ///< the weekly spend the plan could not go above
};

/// "LOWER" or "UPPER" when the recommended spend sits on that bound (within 1e-9 relative),
/// "" when it is free; "FIXED" when the bounds coincide. A static literal.
const char* binding_limit(const ChannelAllocation& a);

/// The whole allocation: per-channel rows and the totals.
struct AllocationResult {
  std::vector<ChannelAllocation> channels;
  double budget = 0.0;                    ///< weekly budget that was allocated
  double contribution_current = 0.0;      ///< Σ weekly contribution at current spends
  double contribution_recommended = 0.0;  ///< Σ weekly contribution at recommended spends
  double lift = 0.0;                      ///< recommended − current
  double lift_percent = 0.0;              ///< 100 · lift / |current| (0 when current is 0)
  bool converged = false;  ///< false when no allocation better than the current one was found
  std::string message;     ///< how the result was obtained, one line
};

/// Maximizes Σ_c weekly_contribution_c(s_c) subject to Σ s_c = budget and
/// s_c ∈ [current·(1 − limit), current·(1 + limit)] (lower bound clamped at 0).
/// equalize_marginal_roi gives the starting point (cheap, and exact for concave curves); NLopt
/// SLSQP with analytic gradients polishes it, which matters for S-shaped curves; the better
/// of the two is kept. The result never has less contribution than the current spends
/// projected onto the feasible set (the current spends themselves when the budget is the
/// current total). Throws InputError for an empty channel list, a negative or non-finite
/// limit or current spend, or a budget outside [Σ lower bounds, Σ upper bounds].
AllocationResult allocate_budget(const std::vector<ChannelResponse>& channels,
                                 const AllocationOptions& options);

/// The bounds allocate_budget uses: options.lower/upper when given (checked: one per channel,
/// finite, 0 ≤ lower ≤ upper), else current·(1 ∓ change_limit) with the lower clamped at 0.
/// Throws InputError as allocate_budget does.
void allocation_bounds(const std::vector<ChannelResponse>& channels,
                       const AllocationOptions& options, std::vector<double>& lower,
                       std::vector<double>& upper);

/// Each channel's spend in [lower, upper] maximizing contribution − λ·spend: where its marginal
/// ROI falls to λ (the flexible budget of a target marginal ROI), at a bound when it does not.
std::vector<double> spend_at_marginal_roi(const std::vector<ChannelResponse>& channels,
                                          const std::vector<double>& lower,
                                          const std::vector<double>& upper, double lambda);

/// Reference allocator: bisection on the common marginal ROI λ. Each channel takes the spend in
/// [lower, upper] that maximizes contribution − λ·spend; λ is chosen so the spends sum to the
/// budget, and any remainder left by a jump of an S-shaped curve is spread by a uniform shift.
/// Exact for concave curves (α ≤ 1, or spends above the Hill inflection point).
/// Requires Σ lower ≤ budget ≤ Σ upper; returns one spend per channel.
std::vector<double> equalize_marginal_roi(const std::vector<ChannelResponse>& channels,
                                          const std::vector<double>& lower,
                                          const std::vector<double>& upper, double budget);

/// Euclidean projection of `spend` onto {lower ≤ s ≤ upper, Σ s = budget}: s = clamp(x + μ)
/// with μ found by bisection. Requires Σ lower ≤ budget ≤ Σ upper.
std::vector<double> project_to_budget(const std::vector<double>& spend,
                                      const std::vector<double>& lower,
                                      const std::vector<double>& upper, double budget);

}  // namespace mmm
