// γ as a fraction of the channel's adstocked spend peak (GammaEncoding::AdstockedMax):
// the range itself, the decode against a direct computation, the round trip through encode,
// the log-scale box and the reference encoding left as it was.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/features/transforms.hpp"
#include "host/model/hyperparameters.hpp"

namespace mmm {
namespace {

const std::vector<std::vector<double>> kSpend = {{10.0, 0.0, 30.0, 5.0, 0.0, 20.0},
                                                 {100.0, 200.0, 50.0, 0.0, 400.0, 300.0}};

/// Direct adstock: a_0 = x_0, a_t = x_t + θ a_{t−1}.
std::vector<double> adstock(const std::vector<double>& x, double theta) {
  std::vector<double> a(x.size());
  for (size_t t = 0; t < x.size(); ++t) a[t] = x[t] + (t > 0 ? theta * a[t - 1] : 0.0);
  return a;
}

TEST(GammaEncoding, AdstockedMaxIsTheMinAndMaxOfTheAdstock) {
  const SearchSpace space = adstocked_search_space(kSpend);
  for (int c = 0; c < 2; ++c) {
    for (double theta : {0.0, 0.3, 0.9}) {
      const std::vector<double> a = adstock(kSpend[c], theta);
      const Interval r = space.adstocked_range(c, theta);
      EXPECT_DOUBLE_EQ(r.lo, *std::min_element(a.begin(), a.end()));
      EXPECT_DOUBLE_EQ(r.hi, *std::max_element(a.begin(), a.end()));
    }
  }
  // Channel 0 at θ = 0.5: adstock 10, 5, 32.5, 21.25, 10.625, 25.3125.
  const Interval r = space.adstocked_range(0, 0.5);
  EXPECT_DOUBLE_EQ(r.lo, 5.0);
  EXPECT_DOUBLE_EQ(r.hi, 32.5);
}

TEST(GammaEncoding, DefaultBoxIsALogScalePositionBox) {
  const SearchSpace space = adstocked_search_space(kSpend);
  EXPECT_EQ(space.gamma_encoding, GammaEncoding::AdstockedMax);
  ASSERT_EQ(space.channels(), 2);
  EXPECT_DOUBLE_EQ(space.bounds[0].gamma_fraction.lo, kDefaultGammaPositionLo);
  EXPECT_DOUBLE_EQ(space.bounds[0].gamma_fraction.hi, kDefaultGammaPositionHi);
  EXPECT_DOUBLE_EQ(space.max_spend[1], 400.0);
  // u = 0 is the geometric middle of the position box; γ = g × the adstock's max.
  const std::vector<double> u(6, 0.0);
  const ChannelHyper h = space.decode(u.data(), 0);
  const double g = std::sqrt(kDefaultGammaPositionLo * kDefaultGammaPositionHi);
  const Interval r = space.adstocked_range(0, h.theta);
  EXPECT_NEAR(h.gamma, g * r.hi, 1e-12 * r.hi);
}

TEST(GammaEncoding, GammaFollowsTheAdstockedMaxOfTheDecodedTheta) {
  const SearchSpace space = adstocked_search_space(kSpend);
  // Same γ coordinate, two θ: a larger θ raises the adstock's peak, and γ with it.
  std::vector<double> u = {-2.0, 0.0, 1.0, 0.0, 0.0, 0.0};
  const ChannelHyper low = space.decode(u.data(), 0);
  u[0] = 2.0;
  const ChannelHyper high = space.decode(u.data(), 0);
  EXPECT_GT(high.theta, low.theta);
  EXPECT_GT(high.gamma, low.gamma);
  const double g = std::exp(
      decode_coordinate(1.0, std::log(kDefaultGammaPositionLo), std::log(kDefaultGammaPositionHi)));
  const Interval r = space.adstocked_range(0, high.theta);
  EXPECT_NEAR(high.gamma, g * r.hi, 1e-12 * r.hi);
}

TEST(GammaEncoding, EncodeDecodeRoundTripInSpendUnits) {
  const SearchSpace space = adstocked_search_space(kSpend);
  // γ in spend units, inside each box.
  const std::vector<ChannelHyper> hyper = {{0.3, 2.1, 12.0}, {0.7, 0.8, 600.0}};
  std::vector<double> u(6, 99.0);
  space.encode(hyper, u.data());
  for (int c = 0; c < 2; ++c) {
    const ChannelHyper h = space.decode(u.data(), c);
    EXPECT_NEAR(h.theta, hyper[c].theta, 1e-12);
    EXPECT_NEAR(h.alpha, hyper[c].alpha, 1e-12);
    EXPECT_NEAR(h.gamma, hyper[c].gamma, 1e-9 * hyper[c].gamma);
  }
}

TEST(GammaEncoding, EncodeClampsAGammaOutsideThePositionBox) {
  const SearchSpace space = adstocked_search_space(kSpend);
  std::vector<double> u(6, 0.0);
  // Far above 5 × the adstocked maximum, and far below 5% of it.
  space.encode({{0.2, 1.0, 1e6}, {0.2, 1.0, 1e-3}}, u.data());
  EXPECT_DOUBLE_EQ(u[2], 5.0);
  EXPECT_DOUBLE_EQ(u[5], -5.0);
}

TEST(GammaEncoding, ReferenceEncodingIsAFractionOfMaxRawSpend) {
  SearchSpace space = default_search_space({400.0});
  EXPECT_EQ(space.gamma_encoding, GammaEncoding::SpendFraction);
  EXPECT_DOUBLE_EQ(space.gamma_from_position(0, 0.9, 0.25), 100.0);
  EXPECT_DOUBLE_EQ(space.position_from_gamma(0, 0.1, 100.0), 0.25);
}

TEST(GammaEncoding, SweepUnitDesignIsLogarithmicInThePosition) {
  const SearchSpace space = adstocked_search_space(kSpend);
  EXPECT_TRUE(space.gamma_log_scale(0));
  const std::vector<double> s = {0.5, 0.5, 0.25, 0.0, 0.0, 0.0};
  const ChannelHyper h = space.decode_unit(s.data(), 0);
  const double g =
      kDefaultGammaPositionLo * std::pow(kDefaultGammaPositionHi / kDefaultGammaPositionLo, 0.25);
  const Interval r = space.adstocked_range(0, h.theta);
  EXPECT_NEAR(h.gamma, g * r.hi, 1e-12 * r.hi);
}

}  // namespace
}  // namespace mmm
