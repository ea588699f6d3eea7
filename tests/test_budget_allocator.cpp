// Budget allocation (SPEC §8): SLSQP against closed-form optima and against the independent
// marginal-ROI bisection, KKT conditions, bounds, budget conservation and bad budgets.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/common/errors.hpp"
#include "host/curves/response_curves.hpp"

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

double total_recommended(const AllocationResult& a) {
  double s = 0.0;
  for (const ChannelAllocation& c : a.channels) s += c.recommended_spend;
  return s;
}

TEST(BudgetAllocator, TwoChannelClosedForm) {
  // α = 1 gives contribution c·s / (s + g) with g = γ(1 − θ) and marginal ROI c·g / (s + g)².
  // Equal marginal ROI with s1 + s2 = B: s1 + g1 = r (s2 + g2), r = sqrt(c1 g1 / (c2 g2)).
  const std::vector<ChannelResponse> ch = {channel("tv", 0.3, 1.0, 1000.0, 5000.0, 1000.0),
                                           channel("search", 0.0, 1.0, 1000.0, 2000.0, 1000.0)};
  AllocationOptions opt;
  opt.change_limit = 0.9;
  const AllocationResult a = allocate_budget(ch, opt);
  const double g1 = 700.0, g2 = 1000.0, budget = 2000.0;
  const double r = std::sqrt(5000.0 * g1 / (2000.0 * g2));
  const double s2 = (budget + g1 - r * g2) / (1.0 + r);
  ASSERT_EQ(a.channels.size(), 2u);
  EXPECT_NEAR(a.channels[1].recommended_spend, s2, 1e-5 * s2);
  EXPECT_NEAR(a.channels[0].recommended_spend, budget - s2, 1e-5 * s2);
  EXPECT_NEAR(a.channels[0].marginal_roi_recommended, a.channels[1].marginal_roi_recommended,
              1e-6 * a.channels[0].marginal_roi_recommended);
  EXPECT_NEAR(total_recommended(a), budget, 1e-6 * budget);
  EXPECT_GT(a.lift, 0.0);
  const std::vector<double> ref =
      equalize_marginal_roi(ch, {100.0, 100.0}, {1900.0, 1900.0}, budget);
  EXPECT_NEAR(ref[1], s2, 1e-6 * s2);
  EXPECT_NEAR(ref[0] + ref[1], budget, 1e-9 * budget);
  EXPECT_TRUE(a.converged) << a.message;
  EXPECT_NEAR(a.lift, a.contribution_recommended - a.contribution_current, 1e-9);
  EXPECT_NEAR(a.channels[0].change, a.channels[0].recommended_spend - 1000.0, 1e-9);
  EXPECT_NEAR(a.channels[0].change_percent, a.channels[0].change / 10.0, 1e-9);
}

TEST(BudgetAllocator, BoundsBindWhenOneChannelDominates) {
  // tv is far better everywhere in ±30%, so it takes its upper bound and radio its lower.
  const std::vector<ChannelResponse> ch = {channel("tv", 0.2, 1.0, 50000.0, 9e5, 1000.0),
                                           channel("radio", 0.2, 1.0, 1000.0, 100.0, 1000.0)};
  const AllocationResult a = allocate_budget(ch, AllocationOptions{});
  EXPECT_NEAR(a.channels[0].recommended_spend, 1300.0, 1e-6);
  EXPECT_NEAR(a.channels[1].recommended_spend, 700.0, 1e-6);
  EXPECT_NEAR(a.channels[0].change_percent, 30.0, 1e-6);
  EXPECT_GE(a.lift, 0.0);
}

