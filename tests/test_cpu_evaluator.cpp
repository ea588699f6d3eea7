// CpuEvaluator against a naive reference (SPEC §4, §12): transform_media, then a plain Eigen
// ridge on explicitly standardized columns, for random problems and candidates, unweighted and
// under shared and per-candidate row weights, and bitwise reproducibility across thread counts.
// The evaluator's SIMD kernels (padded channel packets, fixed-row Gram caching, table-driven
// log/exp) must agree with this reference to 1e-9.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/philox.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

constexpr double kTolerance = 1e-9;

/// Random weekly problem: spend with 10% zero weeks, K smooth controls, a KPI with a media
/// signal, a control signal and noise, on a large offset (as real KPIs have).
ModelData random_problem(int T, int C, int K, uint64_t seed) {
  PhiloxStream rng(seed, 1);
  ModelData m;
  m.spend.resize(T, C);
  for (int t = 0; t < T; ++t)
    for (int c = 0; c < C; ++c) m.spend(t, c) = rng.uniform() < 0.1 ? 0.0 : rng.uniform(0, 1e4);
  m.controls.resize(T, K);
  for (int k = 0; k < K; ++k)
    for (int t = 0; t < T; ++t)
      m.controls(t, k) = std::sin(0.1 * (k + 1) * t) + rng.uniform(0, 0.3);
  m.y = (m.spend.rowwise().sum().array() * 0.3 + 5e5).matrix();
  for (int t = 0; t < T; ++t) m.y(t) += 2e3 * m.controls(t, 0) + rng.uniform(-5e3, 5e3);
  return m;
}

/// γ ∈ [0.01, 1] × max spend, or with `steady` ∈ [0.3, 3] × max spend / (1 − θ). The latter
/// for the logistic, whose tail is exponential: with γ far below the adstock it is 1 to within
/// 1e-10 in every week, a column whose spread is rounding, on which the naive solve here and
/// the centred Gram one cannot agree (the CUDA parity tests, whose centring is the CPU's, do
/// cover such candidates).
std::vector<double> random_candidates(const ModelData& m, int count, uint64_t seed,
                                      bool steady = false) {
  PhiloxStream rng(seed, 2);
  const auto max_spend = m.max_spend();
  std::vector<double> out;
  for (int i = 0; i < count; ++i) {
    for (int c = 0; c < m.channels(); ++c) {
      const double theta = rng.uniform(0.0, 0.95);
      out.push_back(theta);
      out.push_back(rng.uniform(0.5, 3.0));
      out.push_back(steady ? rng.uniform(0.3, 3.0) * max_spend[c] / (1.0 - theta)
                           : rng.uniform(0.01, 1.0) * max_spend[c]);
    }
  }
  return out;
}

struct Reference {
  double loss, r2, intercept;
  Eigen::VectorXd coef, coef_scaled;
};

/// scikit-learn's recipe written out: weighted means, population std, standardized ridge
/// (XsᵀWXs + λI) b = XsᵀW(y − ȳ), predictions, weighted R², loss with the sign penalty.
Reference naive_fit(const ModelData& m, const double* hyper, const Eigen::VectorXd& w) {
  const int T = m.rows(), C = m.channels(), p = m.parameters();
  Eigen::MatrixXd X(T, p);
  X.leftCols(C) = transform_media(m.spend, hyper, m.saturation);
  X.rightCols(m.control_count()) = m.controls;
  const double n = w.sum();
  const Eigen::RowVectorXd mean = (w.transpose() * X) / n;
  const Eigen::MatrixXd centered = X.rowwise() - mean;
  const Eigen::RowVectorXd scale =
      ((w.transpose() * centered.array().square().matrix()) / n).array().sqrt();
  const Eigen::MatrixXd Xs = centered.array().rowwise() / scale.array();
  const double ybar = w.dot(m.y) / n;
  const Eigen::VectorXd yc = m.y.array() - ybar;
  const Eigen::MatrixXd A =
      Xs.transpose() * w.asDiagonal() * Xs + m.ridge_lambda * Eigen::MatrixXd::Identity(p, p);
  Reference r;
  r.coef_scaled = A.ldlt().solve(Xs.transpose() * w.asDiagonal() * yc);
  r.coef = r.coef_scaled.array() / scale.transpose().array();
  r.intercept = ybar - mean.dot(r.coef);
  const Eigen::VectorXd resid = m.y - X * r.coef - Eigen::VectorXd::Constant(T, r.intercept);
  r.r2 = 1.0 - w.dot(resid.array().square().matrix()) / w.dot(yc.array().square().matrix());
  double penalty = 0.0;
  for (int c = 0; c < C; ++c) penalty += std::pow(std::min(r.coef_scaled(c), 0.0), 2);
  r.loss = (1.0 - r.r2) + m.penalty_weight * penalty;
  return r;
}

