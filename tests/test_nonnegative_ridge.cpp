// The non-negative media solve of gram_ridge.hpp (issue "estimates a marketer can trust"):
// against a brute-force search over every sign pattern, where each pattern holds a subset of
// the media coefficients at 0, solves the rest with a plain Eigen ridge on explicitly
// standardized columns, and the best feasible pattern (lowest ridge objective) is the optimum.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "host/common/philox.hpp"
#include "host/model/gram_ridge.hpp"

namespace mmm {
namespace {

struct Problem {
  Eigen::MatrixXd X;  ///< T × p, media first
  Eigen::VectorXd y;
  int media = 0;
  double lambda = 1.0;
};

/// Media columns some of which hurt the KPI (so the unconstrained ridge makes them negative),
/// correlated with each other, plus controls.
Problem random_problem(int T, int C, int K, double lambda, std::uint64_t seed) {
  PhiloxStream rng(seed, 7);
  Problem pr;
  pr.media = C;
  pr.lambda = lambda;
  pr.X.resize(T, C + K);
  pr.y.resize(T);
  for (int t = 0; t < T; ++t) {
    const double common = rng.uniform();
    for (int c = 0; c < C; ++c) pr.X(t, c) = 0.5 * common + rng.uniform();
    for (int k = 0; k < K; ++k) pr.X(t, C + k) = std::sin(0.3 * (k + 1) * t) + rng.uniform(0, 0.2);
  }
  for (int t = 0; t < T; ++t) {
    double v = 100.0 + rng.uniform(-1.0, 1.0);
    for (int c = 0; c < C; ++c) v += (c % 2 == 0 ? 2.0 : -1.5) * pr.X(t, c);
    for (int k = 0; k < K; ++k) v += 0.7 * pr.X(t, C + k);
    pr.y(t) = v;
  }
  return pr;
}

/// Lower triangle of the Gram of [1, X, y] (column-major, ld = p + 2).
std::vector<double> gram_of(const Problem& pr) {
  const int T = static_cast<int>(pr.y.size()), p = static_cast<int>(pr.X.cols()), ld = p + 2;
  Eigen::MatrixXd M(T, ld);
  M.col(0).setOnes();
  M.middleCols(1, p) = pr.X;
  M.col(p + 1) = pr.y;
  const Eigen::MatrixXd G = M.transpose() * M;
  return std::vector<double>(G.data(), G.data() + G.size());
}

struct Solution {
  Eigen::VectorXd b;  ///< standardized coefficients
  double r2 = 0.0;
};

/// Every subset of media held at 0; the rest solved exactly; the feasible one with the lowest
/// ridge objective ‖y − Xs b‖² + λ‖b‖² wins.
Solution brute_force(const Problem& pr) {
  const int T = static_cast<int>(pr.y.size()), p = static_cast<int>(pr.X.cols());
  const Eigen::RowVectorXd mean = pr.X.colwise().mean();
  const Eigen::MatrixXd centred = pr.X.rowwise() - mean;
  const Eigen::RowVectorXd sd = (centred.array().square().colwise().sum() / T).sqrt();
  const Eigen::MatrixXd Xs = centred.array().rowwise() / sd.array();
  const Eigen::VectorXd yc = pr.y.array() - pr.y.mean();
  const double syy = yc.squaredNorm();
  Solution best;
  double best_objective = std::numeric_limits<double>::infinity();
  for (int mask = 0; mask < (1 << pr.media); ++mask) {
    std::vector<int> free;
    for (int j = 0; j < p; ++j)
      if (j >= pr.media || !(mask & (1 << j))) free.push_back(j);
    const int f = static_cast<int>(free.size());
    Eigen::MatrixXd Xf(T, f);
    for (int j = 0; j < f; ++j) Xf.col(j) = Xs.col(free[j]);
    const Eigen::MatrixXd A = Xf.transpose() * Xf + pr.lambda * Eigen::MatrixXd::Identity(f, f);
    const Eigen::VectorXd bf = A.ldlt().solve(Xf.transpose() * yc);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
    bool feasible = true;
    for (int j = 0; j < f; ++j) {
      b(free[j]) = bf(j);
      if (free[j] < pr.media && bf(j) < 0.0) feasible = false;
    }
    if (!feasible) continue;
    const double rss = (yc - Xs * b).squaredNorm();
    const double objective = rss + pr.lambda * b.squaredNorm();
    if (objective < best_objective) {
      best_objective = objective;
      best.b = b;
      best.r2 = 1.0 - rss / syy;
    }
  }
  return best;
}

Solution gram_solve(const Problem& pr, int nonnegative, double* loss) {
  const int p = static_cast<int>(pr.X.cols());
  const std::vector<double> G = gram_of(pr);
  std::vector<double> work(gram_ridge_work_size(p)), b(p), coef(p), mean(p), scale(p);
  double intercept = 0.0;
  Solution s;
  GramRidgeOutput out{b.data(), coef.data(), mean.data(), scale.data(), &intercept, &s.r2};
  *loss = solve_ridge_from_gram(
      G.data(), p + 2, GramRidgeShape{p, pr.media, pr.lambda, 10.0, nonnegative}, work.data(), out);
  s.b = Eigen::Map<Eigen::VectorXd>(b.data(), p);
  return s;
}

TEST(NonnegativeRidge, MatchesBruteForceOverSignPatterns) {
  int constrained_cases = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const int C = 2 + static_cast<int>(seed % 5);  // 2..6 media
    const Problem pr = random_problem(80, C, 3, seed % 3 == 0 ? 0.1 : 5.0, seed);
    double loss_free = 0.0, loss = 0.0;
    const Solution unconstrained = gram_solve(pr, 0, &loss_free);
    const Solution got = gram_solve(pr, 1, &loss);
    const Solution want = brute_force(pr);
    bool any_negative = false;
    for (int c = 0; c < C; ++c) any_negative = any_negative || unconstrained.b(c) < 0.0;
    constrained_cases += any_negative;
    ASSERT_EQ(got.b.size(), want.b.size());
    for (int j = 0; j < got.b.size(); ++j) {
      EXPECT_NEAR(got.b(j), want.b(j), 1e-9 * (1.0 + std::fabs(want.b(j))))
          << "seed " << seed << " coefficient " << j;
      if (j < C) {
        EXPECT_GE(got.b(j), 0.0) << "seed " << seed;
      }
    }
    EXPECT_NEAR(got.r2, want.r2, 1e-10) << "seed " << seed;
    // Non-negative: the loss is 1 − R², no penalty left.
    EXPECT_NEAR(loss, 1.0 - got.r2, 1e-15) << "seed " << seed;
    // The constraint can only lower the fit.
    EXPECT_LE(got.r2, unconstrained.r2 + 1e-12) << "seed " << seed;
  }
  // The problems are built so that the constraint binds in most of them.
  EXPECT_GE(constrained_cases, 20);
}

TEST(NonnegativeRidge, LeavesAFeasibleUnconstrainedSolutionBitIdentical) {
  Problem pr = random_problem(60, 3, 2, 1.0, 99);
  // Every media column helps: the unconstrained solution is already feasible.
  for (int t = 0; t < 60; ++t) pr.y(t) += 10.0 * pr.X(t, 1);
  double loss_free = 0.0, loss = 0.0;
  const Solution a = gram_solve(pr, 0, &loss_free);
  const Solution b = gram_solve(pr, 1, &loss);
  for (int c = 0; c < 3; ++c) ASSERT_GT(a.b(c), 0.0);
  for (int j = 0; j < a.b.size(); ++j) EXPECT_EQ(a.b(j), b.b(j));
  EXPECT_EQ(loss_free, loss);
}

TEST(NonnegativeRidge, ReferenceObjectivePenalizesNegativeMedia) {
  const Problem pr = random_problem(80, 4, 3, 5.0, 3);
  double loss = 0.0;
  const Solution s = gram_solve(pr, 0, &loss);
  double penalty = 0.0;
  for (int c = 0; c < 4; ++c) penalty += s.b(c) < 0 ? s.b(c) * s.b(c) : 0.0;
  ASSERT_GT(penalty, 0.0);
  EXPECT_NEAR(loss, (1.0 - s.r2) + 10.0 * penalty, 1e-12 * loss);
}

TEST(ExcessMediaShare, ZeroWhileTheBaselineIsPositiveThenTheExcessShare) {
  // Two media: mean media contribution Σ coef·mean = 2·3 + 1·4 = 10 (the control is not media).
  const double coef[3] = {2.0, 1.0, 5.0}, mean[3] = {3.0, 4.0, 2.0};
  EXPECT_EQ(excess_media_share(coef, mean, 2, 30.0), 0.0);  // media 10 of 30
  EXPECT_EQ(excess_media_share(coef, mean, 2, 10.0), 0.0);  // exactly all of it
  // Media 10 of a mean KPI of 5: the baseline is −5, media is 200% of the KPI.
  EXPECT_DOUBLE_EQ(excess_media_share(coef, mean, 2, 5.0), 1.0);
  // A KPI whose mean is not positive has no share to bound.
  EXPECT_EQ(excess_media_share(coef, mean, 2, -30.0), 0.0);
}

TEST(ExcessMediaShare, TheSolveReportsTheKpiMean) {
  const Problem pr = random_problem(50, 3, 2, 1.0, 5);
  const int p = 5;
  const std::vector<double> G = gram_of(pr);
  std::vector<double> work(gram_ridge_work_size(p));
  double kpi_mean = 0.0;
  GramRidgeOutput out{nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &kpi_mean};
  solve_ridge_from_gram(G.data(), p + 2, GramRidgeShape{p, 3, 1.0, 10.0, 1}, work.data(), out);
  EXPECT_NEAR(kpi_mean, pr.y.mean(), 1e-12 * pr.y.mean());
}

}  // namespace
}  // namespace mmm
