// The logistic saturation shape (issue 16): PyMC-Marketing's LogisticSaturation with
// λ = ln 3 / γ, its derivative, the shape's names, the search space that leaves its α out, and
// the curves and the allocator that evaluate it. The backends' parity with it is in
// test_cpu_evaluator.cpp (naive reference) and test_cuda_fused.cpp (CUDA against CPU).

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/common/errors.hpp"
#include "host/curves/response_curves.hpp"
#include "host/features/saturation.hpp"
#include "host/features/transforms.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

/// PyMC-Marketing's formula as it writes it: (1 − e^{−λx}) / (1 + e^{−λx}).
double pymc_logistic(double x, double lam) {
  return (1.0 - std::exp(-lam * x)) / (1.0 + std::exp(-lam * x));
}

TEST(LogisticSaturation, IsPymcMarketingsCurveHalfSaturatedAtGamma) {
  for (double gamma : {1e-3, 0.7, 250.0, 1e6}) {
    const double lam = std::log(3.0) / gamma;
    EXPECT_NEAR(logistic_saturation(gamma, gamma), 0.5, 1e-15) << gamma;
    for (double r : {0.05, 0.3, 1.0, 2.0, 7.0, 40.0}) {
      const double x = r * gamma, expected = pymc_logistic(x, lam);
      EXPECT_NEAR(logistic_saturation(x, gamma), expected, 1e-13 * expected)
          << "x " << x << " gamma " << gamma;
    }
  }
  EXPECT_EQ(logistic_saturation(0.0, 100.0), 0.0);
  EXPECT_EQ(logistic_saturation(1e9, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(kLn3, std::log(3.0));
}

TEST(LogisticSaturation, KeepsItsDigitsFarBelowGamma) {
  // λx/2 − (λx/2)³/3 is the series of tanh; the exp-difference form would lose every digit.
  const double gamma = 1e4, k = 0.5 * std::log(3.0) / gamma;
  for (double x : {1e-6, 1e-3, 1.0}) {
    const double z = k * x, series = z - z * z * z / 3.0;
    EXPECT_NEAR(logistic_saturation(x, gamma), series, 1e-15 * series) << x;
  }
}

TEST(LogisticSaturation, DerivativeMatchesFiniteDifferencesAndIsHalfLambdaAtZero) {
  const double gamma = 2000.0;
  EXPECT_NEAR(logistic_derivative(0.0, gamma), 0.5 * std::log(3.0) / gamma, 1e-18);
  for (double x : {10.0, 500.0, 2000.0, 9000.0}) {
    const double h = 1e-4 * x;
    const double fd =
        (logistic_saturation(x + h, gamma) - logistic_saturation(x - h, gamma)) / (2 * h);
    EXPECT_NEAR(logistic_derivative(x, gamma), fd, 1e-7 * fd) << x;
  }
}

TEST(LogisticSaturation, SaturationDispatchesOnTheShape) {
  // The Hill branch is hill() itself, bit for bit (the default fit must not move), and the
  // logistic branch ignores α.
  for (double a : {0.0, 3.0, 120.0, 5e4}) {
    EXPECT_EQ(saturation(SaturationShape::Hill, a, 1.7, 100.0), hill(a, 1.7, 100.0));
    EXPECT_EQ(saturation_derivative(SaturationShape::Hill, a, 1.7, 100.0),
              hill_derivative(a, 1.7, 100.0));
    EXPECT_EQ(saturation(SaturationShape::Logistic, a, 1.7, 100.0),
              saturation(SaturationShape::Logistic, a, 0.6, 100.0));
    EXPECT_EQ(saturation(SaturationShape::Logistic, a, 1.7, 100.0), logistic_saturation(a, 100.0));
    EXPECT_EQ(saturation_derivative(SaturationShape::Logistic, a, 1.7, 100.0),
              logistic_derivative(a, 100.0));
  }
}

TEST(LogisticSaturation, NamesRoundTripAndBadNamesSayWhatIsExpected) {
  for (SaturationShape s : {SaturationShape::Hill, SaturationShape::Logistic})
    EXPECT_EQ(parse_saturation(saturation_name(s)), s);
  EXPECT_FALSE(parse_saturation("Logistic").has_value());
  EXPECT_FALSE(parse_saturation("").has_value());
  try {
    saturation_from_name("tanh", "--saturation");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "invalid --saturation `tanh`; expected one of: hill, logistic");
  }
}

TEST(LogisticSaturation, TransformMediaUsesEachChannelsShape) {
  Eigen::MatrixXd spend(3, 2);
  spend << 100, 100, 0, 0, 50, 50;
  const std::vector<double> hyper = {0.5, 2.0, 100.0, 0.5, 2.0, 100.0};
  const Eigen::MatrixXd h =
      transform_media(spend, hyper.data(), {SaturationShape::Hill, SaturationShape::Logistic});
  // Adstock 100, 50, 75 in both columns.
  const double adstock[] = {100.0, 50.0, 75.0};
  for (int t = 0; t < 3; ++t) {
    EXPECT_EQ(h(t, 0), hill(adstock[t], 2.0, 100.0)) << t;
    EXPECT_EQ(h(t, 1), logistic_saturation(adstock[t], 100.0)) << t;
  }
  EXPECT_NEAR(h(0, 1), 0.5, 1e-15);
  EXPECT_THROW(transform_media(spend, hyper.data(), {SaturationShape::Logistic}),
               std::invalid_argument);
}

TEST(LogisticSaturation, SearchLeavesTheLogisticAlphaOut) {
  SearchSpace space = default_search_space({1000.0, 2000.0});
  space.saturation = {SaturationShape::Logistic, SaturationShape::Hill};
  EXPECT_EQ(space.searched_coordinates(), (std::vector<char>{1, 0, 1, 1, 1, 1}));
  const std::vector<double> u = {0.3, 4.0, -1.0, 0.3, 4.0, -1.0};
  const ChannelHyper a = space.decode(u.data(), 0), b = space.decode(u.data(), 1);
  EXPECT_EQ(a.saturation, SaturationShape::Logistic);
  EXPECT_EQ(a.alpha, kUnusedAlpha);
  EXPECT_EQ(b.saturation, SaturationShape::Hill);
  EXPECT_NEAR(b.alpha, 0.5 + 2.5 * logistic(4.0), 1e-15);
  // γ decodes as for Hill: the same box, the same meaning (spend units).
  EXPECT_NEAR(a.gamma, 1000.0 * logistic(-1.0), 1e-9);
  const std::vector<double> s = {0.5, 0.9, 0.5, 0.5, 0.9, 0.5};
  EXPECT_EQ(space.decode_unit(s.data(), 0).alpha, kUnusedAlpha);
  EXPECT_EQ(space.decode_unit(s.data(), 0).saturation, SaturationShape::Logistic);
  EXPECT_EQ(default_search_space({1.0}).searched_coordinates(), (std::vector<char>{1, 1, 1}));
}

ChannelResponse logistic_channel(const std::string& name, double theta, double gamma, double coef,
                                 double current) {
  ChannelResponse r;
  r.name = name;
  r.hyper = ChannelHyper{theta, kUnusedAlpha, gamma, SaturationShape::Logistic};
  r.coef = r.coef_lower = r.coef_upper = coef;
  r.mean_weekly_spend = current;
  r.max_weekly_spend = 2.0 * current;
  return r;
}

TEST(LogisticSaturation, ResponseCurveAndMarginalRoi) {
  // θ = 0.5, γ = 100, s = 50: a = 100 = γ, so h = 1/2 and h' = (λ/2)(1 − h²) = (ln 3 / 200)·¾.
  const ChannelResponse r = logistic_channel("tv", 0.5, 100.0, 10.0, 50.0);
  EXPECT_NEAR(weekly_contribution(r, 50.0), 5.0, 1e-13);
  EXPECT_NEAR(marginal_roi(r, 50.0), 10.0 * std::log(3.0) / 200.0 * 0.75 / 0.5, 1e-14);
  // Concave from zero: the marginal ROI is largest at zero spend, λ/2 · coef / (1 − θ).
  EXPECT_NEAR(marginal_roi(r, 0.0), 10.0 * std::log(3.0) / 200.0 / 0.5, 1e-14);
  for (double s : {5.0, 80.0, 300.0}) {
    const double h = 1e-5 * s;
    const double fd = (weekly_contribution(r, s + h) - weekly_contribution(r, s - h)) / (2 * h);
    EXPECT_NEAR(marginal_roi(r, s), fd, 1e-6 * fd) << s;
  }
  const std::vector<CurvePoint> curve = response_curve(r, 5);
  for (const CurvePoint& p : curve) {
    EXPECT_EQ(p.revenue, 10.0 * logistic_saturation(p.spend / 0.5, 100.0));
    EXPECT_EQ(p.marginal_roi, marginal_roi(r, p.spend));
  }
}

TEST(LogisticSaturation, AllocatorEqualizesMarginalRoiOfLogisticCurves) {
  // Two concave logistic curves with room to move: the plan equalizes their marginal ROIs and
  // spends the budget.
  const std::vector<ChannelResponse> ch = {logistic_channel("tv", 0.3, 1500.0, 4000.0, 1000.0),
                                           logistic_channel("search", 0.0, 800.0, 1500.0, 1000.0)};
  AllocationOptions opt;
  opt.change_limit = 0.9;
  const AllocationResult a = allocate_budget(ch, opt);
  ASSERT_EQ(a.channels.size(), 2u);
  EXPECT_NEAR(a.channels[0].recommended_spend + a.channels[1].recommended_spend, 2000.0, 1e-6);
  EXPECT_NEAR(a.channels[0].marginal_roi_recommended, a.channels[1].marginal_roi_recommended,
              1e-5 * a.channels[0].marginal_roi_recommended);
  EXPECT_NEAR(marginal_roi(ch[0], a.channels[0].recommended_spend),
              a.channels[0].marginal_roi_recommended, 1e-12);
  EXPECT_GT(a.channels[0].recommended_spend, 1000.0);  // tv's curve is the steeper one here
  EXPECT_GT(a.lift, 0.0);
}

}  // namespace
}  // namespace mmm