TEST(BudgetAllocator, MatchesMarginalRoiBisectionAndKkt) {
  const std::vector<ChannelResponse> ch = {channel("tv", 0.5, 2.2, 20000.0, 60000.0, 12000.0),
                                           channel("search", 0.1, 0.8, 3000.0, 15000.0, 4000.0),
                                           channel("social", 0.3, 1.3, 8000.0, 25000.0, 6000.0),
                                           channel("display", 0.2, 1.0, 2000.0, 3000.0, 5000.0),
                                           channel("radio", 0.6, 2.5, 5000.0, 20000.0, 2500.0),
                                           channel("ooh", 0.4, 1.7, 9000.0, 9000.0, 7000.0)};
  for (double scale : {1.0, 0.85, 1.2}) {
    AllocationOptions opt;
    double current = 0.0;
    for (const ChannelResponse& r : ch) current += r.mean_weekly_spend;
    opt.total_budget = scale * current;
    const AllocationResult a = allocate_budget(ch, opt);
    EXPECT_TRUE(a.converged) << a.message;
    EXPECT_EQ(a.message.find("failed"), std::string::npos) << a.message;
    EXPECT_NEAR(total_recommended(a), opt.total_budget, 1e-6 * opt.total_budget);

    std::vector<double> lower, upper;
    for (const ChannelResponse& r : ch) {
      lower.push_back(0.7 * r.mean_weekly_spend);
      upper.push_back(1.3 * r.mean_weekly_spend);
    }
    const std::vector<double> ref = equalize_marginal_roi(ch, lower, upper, opt.total_budget);
    double ref_total = 0.0, ref_value = 0.0;
    for (std::size_t c = 0; c < ch.size(); ++c) {
      ref_total += ref[c];
      ref_value += weekly_contribution(ch[c], ref[c]);
    }
    EXPECT_NEAR(ref_total, opt.total_budget, 1e-9 * opt.total_budget);
    EXPECT_NEAR(a.contribution_recommended, ref_value, 1e-9 * ref_value) << "scale " << scale;

    // KKT: interior channels share one marginal ROI λ; those at the top have mROI ≥ λ and
    // those at the bottom mROI ≤ λ.
    double lambda = -1.0;
    for (std::size_t c = 0; c < ch.size(); ++c) {
      const double s = a.channels[c].recommended_spend;
      EXPECT_GE(s, lower[c] - 1e-9);
      EXPECT_LE(s, upper[c] + 1e-9);
      EXPECT_NEAR(s, ref[c], 1e-4 * ch[c].mean_weekly_spend) << ch[c].name;
      if (s > lower[c] + 1e-3 && s < upper[c] - 1e-3) {
        if (lambda < 0) lambda = a.channels[c].marginal_roi_recommended;
        EXPECT_NEAR(a.channels[c].marginal_roi_recommended, lambda, 1e-4 * lambda);
      }
    }
    ASSERT_GT(lambda, 0.0) << "expected at least one interior channel";
    for (std::size_t c = 0; c < ch.size(); ++c) {
      const ChannelAllocation& x = a.channels[c];
      if (x.recommended_spend >= upper[c] - 1e-3) {
        EXPECT_GE(x.marginal_roi_recommended, lambda * (1 - 1e-4));
      }
      if (x.recommended_spend <= lower[c] + 1e-3) {
        EXPECT_LE(x.marginal_roi_recommended, lambda * (1 + 1e-4));
      }
    }
    if (scale == 1.0) {
      EXPECT_GE(a.lift, 0.0);
    }
  }
}

