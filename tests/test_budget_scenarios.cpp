// The scenarios of `mmm optimize` on known curves: per-channel bounds in the allocator, the
// --limits syntax, the flexible budget for a target marginal ROI (closed form for α = 1) and a
// target average ROI, the window's current spend, and the mixture quantile of mmm predict's
// prediction interval.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/common/errors.hpp"
#include "host/curves/response_curves.hpp"
#include "host/scenarios/budget_scenarios.hpp"
#include "host/scenarios/plan_prediction.hpp"

namespace mmm {
namespace {

ChannelResponse channel(const std::string& name, double theta, double alpha, double gamma,
                        double coef, double current) {
  ChannelResponse r;
  r.name = name;
  r.hyper = ChannelHyper{theta, alpha, gamma};
  r.coef = r.coef_lower = r.coef_upper = coef;
  r.mean_weekly_spend = current;
  r.max_weekly_spend = 2.0 * current;
  return r;
}

// α = 1, θ = 0: contribution c·s / (s + γ), marginal ROI c·γ / (s + γ)².
const std::vector<ChannelResponse> kTwo = {channel("tv", 0.0, 1.0, 1000.0, 5000.0, 1000.0),
                                           channel("radio", 0.0, 1.0, 1000.0, 2000.0, 1000.0)};

TEST(AllocationBounds, PerChannelBoundsReplaceTheChangeLimitAndAreReported) {
  AllocationOptions o;
  o.lower = {1200.0, 0.0};
  o.upper = {1200.0, 5000.0};
  o.total_budget = 2000.0;
  const AllocationResult a = allocate_budget(kTwo, o);
  EXPECT_DOUBLE_EQ(a.channels[0].recommended_spend, 1200.0);
  EXPECT_NEAR(a.channels[1].recommended_spend, 800.0, 1e-9);
  EXPECT_STREQ(binding_limit(a.channels[0]), "FIXED");
  EXPECT_STREQ(binding_limit(a.channels[1]), "");
  EXPECT_DOUBLE_EQ(a.channels[1].upper_bound, 5000.0);
  o.total_budget = 7000.0;  // above Σ upper = 6200
  try {
    allocate_budget(kTwo, o);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("[1200, 6200]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--limits"), std::string::npos) << e.what();
  }
  o.upper = {1000.0, 5000.0};  // upper below lower
  EXPECT_THROW(allocate_budget(kTwo, o), InputError);
}

TEST(AllocationBounds, DefaultBoundsAreTheChangeLimitAndBindingIsSeen) {
  AllocationOptions o;  // ±30%
  o.total_budget = 2600.0;
  const AllocationResult a = allocate_budget(kTwo, o);
  EXPECT_DOUBLE_EQ(a.channels[0].lower_bound, 700.0);
  EXPECT_DOUBLE_EQ(a.channels[0].upper_bound, 1300.0);
  // Σ upper = 2600: every channel at its upper bound.
  EXPECT_STREQ(binding_limit(a.channels[0]), "UPPER");
  EXPECT_STREQ(binding_limit(a.channels[1]), "UPPER");
  EXPECT_EQ(binding_summary(a),
            "limits bind: tv at its upper bound (1300), radio at its upper "
            "bound (1300)");
}

TEST(SpendLimits, ParsesFractionsAndAbsoluteAndRejectsBadEntries) {
  const auto l = parse_spend_limits("tv=0.5:2,radio=abs:1000:5000");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].channel, "tv");
  EXPECT_FALSE(l[0].absolute);
  EXPECT_DOUBLE_EQ(l[0].lower, 0.5);
  EXPECT_DOUBLE_EQ(l[0].upper, 2.0);
  EXPECT_TRUE(l[1].absolute);
  EXPECT_DOUBLE_EQ(l[1].upper, 5000.0);
  for (const char* bad : {"tv", "tv=1", "tv=2:1", "tv=a:1", "tv=-1:1", "=1:2", "tv=1:2,tv=1:3"}) {
    EXPECT_THROW(parse_spend_limits(bad), InputError) << bad;
  }
  const AllocationOptions o = options_with_limits(kTwo, l, 0.3);
  EXPECT_DOUBLE_EQ(o.lower[0], 500.0);
  EXPECT_DOUBLE_EQ(o.upper[0], 2000.0);
  EXPECT_DOUBLE_EQ(o.lower[1], 1000.0);
  EXPECT_DOUBLE_EQ(o.upper[1], 5000.0);
  EXPECT_THROW(options_with_limits(kTwo, parse_spend_limits("ooh=1:2"), 0.3), InputError);
  // Channels without an entry keep ±change_limit.
  const AllocationOptions one = options_with_limits(kTwo, parse_spend_limits("tv=0:3"), 0.2);
  EXPECT_DOUBLE_EQ(one.lower[1], 800.0);
  EXPECT_DOUBLE_EQ(one.upper[1], 1200.0);
}