double worst = 0.0;  // largest relative difference seen, printed by the last test

/// |actual − expected| ≤ 1e-9 · max(|expected|, floor); coefficient vectors use their largest
/// magnitude as the floor (a linear solve is accurate normwise, not per tiny component).
void expect_close(double expected, double actual, double floor, const char* what, int i) {
  const double rel = std::abs(actual - expected) / std::max(std::abs(expected), floor);
  worst = std::max(worst, rel);
  EXPECT_LE(rel, kTolerance) << what << " of candidate " << i << ": expected " << expected
                             << ", got " << actual;
}

void expect_matches_reference(const ModelData& m, const std::vector<double>& hyper,
                              const BatchResult& out, const std::vector<double>& weights,
                              int weight_count) {
  const int T = m.rows(), p = m.parameters(), stride = 3 * m.channels();
  for (int i = 0; i < out.count; ++i) {
    Eigen::VectorXd w = Eigen::VectorXd::Ones(T);
    if (weight_count == 1) w = Eigen::Map<const Eigen::VectorXd>(weights.data(), T);
    if (weight_count > 1) w = Eigen::Map<const Eigen::VectorXd>(weights.data() + size_t(i) * T, T);
    const Reference r = naive_fit(m, hyper.data() + size_t(i) * stride, w);
    expect_close(r.loss, out.loss[i], 1.0, "loss", i);
    expect_close(r.r2, out.r2[i], 1.0, "r2", i);
    expect_close(r.intercept, out.intercept[i], 1.0, "intercept", i);
    const double coef_floor = r.coef.cwiseAbs().maxCoeff();
    const double scaled_floor = r.coef_scaled.cwiseAbs().maxCoeff();
    for (int j = 0; j < p; ++j) {
      expect_close(r.coef(j), out.coef[size_t(i) * p + j], coef_floor, "coef", i);
      expect_close(r.coef_scaled(j), out.coef_scaled[size_t(i) * p + j], scaled_floor,
                   "coef_scaled", i);
    }
  }
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// Evaluates with 1 and 2 threads, checks both against the reference and each other.
/// `shapes`: the channels' saturation shapes (empty: every channel Hill).
void check_problem(int T, int C, int K, int count, int weight_count, uint64_t seed,
                   const std::vector<SaturationShape>& shapes = {}) {
  SCOPED_TRACE("T=" + std::to_string(T) + " C=" + std::to_string(C) + " K=" + std::to_string(K) +
               " weight vectors=" + std::to_string(weight_count) +
               (shapes.empty() ? "" : " with logistic channels"));
  ModelData m = random_problem(T, C, K, seed);
  m.saturation = shapes;
  const std::vector<double> hyper = random_candidates(m, count, seed, !shapes.empty());
  // Weights: bootstrap-like counts 0..3 (some rows dropped, some repeated).
  std::vector<double> weights(static_cast<size_t>(T) * std::max(weight_count, 0));
  PhiloxStream rng(seed, 3);
  for (double& v : weights) v = std::floor(rng.uniform(0, 4));
  const RowWeights rw{weight_count, weight_count > 0 ? weights.data() : nullptr};
  BatchResult one, two;
  cpu::CpuEvaluator(m, 1).evaluate(CandidateBatch{count, C, hyper.data()}, rw, one);
  cpu::CpuEvaluator(m, 2).evaluate(CandidateBatch{count, C, hyper.data()}, rw, two);
  expect_matches_reference(m, hyper, one, weights, weight_count);
  EXPECT_TRUE(bitwise_equal(one.loss, two.loss));
  EXPECT_TRUE(bitwise_equal(one.r2, two.r2));
  EXPECT_TRUE(bitwise_equal(one.intercept, two.intercept));
  EXPECT_TRUE(bitwise_equal(one.coef, two.coef));
  EXPECT_TRUE(bitwise_equal(one.coef_scaled, two.coef_scaled));
  EXPECT_TRUE(bitwise_equal(one.mean, two.mean));
  EXPECT_TRUE(bitwise_equal(one.scale, two.scale));
}

// Channel counts cover a partial last packet at most half full (5, 20), more than half full
// (14) and none (8); T = 37 is odd, as the two-periods-per-packet tail path must handle.
TEST(CpuEvaluator, UnweightedMatchesNaiveReference) {
  for (int C : {5, 8, 14, 20}) check_problem(104, C, 9, 23, 0, 10 + C);
  check_problem(37, 20, 3, 11, 0, 99);
}

TEST(CpuEvaluator, SharedWeightsMatchNaiveReference) {
  for (int C : {5, 8, 14, 20}) check_problem(104, C, 9, 23, 1, 20 + C);
  check_problem(37, 20, 3, 11, 1, 98);
}

TEST(CpuEvaluator, PerCandidateWeightsMatchNaiveReference) {
  for (int C : {5, 8, 14, 20}) check_problem(104, C, 9, 23, 23, 30 + C);
  check_problem(37, 20, 3, 11, 11, 97);
}

/// Every third channel Hill, the others logistic: packets mixing the two shapes, and (for
/// C = 20 with 8 lanes) a packet of logistic channels only.
std::vector<SaturationShape> mixed_shapes(int C) {
  std::vector<SaturationShape> shapes(C, SaturationShape::Logistic);
  for (int c = 0; c < C; c += 3) shapes[c] = SaturationShape::Hill;
  return shapes;
}

// The logistic channels take the kernel's scalar path; the reference's transform_media the
// shared scalar function: they must agree as the Hill path does, under every kind of weights.
TEST(CpuEvaluator, LogisticAndMixedShapesMatchNaiveReference) {
  for (int C : {5, 14, 20}) {
    check_problem(104, C, 9, 23, 0, 40 + C, mixed_shapes(C));
    check_problem(104, C, 9, 23, 1, 50 + C, mixed_shapes(C));
    check_problem(104, C, 9, 23, 23, 60 + C, mixed_shapes(C));
  }
  check_problem(37, 8, 3, 11, 0, 96, std::vector<SaturationShape>(8, SaturationShape::Logistic));
}

TEST(CpuEvaluator, LogisticShapeChangesTheFit) {
  // The shape reaches the kernel: the same candidates give other losses under logistic.
  ModelData m = random_problem(104, 5, 3, 7);
  const std::vector<double> hyper = random_candidates(m, 4, 7);
  BatchResult hill, logistic;
  cpu::CpuEvaluator(m, 1).evaluate(CandidateBatch{4, 5, hyper.data()}, RowWeights{}, hill);
  m.saturation.assign(5, SaturationShape::Logistic);
  cpu::CpuEvaluator(m, 1).evaluate(CandidateBatch{4, 5, hyper.data()}, RowWeights{}, logistic);
  for (int i = 0; i < 4; ++i) EXPECT_GT(std::abs(hill.loss[i] - logistic.loss[i]), 1e-6) << i;
  std::printf("worst relative difference from the naive reference: %.3g\n", worst);
}

}  // namespace
}  // namespace mmm
