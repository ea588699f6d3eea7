// Response curves and marginal ROI (SPEC §7): hand-computed values, the analytic derivative
// against finite differences, the zone thresholds and the curve grid.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/common/errors.hpp"
#include "host/curves/response_curves.hpp"

namespace mmm {
namespace {

ChannelResponse make_channel(double theta, double alpha, double gamma, double coef) {
  ChannelResponse r;
  r.name = "tv";
  r.hyper = ChannelHyper{theta, alpha, gamma};
  r.coef = coef;
  r.coef_lower = 0.5 * coef;
  r.coef_upper = 1.5 * coef;
  r.mean_weekly_spend = gamma;
  r.max_weekly_spend = 2.0 * gamma;
  return r;
}

TEST(ResponseCurves, HandComputedValues) {
  // θ = 0.5, α = 1, γ = 100, s = 50: a = 100 = γ, so h = 1/2 and h' = α h (1 − h) / a.
  const ChannelResponse a = make_channel(0.5, 1.0, 100.0, 10.0);
  EXPECT_NEAR(weekly_contribution(a, 50.0), 5.0, 1e-12);
  EXPECT_NEAR(marginal_roi(a, 50.0), 10.0 * 0.25 / 100.0 / 0.5, 1e-15);

  // θ = 0.2, α = 2, γ = 100, s = 160: a = 200, h = 4/5, h' = 2·0.8·0.2/200 = 0.0016.
  const ChannelResponse b = make_channel(0.2, 2.0, 100.0, 1000.0);
  EXPECT_NEAR(weekly_contribution(b, 160.0), 800.0, 1e-9);
  EXPECT_NEAR(marginal_roi(b, 160.0), 2.0, 1e-12);
  EXPECT_STREQ(efficiency_zone(marginal_roi(b, 160.0)), "EFFICIENT");

  // Zero spend contributes nothing; with α > 1 the curve starts flat.
  EXPECT_NEAR(weekly_contribution(b, 0.0), 0.0, 1e-250);  // hill clamps its exponent at 700
  EXPECT_LT(std::abs(marginal_roi(b, 0.0)), 1e-6 * marginal_roi(b, 160.0));
}

TEST(ResponseCurves, MarginalRoiMatchesFiniteDifference) {
  for (double alpha : {0.7, 1.0, 2.5}) {
    for (double theta : {0.0, 0.3, 0.7}) {
      const ChannelResponse r = make_channel(theta, alpha, 2000.0, 5000.0);
      for (double s : {50.0, 400.0, 1400.0, 2000.0, 7000.0, 30000.0}) {
        const double step = 1e-5 * s;
        const double fd =
            (weekly_contribution(r, s + step) - weekly_contribution(r, s - step)) / (2 * step);
        const double exact = marginal_roi(r, s);
        EXPECT_NEAR(exact, fd, 1e-6 * std::abs(fd))
            << "alpha " << alpha << " theta " << theta << " spend " << s;
      }
    }
  }
}

TEST(ResponseCurves, ZonesAtThresholds) {
  EXPECT_STREQ(efficiency_zone(1.5000001), "EFFICIENT");
  EXPECT_STREQ(efficiency_zone(1.5), "DIMINISHING");
  EXPECT_STREQ(efficiency_zone(1.0), "DIMINISHING");
  EXPECT_STREQ(efficiency_zone(0.8), "DIMINISHING");
  EXPECT_STREQ(efficiency_zone(0.7999999), "SATURATED");
  EXPECT_STREQ(efficiency_zone(-1.0), "SATURATED");
  EXPECT_STREQ(efficiency_zone(100.0), "EFFICIENT");
}

TEST(ResponseCurves, CurveGridAndBand) {
  const ChannelResponse r = make_channel(0.4, 1.8, 3000.0, 20000.0);
  const std::vector<CurvePoint> curve = response_curve(r);
  ASSERT_EQ(curve.size(), 100u);
  EXPECT_EQ(curve.front().spend, 0.0);
  EXPECT_EQ(curve.back().spend, 3.0 * r.max_weekly_spend);
  const double step = 3.0 * r.max_weekly_spend / 99.0;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    const CurvePoint& p = curve[i];
    EXPECT_NEAR(p.spend, step * static_cast<double>(i), 1e-9 * r.max_weekly_spend);
    EXPECT_DOUBLE_EQ(p.revenue, weekly_contribution(r, p.spend));
    EXPECT_DOUBLE_EQ(p.marginal_roi, marginal_roi(r, p.spend));
    EXPECT_STREQ(p.zone, efficiency_zone(p.marginal_roi));
    EXPECT_LE(p.revenue_lower, p.revenue);
    EXPECT_LE(p.revenue, p.revenue_upper);
    if (i > 0) {
      EXPECT_GT(p.revenue, curve[i - 1].revenue);  // strictly increasing for coef > 0
    }
  }
  EXPECT_EQ(response_curve(r, 7).size(), 7u);
  EXPECT_THROW(response_curve(r, 1), InputError);
}

}  // namespace
}  // namespace mmm