TEST(FlexibleBudget, TargetMarginalRoiMatchesTheClosedForm) {
  AllocationOptions o;
  o.change_limit = 10.0;  // [0, 11000]: the target, not the limits, sets the spend
  const FlexiblePlan p = allocate_for_target_mroi(kTwo, o, false, 1.0);
  // c·γ / (s + γ)² = 1 → s = sqrt(c·γ) − γ.
  const double tv = std::sqrt(5000.0 * 1000.0) - 1000.0, radio = std::sqrt(2e6) - 1000.0;
  EXPECT_TRUE(p.reached);
  EXPECT_NEAR(p.plan.budget, tv + radio, 1e-6);
  EXPECT_NEAR(p.plan.channels[0].recommended_spend, tv, 1e-4);
  EXPECT_NEAR(p.plan.channels[1].recommended_spend, radio, 1e-4);
  EXPECT_NEAR(p.plan.channels[0].marginal_roi_recommended, 1.0, 1e-6);
  EXPECT_NEAR(p.plan.channels[1].marginal_roi_recommended, 1.0, 1e-6);
  // Within ±30% the marginal ROI stays above 1 at every upper bound: the limits decide.
  const FlexiblePlan capped = allocate_for_target_mroi(kTwo, AllocationOptions{}, false, 0.1);
  EXPECT_FALSE(capped.reached);
  EXPECT_NEAR(capped.plan.budget, 2600.0, 1e-9);
}

TEST(FlexibleBudget, TargetRoiIsMetAndMoreBudgetWouldMissIt) {
  AllocationOptions o;
  o.change_limit = 10.0;
  const FlexiblePlan p = allocate_for_target_roi(kTwo, o, false, 2.0);
  ASSERT_TRUE(p.reached) << p.note;
  EXPECT_NEAR(plan_roi(p.plan), 2.0, 1e-6);
  AllocationOptions more = o;
  more.total_budget = p.plan.budget * 1.01;
  EXPECT_LT(plan_roi(allocate_budget(kTwo, more)), 2.0);
  // A target above what the smallest budget returns is not reached.
  const FlexiblePlan high = allocate_for_target_roi(kTwo, AllocationOptions{}, false, 100.0);
  EXPECT_FALSE(high.reached);
  EXPECT_NEAR(high.plan.budget, 1400.0, 1e-9);
  EXPECT_THROW(allocate_for_target_roi(kTwo, o, false, -1.0), InputError);
}

TEST(FlexibleBudget, TargetRoiOnSShapedCurvesIsSoughtAboveTheRoiPeak) {
  // α = 3: the first units return almost nothing, so the plan's ROI rises with the budget to a
  // peak and then falls; the smallest budget the limits allow is far from the most profitable.
  const std::vector<ChannelResponse> s = {channel("tv", 0.0, 3.0, 1000.0, 5000.0, 1000.0),
                                          channel("radio", 0.0, 3.0, 1000.0, 2000.0, 1000.0)};
  AllocationOptions o;
  o.change_limit = 10.0;
  auto roi_at = [&](double budget) {
    AllocationOptions b = o;
    b.total_budget = budget;
    return plan_roi(allocate_budget(s, b));
  };
  EXPECT_LT(roi_at(200.0), 0.1);
  double peak = 0.0;
  for (double b = 200.0; b <= 20000.0; b *= 1.05) peak = std::max(peak, roi_at(b));
  const double target = 0.8 * peak;
  const FlexiblePlan p = allocate_for_target_roi(s, o, false, target);
  ASSERT_TRUE(p.reached) << p.note;
  EXPECT_NEAR(plan_roi(p.plan), target, 1e-6 * target);
  EXPECT_LT(roi_at(p.plan.budget * 1.01), target);
  // Above the peak no budget reaches it: the most profitable plan found is returned.
  const FlexiblePlan none = allocate_for_target_roi(s, o, false, 1.5 * peak);
  EXPECT_FALSE(none.reached);
  EXPECT_NE(none.note.find("no budget the limits allow"), std::string::npos) << none.note;
  EXPECT_GT(plan_roi(none.plan), 0.9 * peak);
}

TEST(CurrentSpendWindow, IsTheMeanOverTheWindowsWeeks) {
  SavedModel m;
  m.source = "m.json";
  m.responses = kTwo;
  for (int t = 0; t < 4; ++t) m.dates.push_back(parse_iso_date("2024-01-01")->plus_days(7 * t));
  m.spend.resize(4, 2);
  m.spend << 1, 10, 2, 20, 3, 30, 4, 40;
  int weeks = 0;
  const auto r = current_spend_in_window(m, *parse_iso_date("2024-01-08"),
                                         *parse_iso_date("2024-01-15"), &weeks);
  EXPECT_EQ(weeks, 2);
  EXPECT_DOUBLE_EQ(r[0].mean_weekly_spend, 2.5);
  EXPECT_DOUBLE_EQ(r[1].mean_weekly_spend, 25.0);
  EXPECT_THROW(
      current_spend_in_window(m, *parse_iso_date("2025-01-01"), *parse_iso_date("2025-02-01")),
      InputError);
}

TEST(PredictionInterval, MixtureQuantileIsTheNormalQuantileForOneCentre) {
  EXPECT_NEAR(normal_mixture_quantile({10.0}, 2.0, 0.95), 10.0 + 2.0 * 1.6448536269514722, 1e-9);
  EXPECT_NEAR(normal_mixture_quantile({10.0}, 2.0, 0.05), 10.0 - 2.0 * 1.6448536269514722, 1e-9);
  // Two far-apart centres: a quarter of the mass lies below the first centre.
  EXPECT_NEAR(normal_mixture_quantile({0.0, 100.0}, 1.0, 0.25), 0.0, 1e-9);
  EXPECT_NEAR(normal_mixture_quantile({0.0, 100.0}, 1.0, 0.75), 100.0, 1e-9);
  // σ = 0: the centres' percentile.
  EXPECT_DOUBLE_EQ(normal_mixture_quantile({1.0, 2.0, 3.0}, 0.0, 0.5), 2.0);
}

}  // namespace
}  // namespace mmm