TEST(BudgetAllocator, ManyChannelsNoWorseThanBisection) {
  // 60 channels with mixed shapes (S-shaped and concave), spends spanning two decades.
  std::vector<ChannelResponse> ch;
  std::uint64_t state = 12345;
  const auto next = [&state] {  // a fixed LCG: the test needs variety, not quality
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  std::vector<double> lower, upper;
  double budget = 0.0;
  for (int c = 0; c < 60; ++c) {
    const double spend = 500.0 * std::pow(100.0, next());
    ch.push_back(channel("c" + std::to_string(c), 0.7 * next(), 0.6 + 2.0 * next(),
                         spend * (0.3 + 2.0 * next()), spend * (0.5 + 4.0 * next()), spend));
    lower.push_back(0.7 * spend);
    upper.push_back(1.3 * spend);
    budget += spend;
  }
  const AllocationResult a = allocate_budget(ch, AllocationOptions{});
  const std::vector<double> ref = equalize_marginal_roi(ch, lower, upper, budget);
  double ref_value = 0.0;
  for (std::size_t c = 0; c < ch.size(); ++c) ref_value += weekly_contribution(ch[c], ref[c]);
  EXPECT_GE(a.contribution_recommended, ref_value * (1 - 1e-9)) << a.message;
  EXPECT_NEAR(total_recommended(a), budget, 1e-6 * budget);
  EXPECT_GE(a.lift, 0.0);
  for (std::size_t c = 0; c < ch.size(); ++c) {
    EXPECT_GE(a.channels[c].recommended_spend, lower[c] * (1 - 1e-12));
    EXPECT_LE(a.channels[c].recommended_spend, upper[c] * (1 + 1e-12));
  }
}

TEST(BudgetAllocator, ZeroSpendChannelStaysAtZero) {
  const std::vector<ChannelResponse> ch = {channel("tv", 0.3, 1.2, 5000.0, 40000.0, 8000.0),
                                           channel("podcast", 0.3, 1.0, 100.0, 1e6, 0.0),
                                           channel("search", 0.1, 0.9, 2000.0, 9000.0, 3000.0)};
  const AllocationResult a = allocate_budget(ch, AllocationOptions{});
  EXPECT_EQ(a.channels[1].recommended_spend, 0.0);
  EXPECT_EQ(a.channels[1].change_percent, 0.0);
  EXPECT_NEAR(total_recommended(a), 11000.0, 1e-6 * 11000.0);
  EXPECT_GE(a.lift, 0.0);
}

TEST(BudgetAllocator, NeverWorseThanCurrent) {
  // Nothing to gain: identical channels already at equal marginal ROI.
  const std::vector<ChannelResponse> ch = {channel("a", 0.2, 1.5, 3000.0, 10000.0, 2000.0),
                                           channel("b", 0.2, 1.5, 3000.0, 10000.0, 2000.0)};
  const AllocationResult a = allocate_budget(ch, AllocationOptions{});
  EXPECT_GE(a.lift, 0.0);
  EXPECT_NEAR(a.channels[0].recommended_spend, 2000.0, 1e-3);
  // Zero coefficients everywhere: any allocation is as good; the lift is exactly 0.
  std::vector<ChannelResponse> flat = ch;
  for (ChannelResponse& r : flat) r.coef = 0.0;
  EXPECT_EQ(allocate_budget(flat, AllocationOptions{}).lift, 0.0);
}

TEST(BudgetAllocator, InfeasibleBudgetIsInputError) {
  const std::vector<ChannelResponse> ch = {channel("tv", 0.3, 1.2, 5000.0, 40000.0, 8000.0),
                                           channel("search", 0.1, 0.9, 2000.0, 9000.0, 2000.0)};
  AllocationOptions opt;
  opt.total_budget = 20000.0;  // feasible range is [7000, 13000]
  try {
    allocate_budget(ch, opt);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("20000"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[7000, 13000]"), std::string::npos) << msg;
  }
  opt.total_budget = 6000.0;
  EXPECT_THROW(allocate_budget(ch, opt), InputError);
  opt.total_budget = 13000.0;  // the edge is feasible: everything at its upper bound
  const AllocationResult edge = allocate_budget(ch, opt);
  EXPECT_NEAR(edge.channels[0].recommended_spend, 10400.0, 1e-6);
  EXPECT_NEAR(edge.channels[1].recommended_spend, 2600.0, 1e-6);
  opt.total_budget = -1.0;
  opt.change_limit = -0.1;
  EXPECT_THROW(allocate_budget(ch, opt), InputError);
  EXPECT_THROW(allocate_budget({}, AllocationOptions{}), InputError);
}

TEST(BudgetAllocator, ProjectionKeepsBoundsAndBudget) {
  const std::vector<double> lower = {0.0, 10.0, 5.0}, upper = {100.0, 20.0, 5.0};
  const std::vector<double> s = project_to_budget({50.0, 15.0, 5.0}, lower, upper, 110.0);
  EXPECT_NEAR(s[0] + s[1] + s[2], 110.0, 1e-12);
  EXPECT_NEAR(s[0], 85.0, 1e-9);  // one common shift μ = 35; the second channel stops at 20
  EXPECT_NEAR(s[1], 20.0, 1e-9);
  EXPECT_EQ(s[2], 5.0);
}

}  // namespace
}  // namespace mmm
