// --conservative (host/allocation/conservative_allocation, conservative_response): a channel is
// never valued below zero contribution, and the conservative plan never reports more lift
// than the mean plan — including the case where valuing both plans on the lower-band curves
// alone would.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/allocation/conservative_allocation.hpp"
#include "host/curves/response_curves.hpp"

namespace mmm {
namespace {

ChannelResponse hill_channel(const std::string& name, double coef, double lower, double upper,
                             double gamma, double spend) {
  ChannelResponse r;
  r.name = name;
  r.hyper = {0.3, 1.2, gamma};
  r.coef = coef;
  r.coef_lower = lower;
  r.coef_upper = upper;
  r.mean_weekly_spend = spend;
  r.max_weekly_spend = 2.0 * spend;
  return r;
}

TEST(ConservativeResponse, ANegativeLowerBandIsValuedAtZero) {
  const ChannelResponse r = hill_channel("display", 500.0, -3000.0, 4000.0, 2000.0, 1000.0);
  const ChannelResponse c = conservative_response(r);
  EXPECT_EQ(c.coef, 0.0);
  EXPECT_EQ(weekly_contribution(c, 1300.0), 0.0);
  // A positive lower band is kept as it is; an upper band below the estimate is not used.
  EXPECT_EQ(conservative_response(hill_channel("tv", 500.0, 200.0, 900.0, 2000.0, 1e3)).coef,
            200.0);
  EXPECT_EQ(conservative_response(hill_channel("tv", 500.0, 600.0, 900.0, 2000.0, 1e3)).coef,
            500.0);
}

TEST(ConservativeAllocation, NoChannelIsValuedBelowZero) {
  // Before the floor, display's negative band made cutting it a "gain" of the plan.
  const std::vector<ChannelResponse> mean = {
      hill_channel("tv", 8000.0, 6000.0, 9000.0, 3000.0, 2000.0),
      hill_channel("display", 500.0, -3000.0, 4000.0, 2000.0, 1000.0)};
  const AllocationResult c = allocate_conservative(mean, AllocationOptions{});
  for (const ChannelAllocation& a : c.channels) {
    EXPECT_GE(a.contribution_current, 0.0) << a.name;
    EXPECT_GE(a.contribution_recommended, 0.0) << a.name;
  }
  const AllocationResult m = allocate_budget(mean, AllocationOptions{});
  EXPECT_LE(c.lift, m.lift + 1e-9 * std::abs(m.lift));
}

TEST(ConservativeAllocation, NeverMoreLiftThanTheMeanPlan) {
  // Two identical channels at the mean optimum (equal spend, equal curves), one with a wide
  // band: the mean plan keeps today's spend (lift 0); on the lower-band curves alone the plan
  // moves 30% to the narrow channel and books a gain the mean model says does not exist.
  const std::vector<ChannelResponse> mean = {
      hill_channel("wide", 5000.0, 1000.0, 9000.0, 3000.0, 2000.0),
      hill_channel("narrow", 5000.0, 4800.0, 5200.0, 3000.0, 2000.0)};
  const AllocationResult m = allocate_budget(mean, AllocationOptions{});
  EXPECT_NEAR(m.lift, 0.0, 1e-6);
  std::vector<ChannelResponse> lower;
  for (const auto& r : mean) lower.push_back(conservative_response(r));
  const AllocationResult on_lower = allocate_budget(lower, AllocationOptions{});
  ASSERT_GT(on_lower.lift, 1.0) << "the case is vacuous: the lower-band curves book no gain";
  const AllocationResult c = allocate_conservative(mean, AllocationOptions{});
  // Same spends as the lower-band plan, but the lift is what both curves agree on.
  EXPECT_EQ(c.channels[0].recommended_spend, on_lower.channels[0].recommended_spend);
  EXPECT_NEAR(c.channels[0].recommended_spend, 1400.0, 1e-6);
  EXPECT_LE(c.lift, m.lift);
  EXPECT_LE(c.lift_percent, m.lift_percent);
  EXPECT_LT(c.lift, 0.0);  // on the mean curves, leaving the optimum costs something
  // Today's contribution is the mean model's (the same base as the mean plan's percent).
  EXPECT_NEAR(c.contribution_current, m.contribution_current, 1e-9 * m.contribution_current);
  EXPECT_NEAR(c.lift, c.contribution_recommended - c.contribution_current, 1e-9);
}

TEST(ConservativeAllocation, LiftIsTheSmallerValuationPerChannel) {
  const std::vector<ChannelResponse> mean = {
      hill_channel("tv", 8000.0, 5000.0, 9000.0, 3000.0, 2000.0),
      hill_channel("radio", 3000.0, 2500.0, 3500.0, 800.0, 1500.0),
      hill_channel("print", 900.0, 100.0, 2000.0, 400.0, 700.0)};
  const AllocationResult c = allocate_conservative(mean, AllocationOptions{});
  const AllocationResult m = allocate_budget(mean, AllocationOptions{});
  double expected = 0.0;
  for (std::size_t k = 0; k < mean.size(); ++k) {
    const ChannelAllocation& a = c.channels[k];
    const ChannelResponse lo = conservative_response(mean[k]);
    const double on_lower =
        weekly_contribution(lo, a.recommended_spend) - weekly_contribution(lo, a.current_spend);
    const double on_mean = weekly_contribution(mean[k], a.recommended_spend) -
                           weekly_contribution(mean[k], a.current_spend);
    expected += std::min(on_lower, on_mean);
    EXPECT_NEAR(a.contribution_recommended - a.contribution_current, std::min(on_lower, on_mean),
                1e-9 * std::abs(a.contribution_current));
  }
  EXPECT_NEAR(c.lift, expected, 1e-9 * std::abs(c.contribution_current));
  EXPECT_GT(m.lift, 0.0);
  EXPECT_LE(c.lift, m.lift);
  EXPECT_LE(c.lift_percent, m.lift_percent);
}

}  // namespace
}  // namespace mmm
