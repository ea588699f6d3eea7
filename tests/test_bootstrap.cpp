// Bootstrap (SPEC §6): Philox resamples as row counts, numpy-style percentiles, and percentile
// intervals on synthetic data with known coefficients.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/common/resampling.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Resampling, CountsSumToRowsAndAreDeterministic) {
  for (std::uint32_t T : {1u, 5u, 52u, 104u, 333u}) {
    std::vector<double> a(T), b(T), c(T);
    resample_counts(7, 3, T, a.data());
    resample_counts(7, 3, T, b.data());
    resample_counts(7, 4, T, c.data());
    double sum = 0.0;
    for (double v : a) {
      EXPECT_GE(v, 0.0);
      EXPECT_EQ(v, std::floor(v));
      sum += v;
    }
    EXPECT_EQ(sum, static_cast<double>(T));
    EXPECT_EQ(a, b);
    if (T > 1) {
      EXPECT_NE(a, c) << "T=" << T;
    }
  }
}

TEST(Resampling, CountsMatchRowDraws) {
  const std::uint32_t T = 30;
  std::vector<double> counts(T), manual(T, 0.0);
  resample_counts(11, 9, T, counts.data());
  for (std::uint32_t i = 0; i < T; ++i) {
    const std::uint32_t row = resample_row(11, 9, i, T);
    ASSERT_LT(row, T);
    manual[row] += 1.0;
  }
  EXPECT_EQ(counts, manual);
}

TEST(Resampling, ResamplesDifferAcrossIndexAndSeed) {
  const std::uint32_t T = 104;
  std::set<std::vector<double>> distinct;
  for (std::uint32_t b = 0; b < 50; ++b) {
    std::vector<double> w(T);
    resample_counts(1, b, T, w.data());
    distinct.insert(w);
  }
  EXPECT_EQ(distinct.size(), 50u);
  std::vector<double> s1(T), s2(T);
  resample_counts(1, 0, T, s1.data());
  resample_counts(2, 0, T, s2.data());
  EXPECT_NE(s1, s2);
}

TEST(Resampling, RowFrequenciesAreRoughlyUniform) {
  // B resamples of T draws each: every row is expected B times. Pearson's statistic has
  // T − 1 = 49 degrees of freedom (mean 49, sd ≈ 10); 110 is six standard deviations out.
  const std::uint32_t T = 50, B = 2000;
  std::vector<double> total(T, 0.0), w(T);
  // Also: the fraction of rows left out of a resample is ≈ (1 − 1/T)^T ≈ 0.364.
  double left_out = 0.0;
  for (std::uint32_t b = 0; b < B; ++b) {
    resample_counts(123, b, T, w.data());
    for (std::uint32_t t = 0; t < T; ++t) {
      total[t] += w[t];
      left_out += (w[t] == 0.0);
    }
  }
  double chi2 = 0.0;
  for (double n : total) chi2 += (n - B) * (n - B) / B;
  EXPECT_LT(chi2, 110.0);
  EXPECT_GT(chi2, 15.0);  // not suspiciously perfect either
  EXPECT_NEAR(left_out / (T * B), std::pow(1.0 - 1.0 / T, T), 0.01);
}

TEST(Percentile, MatchesNumpyLinearInterpolation) {
  const std::vector<double> v = {4, 1, 3, 2};  // order does not matter
  EXPECT_NEAR(percentile(v, 0.05), 1.15, 1e-15);
  EXPECT_NEAR(percentile(v, 0.95), 3.85, 1e-15);
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(v, 1.0), 4.0);
  // numpy.percentile([10, 20, 30, 40, 50], [25, 90]) = [20, 46].
  EXPECT_NEAR(percentile({50, 10, 40, 20, 30}, 0.25), 20.0, 1e-12);
  EXPECT_NEAR(percentile({50, 10, 40, 20, 30}, 0.90), 46.0, 1e-12);
  EXPECT_DOUBLE_EQ(percentile({7.5}, 0.3), 7.5);
}

TEST(Percentile, IgnoresNonFiniteValues) {
  EXPECT_NEAR(percentile({kNaN, 4, 1, kNaN, 3, 2, kInf}, 0.05), 1.15, 1e-15);
  EXPECT_NEAR(percentile({kNaN, 4, 1, 3, -kInf, 2}, 0.95), 3.85, 1e-15);
  EXPECT_TRUE(std::isnan(percentile({}, 0.5)));
  EXPECT_TRUE(std::isnan(percentile({kNaN, kNaN}, 0.5)));
}

