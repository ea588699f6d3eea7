#include "host/allocation/conservative_allocation.hpp"

#include <algorithm>
#include <cmath>

#include "host/curves/response_curves.hpp"

namespace mmm {

AllocationResult allocate_conservative(const std::vector<ChannelResponse>& mean,
                                       const AllocationOptions& options) {
  std::vector<ChannelResponse> lower;
  for (const ChannelResponse& r : mean) lower.push_back(conservative_response(r));
  AllocationResult out = allocate_budget(lower, options);
  out.contribution_current = 0.0;
  out.contribution_recommended = 0.0;
  for (std::size_t c = 0; c < mean.size(); ++c) {
    ChannelAllocation& a = out.channels[c];
    const double on_lower = a.contribution_recommended - a.contribution_current;
    const double on_mean = weekly_contribution(mean[c], a.recommended_spend) -
                           weekly_contribution(mean[c], a.current_spend);
    a.contribution_current = weekly_contribution(mean[c], a.current_spend);
    a.contribution_recommended = a.contribution_current + std::min(on_lower, on_mean);
    out.contribution_current += a.contribution_current;
    out.contribution_recommended += a.contribution_recommended;
  }
  out.lift = out.contribution_recommended - out.contribution_current;
  out.lift_percent =
      out.contribution_current != 0.0 ? 100.0 * out.lift / std::abs(out.contribution_current) : 0.0;
  out.message +=
      "; conservative: allocated on the lower bands, each change valued at the lower "
      "of its lower-band and mean-curve value";
  return out;
}

}  // namespace mmm
