#pragma once
// The --conservative budget plan: allocated on every channel's lower band, and reported with
// a lift that cannot be more than the mean plan's. Valuing both the plan and today's spend on
// the lower bands is not enough: with two identical channels at their mean optimum, one
// with a wide band, the lower-band curves move money to the narrow one and book a gain the
// mean model says does not exist. So each channel's change is valued at the lower of its
// lower-band and mean-curve changes: gains at the lower band, losses at the mean.

#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/curves/channel_response.hpp"

namespace mmm {

/// Allocates `options.total_budget` on conservative_response(c) of every channel (so the
/// recommended spends and marginal ROIs are the lower-band plan's) and values the plan:
/// contribution_current is the channel's mean-curve contribution at its current spend (the
/// fit's own estimate of today), contribution_recommended is that plus
/// min(Δ on the lower-band curve, Δ on the mean curve) of the move, and lift_percent is
/// relative to the mean-curve current total — the same base as the mean plan's. Hence the lift
/// is at most the plan's lift on the mean curves, which is at most the mean plan's lift
/// whenever allocate_budget(mean) finds its optimum. Throws what allocate_budget throws.
AllocationResult allocate_conservative(const std::vector<ChannelResponse>& mean,
                                       const AllocationOptions& options);

}  // namespace mmm