/// y = 500 + 40 h₁ + 25 h₂ + 1·h₃ + Z·β + N(0, σ²) on 104 weekly rows with the default controls.
/// Channels 1 and 2 are well identified; channel 3 has a negligible effect.
struct NoisyProblem {
  ModelData data;
  std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0, 0.2, 1.0, 80.0};
  std::vector<double> coef = {40.0, 25.0, 1.0, 3.0, 4.0, -2.0, 1.5, 0.5, -1.0, 0.25, 6.0, -3.0};
};

NoisyProblem noisy_problem(int T, double sigma) {
  NoisyProblem p;
  PhiloxStream rng(1, 1u);
  p.data.spend.resize(T, 3);
  for (int t = 0; t < T; ++t) {
    p.data.spend(t, 0) = rng.uniform(0.0, 120.0);
    p.data.spend(t, 1) = rng.uniform(0.0, 300.0);
    p.data.spend(t, 2) = rng.uniform(0.0, 160.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  p.data.controls = default_controls(dates).values;
  p.data.y = Eigen::VectorXd::Zero(T);
  p.data.y = predict_kpi(p.data, p.hyper.data(), p.coef.data(), 500.0);
  for (int t = 0; t < T; ++t) {  // Box–Muller
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    p.data.y(t) += sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  p.data.ridge_lambda = 1e-6;
  return p;
}

TEST(Bootstrap, IntervalsContainTrueCoefficientsOfIdentifiedChannels) {
  const NoisyProblem p = noisy_problem(104, 1.0);
  cpu::CpuEvaluator evaluator(p.data, 1);
  BootstrapOptions opt;
  opt.resamples = 200;
  opt.seed = 5;
  const BootstrapReport r = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  EXPECT_EQ(r.resamples, 200);
  EXPECT_EQ(r.failed, 0);
  ASSERT_EQ(r.coef.rows(), 200);
  ASSERT_EQ(r.coef.cols(), 3);
  ASSERT_EQ(r.coef_lower.size(), 3u);
  for (int c = 0; c < 3; ++c) {
    EXPECT_LE(r.coef_lower[c], r.coef_upper[c]) << "channel " << c;
    EXPECT_LE(r.roi_lower[c], r.roi_upper[c]) << "channel " << c;
    EXPECT_TRUE(r.coef.col(c).allFinite());
    EXPECT_TRUE(r.roi.col(c).allFinite());
  }
  for (int c = 0; c < 2; ++c) {
    EXPECT_LE(r.coef_lower[c], p.coef[c]) << "channel " << c;
    EXPECT_GE(r.coef_upper[c], p.coef[c]) << "channel " << c;
    // Well identified: the interval is narrow relative to the effect and excludes 0.
    EXPECT_LT(r.coef_upper[c] - r.coef_lower[c], 0.25 * p.coef[c]) << "channel " << c;
    EXPECT_GT(r.coef_lower[c], 0.0);
    EXPECT_GT(r.roi_lower[c], 0.0);
  }
  // The intervals sit around the full-sample estimate, with a width close to the normal-theory
  // 90% interval 2 · 1.645 · SE of ordinary least squares (λ is negligible here).
  const int T = p.data.rows(), n = 1 + 3 + p.data.control_count();
  Eigen::MatrixXd X(T, n);
  X.col(0).setOnes();
  X.middleCols(1, 3) = transform_media(p.data.spend, p.hyper.data());
  X.rightCols(p.data.control_count()) = p.data.controls;
  const Eigen::VectorXd beta = X.colPivHouseholderQr().solve(p.data.y);
  const double s2 = (p.data.y - X * beta).squaredNorm() / (T - n);
  const Eigen::MatrixXd cov = s2 * (X.transpose() * X).inverse();
  for (int c = 0; c < 3; ++c) {
    EXPECT_LT(r.coef_lower[c], beta(1 + c)) << "channel " << c;
    EXPECT_GT(r.coef_upper[c], beta(1 + c)) << "channel " << c;
    const double normal_width = 2.0 * 1.645 * std::sqrt(cov(1 + c, 1 + c));
    const double width = r.coef_upper[c] - r.coef_lower[c];
    EXPECT_GT(width, 0.6 * normal_width) << "channel " << c;
    EXPECT_LT(width, 1.6 * normal_width) << "channel " << c;
  }
  // The interval bounds are the 5th and 95th percentiles of the resampled coefficients, with
  // q = (1 − ci)/2 computed as the engine does (in floating point it is 0.05 − 1.4e-17).
  std::vector<double> col0(r.coef.col(0).data(), r.coef.col(0).data() + 200);
  const double lo_q = (1.0 - opt.ci) / 2.0;
  EXPECT_EQ(r.coef_lower[0], percentile(col0, lo_q));
  EXPECT_EQ(r.coef_upper[0], percentile(col0, 1.0 - lo_q));
  EXPECT_NEAR(r.coef_lower[0], percentile(col0, 0.05), 1e-12 * std::abs(r.coef_lower[0]));
}

TEST(Bootstrap, RoiIsCoefficientTimesResampledResponseOverSpend) {
  const NoisyProblem p = noisy_problem(104, 1.0);
  cpu::CpuEvaluator evaluator(p.data, 1);
  BootstrapOptions opt;
  opt.resamples = 5;
  opt.seed = 8;
  const BootstrapReport r = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  const Eigen::MatrixXd h = transform_media(p.data.spend, p.hyper.data());
  const int T = p.data.rows();
  for (int b = 0; b < 5; ++b) {
    std::vector<double> w(T);
    resample_counts(8, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(T), w.data());
    const Eigen::Map<const Eigen::VectorXd> wv(w.data(), T);
    for (int c = 0; c < 3; ++c) {
      const double expected = r.coef(b, c) * wv.dot(h.col(c)) / wv.dot(p.data.spend.col(c));
      EXPECT_NEAR(r.roi(b, c), expected, 1e-9 * std::abs(expected)) << "b=" << b << " c=" << c;
    }
  }
}

TEST(Bootstrap, DeterministicForASeedAndIndependentOfChunking) {
  const NoisyProblem p = noisy_problem(80, 2.0);
  cpu::CpuEvaluator evaluator(p.data, 2);
  BootstrapOptions opt;
  opt.resamples = 37;
  opt.seed = 21;
  std::vector<int> progress;
  const BootstrapReport a = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  opt.chunk = 10;
  const BootstrapReport b = bootstrap_intervals(p.data, p.hyper, opt, evaluator,
                                                [&](int done) { progress.push_back(done); });
  EXPECT_EQ(progress, (std::vector<int>{10, 20, 30, 37}));
  ASSERT_EQ(a.coef.rows(), b.coef.rows());
  EXPECT_LT((a.coef - b.coef).cwiseAbs().maxCoeff(), 1e-9 * a.coef.cwiseAbs().maxCoeff());
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(a.coef_lower[c], b.coef_lower[c], 1e-9 * std::abs(a.coef_lower[c]));
    EXPECT_NEAR(a.roi_upper[c], b.roi_upper[c], 1e-9 * std::abs(a.roi_upper[c]));
  }
  const BootstrapReport again = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  EXPECT_EQ(again.coef, b.coef);
  EXPECT_EQ(again.coef_lower, b.coef_lower);
  opt.seed = 22;
  const BootstrapReport other = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  EXPECT_NE(other.coef_lower, b.coef_lower);
  EXPECT_NE(other.coef(0, 0), b.coef(0, 0));
}

TEST(Bootstrap, ZeroResamplesGiveNanIntervals) {
  const NoisyProblem p = noisy_problem(60, 1.0);
  cpu::CpuEvaluator evaluator(p.data, 1);
  BootstrapOptions opt;
  opt.resamples = 0;
  const BootstrapReport r = bootstrap_intervals(p.data, p.hyper, opt, evaluator);
  EXPECT_EQ(r.resamples, 0);
  EXPECT_EQ(r.coef.rows(), 0);
  ASSERT_EQ(r.coef_lower.size(), 3u);
  EXPECT_TRUE(std::isnan(r.coef_lower[0]));
  EXPECT_TRUE(std::isnan(r.roi_upper[2]));
}

TEST(Bootstrap, InvalidOptionsAreInputErrors) {
  const NoisyProblem p = noisy_problem(60, 1.0);
  cpu::CpuEvaluator evaluator(p.data, 1);
  for (double ci : {0.0, 1.0, 1.5, -0.1, kNaN}) {
    BootstrapOptions opt;
    opt.resamples = 3;
    opt.ci = ci;
    try {
      bootstrap_intervals(p.data, p.hyper, opt, evaluator);
      ADD_FAILURE() << "ci " << ci << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--ci"), std::string::npos) << e.what();
    }
  }
  BootstrapOptions opt;
  opt.resamples = -1;
  try {
    bootstrap_intervals(p.data, p.hyper, opt, evaluator);
    ADD_FAILURE() << "negative resamples accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--bootstrap -1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mmm
