// Shared elementwise math (SPEC §4–5): Hill saturation and its slope, the logistic decoding of
// the search box, and SearchSpace's per-channel (θ, α, γ) layout.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/features/transforms.hpp"
#include "host/model/hyperparameters.hpp"

namespace mmm {
namespace {

double hill_reference(double a, double alpha, double gamma) {
  const double aa = std::pow(a, alpha), ga = std::pow(gamma, alpha);
  return aa / (aa + ga);
}

TEST(Transforms, HillMatchesClosedForm) {
  const double alphas[] = {0.5, 0.9, 1.0, 1.75, 3.0};
  const double gammas[] = {1e-3, 0.7, 1.0, 250.0, 1e6};
  const double ratios[] = {1e-4, 0.01, 0.3, 0.99, 1.0, 1.5, 7.0, 100.0, 1e4};
  for (double alpha : alphas) {
    for (double gamma : gammas) {
      for (double r : ratios) {
        const double a = r * gamma;
        const double expected = hill_reference(a, alpha, gamma);
        EXPECT_NEAR(hill(a, alpha, gamma), expected, 1e-12 * expected)
            << "a=" << a << " alpha=" << alpha << " gamma=" << gamma;
        EXPECT_NEAR(hill_from_log(std::log(a), alpha, std::log(gamma)), expected, 1e-12 * expected);
      }
    }
  }
}

TEST(Transforms, HillAtGammaIsHalfAndBounded) {
  for (double alpha : {0.5, 1.0, 2.2, 3.0}) {
    for (double gamma : {0.01, 1.0, 12345.0}) {
      EXPECT_NEAR(hill(gamma, alpha, gamma), 0.5, 1e-15);
      EXPECT_LT(hill(0.0, alpha, gamma), 1e-100) << "alpha=" << alpha << " gamma=" << gamma;
      EXPECT_GE(hill(0.0, alpha, gamma), 0.0);
      const double big = hill(1e12 * gamma, alpha, gamma);
      EXPECT_LE(big, 1.0);
      EXPECT_GT(big, 1.0 - 1e-5);
    }
  }
}

TEST(Transforms, HillIsIncreasingInSpend) {
  double prev = hill(0.0, 1.3, 50.0);
  for (double a = 1.0; a < 1000.0; a *= 1.5) {
    const double h = hill(a, 1.3, 50.0);
    EXPECT_GT(h, prev);
    prev = h;
  }
}

TEST(Transforms, HillExponentClampKeepsExtremesFinite) {
  // α (ln γ − ln a) far beyond ±700 must neither overflow nor produce NaN.
  EXPECT_EQ(hill(1e-200, 3.0, 1e200), 1.0 / (1.0 + std::exp(kHillExponentClamp)));
  EXPECT_EQ(hill(1e200, 3.0, 1e-200), 1.0 / (1.0 + std::exp(-kHillExponentClamp)));
}

TEST(Transforms, HillDerivativeMatchesFiniteDifferences) {
  for (double alpha : {0.5, 1.0, 1.75, 3.0}) {
    for (double gamma : {0.5, 100.0}) {
      for (double r : {0.05, 0.5, 1.0, 2.0, 10.0}) {
        const double a = r * gamma, eps = 1e-6 * a;
        const double fd = (hill(a + eps, alpha, gamma) - hill(a - eps, alpha, gamma)) / (2 * eps);
        const double d = hill_derivative(a, alpha, gamma);
        EXPECT_NEAR(d, fd, 1e-6 * std::abs(fd) + 1e-14)
            << "a=" << a << " alpha=" << alpha << " gamma=" << gamma;
        // Closed form α a^{α−1} γ^α / (a^α + γ^α)².
        const double aa = std::pow(a, alpha), ga = std::pow(gamma, alpha);
        const double closed = alpha * std::pow(a, alpha - 1) * ga / ((aa + ga) * (aa + ga));
        EXPECT_NEAR(d, closed, 1e-10 * closed);
      }
    }
  }
}

TEST(Transforms, HillDerivativeAtZeroIsFinite) {
  // α = 1: slope 1/γ at the origin.
  EXPECT_NEAR(hill_derivative(0.0, 1.0, 4.0), 0.25, 1e-8);
  // α > 1: slope tends to 0; α < 1: large but finite.
  EXPECT_LT(hill_derivative(0.0, 2.0, 4.0), 1e-8);
  const double steep = hill_derivative(0.0, 0.5, 4.0);
  EXPECT_TRUE(std::isfinite(steep));
  EXPECT_GT(steep, 1e3);
}

TEST(Transforms, LogisticAndDecodeCoordinate) {
  EXPECT_DOUBLE_EQ(logistic(0.0), 0.5);
  EXPECT_NEAR(logistic(5.0), 1.0 / (1.0 + std::exp(-5.0)), 1e-16);
  EXPECT_NEAR(logistic(-5.0) + logistic(5.0), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(decode_coordinate(0.0, 0.5, 3.0), 1.75);
  EXPECT_NEAR(decode_coordinate(-5.0, 0.0, 0.95), 0.95 * logistic(-5.0), 1e-16);
  EXPECT_NEAR(decode_coordinate(5.0, 0.0, 0.95), 0.95 * logistic(5.0), 1e-15);
}

TEST(Transforms, EncodeDecodeRoundTripInsideTheBox) {
  for (double u = -4.9; u < 4.95; u += 0.35) {
    for (const auto& box : {std::pair<double, double>{0.0, 0.95}, {0.5, 3.0}, {0.0, 1.0}}) {
      const double v = decode_coordinate(u, box.first, box.second);
      EXPECT_NEAR(encode_coordinate(v, box.first, box.second), u, 1e-9) << "u=" << u;
    }
  }
}

TEST(Transforms, EncodeClampsOutsideTheBox) {
  EXPECT_DOUBLE_EQ(encode_coordinate(-1.0, 0.0, 0.95), -5.0);
  EXPECT_DOUBLE_EQ(encode_coordinate(0.0, 0.0, 0.95), -5.0);
  EXPECT_DOUBLE_EQ(encode_coordinate(0.95, 0.0, 0.95), 5.0);
  EXPECT_DOUBLE_EQ(encode_coordinate(7.0, 0.5, 3.0), 5.0);
  EXPECT_DOUBLE_EQ(encode_coordinate(1.75, 0.5, 3.0), 0.0);
}

TEST(Transforms, PinnedBoundsEncodeFinitelyAndDecodeToTheBound) {
  EXPECT_DOUBLE_EQ(encode_coordinate(0.4, 0.4, 0.4), 0.0);
  EXPECT_DOUBLE_EQ(encode_coordinate(0.9, 0.4, 0.4), 0.0);
  EXPECT_DOUBLE_EQ(decode_coordinate(encode_coordinate(0.4, 0.4, 0.4), 0.4, 0.4), 0.4);
  EXPECT_DOUBLE_EQ(decode_coordinate(3.0, 0.4, 0.4), 0.4);
}

TEST(Transforms, SteadyStateAdstock) {
  EXPECT_DOUBLE_EQ(steady_state_adstock(100.0, 0.0), 100.0);
  EXPECT_NEAR(steady_state_adstock(100.0, 0.75), 400.0, 1e-12);
}

TEST(SearchSpace, DecodeBatchLaysOutEveryCandidateAsDecodeDoes) {
  const SearchSpace space = default_search_space({200.0, 50.0});
  const std::vector<double> u = {-4.0, 0.0, 1.5,  2.0,  -1.0, 0.3,  // candidate 0
                                 0.7,  3.3, -2.2, -5.0, 5.0,  0.0};
  std::vector<double> params;
  space.decode_batch(u.data(), 2, params);
  ASSERT_EQ(params.size(), 12u);
  for (int i = 0; i < 2; ++i) {
    for (int c = 0; c < 2; ++c) {
      const ChannelHyper h = space.decode(&u[static_cast<size_t>(i) * 6], c);
      EXPECT_EQ(params[i * 6 + 3 * c], h.theta);
      EXPECT_EQ(params[i * 6 + 3 * c + 1], h.alpha);
      EXPECT_EQ(params[i * 6 + 3 * c + 2], h.gamma);
    }
  }
}

TEST(SearchSpace, DefaultBoxAndLayout) {
  const SearchSpace space = default_search_space({200.0, 50.0, 1e6});
  EXPECT_EQ(space.channels(), 3);
  EXPECT_EQ(space.dimension(), 9);
  ASSERT_EQ(space.bounds.size(), 3u);
  EXPECT_EQ(space.max_spend, (std::vector<double>{200.0, 50.0, 1e6}));
  for (const ChannelBounds& b : space.bounds) {
    EXPECT_DOUBLE_EQ(b.theta.lo, 0.0);
    EXPECT_DOUBLE_EQ(b.theta.hi, 0.95);
    EXPECT_DOUBLE_EQ(b.alpha.lo, 0.5);
    EXPECT_DOUBLE_EQ(b.alpha.hi, 3.0);
    EXPECT_DOUBLE_EQ(b.gamma_fraction.lo, 0.0);
    EXPECT_DOUBLE_EQ(b.gamma_fraction.hi, 1.0);
  }
  EXPECT_DOUBLE_EQ(SearchSpace::kLower, -5.0);
  EXPECT_DOUBLE_EQ(SearchSpace::kUpper, 5.0);
  EXPECT_EQ(default_search_space({}).dimension(), 0);
}

TEST(SearchSpace, DecodeCenterOfTheBox) {
  const SearchSpace space = default_search_space({200.0, 50.0});
  const std::vector<double> u(6, 0.0);
  for (int c = 0; c < 2; ++c) {
    const ChannelHyper h = space.decode(u.data(), c);
    EXPECT_DOUBLE_EQ(h.theta, 0.475);
    EXPECT_DOUBLE_EQ(h.alpha, 1.75);
    EXPECT_DOUBLE_EQ(h.gamma, 0.5 * space.max_spend[c]);
  }
}

TEST(SearchSpace, DecodeUsesPerChannelLayoutAndBounds) {
  SearchSpace space = default_search_space({100.0, 400.0});
  space.bounds[1].theta = {0.1, 0.3};
  space.bounds[1].alpha = {1.0, 2.0};
  space.bounds[1].gamma_fraction = {0.2, 0.6};
  const std::vector<double> u = {1.0, -2.0, 3.0, 0.5, -1.5, 2.5};
  const ChannelHyper h0 = space.decode(u.data(), 0);
  EXPECT_NEAR(h0.theta, 0.95 * logistic(1.0), 1e-15);
  EXPECT_NEAR(h0.alpha, 0.5 + 2.5 * logistic(-2.0), 1e-15);
  EXPECT_NEAR(h0.gamma, 100.0 * logistic(3.0), 1e-12);
  const ChannelHyper h1 = space.decode(u.data(), 1);
  EXPECT_NEAR(h1.theta, 0.1 + 0.2 * logistic(0.5), 1e-15);
  EXPECT_NEAR(h1.alpha, 1.0 + logistic(-1.5), 1e-15);
  EXPECT_NEAR(h1.gamma, 400.0 * (0.2 + 0.4 * logistic(2.5)), 1e-12);
}

TEST(SearchSpace, EncodeDecodeRoundTrip) {
  SearchSpace space = default_search_space({80.0, 3000.0});
  space.bounds[0].gamma_fraction = {0.1, 0.9};
  const std::vector<ChannelHyper> hyper = {{0.3, 2.1, 40.0}, {0.9, 0.6, 2500.0}};
  std::vector<double> u(6, 99.0);
  space.encode(hyper, u.data());
  for (double x : u) {
    EXPECT_GE(x, -5.0);
    EXPECT_LE(x, 5.0);
  }
  for (int c = 0; c < 2; ++c) {
    const ChannelHyper h = space.decode(u.data(), c);
    EXPECT_NEAR(h.theta, hyper[c].theta, 1e-12);
    EXPECT_NEAR(h.alpha, hyper[c].alpha, 1e-12);
    EXPECT_NEAR(h.gamma, hyper[c].gamma, 1e-9 * hyper[c].gamma);
  }
}

TEST(SearchSpace, EncodeClampsHyperparametersOutsideTheBox) {
  const SearchSpace space = default_search_space({100.0});
  std::vector<double> u(3, 0.0);
  space.encode({{0.99, 10.0, 500.0}}, u.data());
  EXPECT_DOUBLE_EQ(u[0], 5.0);
  EXPECT_DOUBLE_EQ(u[1], 5.0);
  EXPECT_DOUBLE_EQ(u[2], 5.0);
  space.encode({{0.0, 0.1, 0.0}}, u.data());
  EXPECT_DOUBLE_EQ(u[0], -5.0);
  EXPECT_DOUBLE_EQ(u[1], -5.0);
  EXPECT_DOUBLE_EQ(u[2], -5.0);
}

}  // namespace
}  // namespace mmm
