// Pooled ridge over segments (SPEC §9): the Schur-complement solve of partial pooling against a
// direct solve of the stacked system, its limits (λ_s → 0: none; λ_s → ∞: complete), and the
// segment pipeline against the single-model code where the two must agree.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/thread_pool.hpp"
#include "host/features/controls.hpp"
#include "host/model/gram_ridge.hpp"
#include "host/segments/pooled_ridge.hpp"
#include "host/segments/segment_bootstrap.hpp"
#include "host/segments/segment_model.hpp"
#include "tests/segment_test_data.hpp"

namespace mmm {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using test::random_blocks;

// The stacked normal equations of the partial-pooling objective in (β_1 … β_S, β_g).
PooledSolution direct_partial(const std::vector<SegmentGram>& b, double lg, double ls) {
  const int S = static_cast<int>(b.size());
  const int p = static_cast<int>(b[0].c.size());
  const int n = (S + 1) * p;
  MatrixXd K = MatrixXd::Zero(n, n);
  VectorXd rhs = VectorXd::Zero(n);
  const MatrixXd I = MatrixXd::Identity(p, p);
  for (int s = 0; s < S; ++s) {
    K.block(s * p, s * p, p, p) = b[s].A + ls * I;
    K.block(s * p, S * p, p, p) = -ls * I;
    K.block(S * p, s * p, p, p) = -ls * I;
    rhs.segment(s * p, p) = b[s].c;
  }
  K.block(S * p, S * p, p, p) = (lg + S * ls) * I;
  const VectorXd x = K.partialPivLu().solve(rhs);
  PooledSolution out;
  out.segment.resize(p, S);
  for (int s = 0; s < S; ++s) out.segment.col(s) = x.segment(s * p, p);
  out.global = x.segment(S * p, p);
  return out;
}

TEST(SegmentsPooling, SchurSolveEqualsDirectStackedSolve) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const auto blocks = random_blocks(5, 4, 12, seed);
    PoolingPenalties pen;
    pen.lambda_global = 3.0;
    pen.lambda_segment = 7.5;
    ThreadPool pool(2);
    const PooledSolution schur = solve_pooled(blocks, Pooling::kPartial, pen, &pool);
    const PooledSolution direct = direct_partial(blocks, 3.0, 7.5);
    ASSERT_TRUE(schur.ok);
    EXPECT_LT((schur.global - direct.global).norm(), 1e-10 * direct.global.norm());
    EXPECT_LT((schur.segment - direct.segment).norm(), 1e-10 * direct.segment.norm());
    // The serial path gives the same answer.
    const PooledSolution serial = solve_pooled(blocks, Pooling::kPartial, pen, nullptr);
    EXPECT_EQ(serial.segment, schur.segment);  // bit for bit, whatever the thread count
  }
}

TEST(SegmentsPooling, SchurSolveWithFewerRowsThanParameters) {
  // T < p: each A_s is singular, M_s = A_s + λ_s I is not; the Schur system stays solvable.
  const auto blocks = random_blocks(4, 6, 3, 9);
  PoolingPenalties pen;
  pen.lambda_global = 1.0;
  pen.lambda_segment = 2.0;
  const PooledSolution schur = solve_pooled(blocks, Pooling::kPartial, pen);
  const PooledSolution direct = direct_partial(blocks, 1.0, 2.0);
  ASSERT_TRUE(schur.ok);
  EXPECT_LT((schur.segment - direct.segment).norm(), 1e-9 * direct.segment.norm());
}

TEST(SegmentsPooling, RssMatchesResiduals) {
  const auto blocks = random_blocks(3, 3, 15, 4);
  PoolingPenalties pen;
  const PooledSolution sol = solve_pooled(blocks, Pooling::kPartial, pen);
  for (int s = 0; s < 3; ++s) {
    const VectorXd b = sol.segment.col(s);
    const double rss = blocks[s].yy - 2 * b.dot(blocks[s].c) + b.dot(blocks[s].A * b);
    EXPECT_NEAR(sol.rss[s], rss, 1e-9 * blocks[s].yy);
    EXPECT_GE(sol.rss[s], 0.0);
  }
}

TEST(SegmentsPooling, PartialApproachesNoneAsSegmentPenaltyVanishes) {
  const auto blocks = random_blocks(4, 3, 20, 5);
  PoolingPenalties pen;
  pen.lambda = 1e-9;
  pen.lambda_global = 10.0;
  pen.lambda_segment = 1e-9;
  const PooledSolution partial = solve_pooled(blocks, Pooling::kPartial, pen);
  const PooledSolution none = solve_pooled(blocks, Pooling::kNone, pen);
  EXPECT_LT((partial.segment - none.segment).norm(), 1e-7 * none.segment.norm());
  // And the pooling factor reads 0.
  EXPECT_LT(pooling_factor(partial, none).maxCoeff(), 1e-6);
}

TEST(SegmentsPooling, PartialApproachesCompleteAsSegmentPenaltyGrows) {
  const auto blocks = random_blocks(4, 3, 20, 6);
  PoolingPenalties pen;
  pen.lambda = 10.0;
  pen.lambda_global = 10.0;
  pen.lambda_segment = 1e9;
  const PooledSolution partial = solve_pooled(blocks, Pooling::kPartial, pen);
  const PooledSolution complete = solve_pooled(blocks, Pooling::kComplete, pen);
  const PooledSolution none = solve_pooled(blocks, Pooling::kNone, pen);
  EXPECT_LT((partial.global - complete.global).norm(), 1e-6 * complete.global.norm());
  EXPECT_LT((partial.segment - complete.segment).norm(), 1e-6 * complete.segment.norm());
  EXPECT_GT(pooling_factor(partial, none).minCoeff(), 1.0 - 1e-6);
  // In between, the factor lies in [0, 1] and grows with λ_s on average.
  double previous = -1.0;
  for (double ls : {1.0, 20.0, 400.0, 1e5}) {
    pen.lambda_segment = ls;
    const VectorXd f = pooling_factor(solve_pooled(blocks, Pooling::kPartial, pen), none);
    EXPECT_GE(f.minCoeff(), 0.0);
    EXPECT_LE(f.maxCoeff(), 1.0);
    EXPECT_GE(f.mean(), previous) << "lambda_segment " << ls;
    previous = f.mean();
  }
  EXPECT_GT(previous, 0.9);
}

TEST(SegmentsPooling, ParsePooling) {
  EXPECT_EQ(parse_pooling("none"), Pooling::kNone);
  EXPECT_EQ(parse_pooling("complete"), Pooling::kComplete);
  EXPECT_EQ(parse_pooling("partial"), Pooling::kPartial);
  EXPECT_THROW(parse_pooling("full"), std::exception);
}

// ---- global columns: one coefficient in every segment ----

struct RawSegments {
  std::vector<MatrixXd> X;
  std::vector<VectorXd> y;
  std::vector<SegmentGram> blocks;
};

RawSegments random_raw(int S, int p, int T, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  RawSegments out;
  const VectorXd truth = VectorXd::LinSpaced(p, -1.0, 2.0);
  for (int s = 0; s < S; ++s) {
    MatrixXd X(T, p);
    VectorXd y(T);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < p; ++j) X(t, j) = z(rng) * (1.0 + 0.3 * s) + 0.2 * z(rng) * j;
    }
    for (int t = 0; t < T; ++t) y[t] = X.row(t).dot(truth) * (1.0 + 0.2 * s) + z(rng);
    out.X.push_back(X);
    out.y.push_back(y);
    out.blocks.push_back({X.transpose() * X, X.transpose() * y, y.squaredNorm(), double(T)});
  }
  return out;
}

// The full stacked least-squares problem, solved directly (QR on the tall matrix of data rows
// and penalty rows). Unknowns: β_G, then β_gL (partial), then β_sL per segment; complete: β.
PooledSolution direct_with_globals(const RawSegments& d, const std::vector<int>& G, Pooling pooling,
                                   const PoolingPenalties& pen) {
  const int S = static_cast<int>(d.X.size());
  const int p = static_cast<int>(d.X[0].cols());
  const int T = static_cast<int>(d.X[0].rows());
  std::vector<int> L;
  for (int j = 0; j < p; ++j) {
    if (std::find(G.begin(), G.end(), j) == G.end()) L.push_back(j);
  }
  const int g = static_cast<int>(G.size()), l = static_cast<int>(L.size());
  PooledSolution out;
  out.segment.resize(p, S);
  out.global.resize(p);
  if (pooling == Pooling::kComplete) {
    MatrixXd K = MatrixXd::Zero(S * T + p, p);
    VectorXd rhs = VectorXd::Zero(S * T + p);
    for (int s = 0; s < S; ++s) {
      K.middleRows(s * T, T) = d.X[s];
      rhs.segment(s * T, T) = d.y[s];
    }
    K.bottomRows(p) = std::sqrt(pen.lambda_global) * MatrixXd::Identity(p, p);
    out.global = K.colPivHouseholderQr().solve(rhs);
    out.segment = out.global.replicate(1, S);
    return out;
  }
  const bool partial = pooling == Pooling::kPartial;
  const int off = g + (partial ? l : 0);  // first β_sL unknown
  const int n = off + S * l;
  const int rows = S * T + off + S * l;
  MatrixXd K = MatrixXd::Zero(rows, n);
  VectorXd rhs = VectorXd::Zero(rows);
  for (int s = 0; s < S; ++s) {
    for (int k = 0; k < g; ++k) K.block(s * T, k, T, 1) = d.X[s].col(G[k]);
    for (int k = 0; k < l; ++k) K.block(s * T, off + s * l + k, T, 1) = d.X[s].col(L[k]);
    rhs.segment(s * T, T) = d.y[s];
  }
  int row = S * T;
  for (int k = 0; k < off; ++k) K(row++, k) = std::sqrt(pen.lambda_global);  // β_G, β_gL
  const double w = std::sqrt(partial ? pen.lambda_segment : pen.lambda);
  for (int s = 0; s < S; ++s) {
    for (int k = 0; k < l; ++k, ++row) {
      K(row, off + s * l + k) = w;
      if (partial) K(row, g + k) = -w;  // λ_s ‖β_sL − β_gL‖²
    }
  }
  const VectorXd x = K.colPivHouseholderQr().solve(rhs);
  for (int s = 0; s < S; ++s) {
    for (int k = 0; k < g; ++k) out.segment(G[k], s) = x[k];
    for (int k = 0; k < l; ++k) out.segment(L[k], s) = x[off + s * l + k];
  }
  for (int k = 0; k < g; ++k) out.global[G[k]] = x[k];
  for (int k = 0; k < l; ++k) out.global[L[k]] = partial ? x[g + k] : out.segment.row(L[k]).mean();
  return out;
}

TEST(SegmentsPooling, GlobalColumnsSchurSolveEqualsDirectStackedSolve) {
  for (Pooling pooling : {Pooling::kNone, Pooling::kComplete, Pooling::kPartial}) {
    for (unsigned seed : {1u, 2u, 3u}) {
      for (const std::vector<int>& G : std::vector<std::vector<int>>{{0}, {1, 3}, {0, 2, 4}}) {
        const RawSegments d = random_raw(5, 5, 14, seed);
        PoolingPenalties pen;
        pen.lambda = 2.0;
        pen.lambda_global = 3.0;
        pen.lambda_segment = 7.5;
        pen.global_columns = G;
        ThreadPool pool(2);
        const PooledSolution schur = solve_pooled(d.blocks, pooling, pen, &pool);
        const PooledSolution direct = direct_with_globals(d, G, pooling, pen);
        ASSERT_TRUE(schur.ok);
        SCOPED_TRACE(std::string(pooling_name(pooling)) + " seed " + std::to_string(seed) +
                     " globals " + std::to_string(G.size()));
        EXPECT_LT((schur.global - direct.global).norm(), 1e-10 * direct.global.norm());
        EXPECT_LT((schur.segment - direct.segment).norm(), 1e-10 * direct.segment.norm());
        // A global column has one coefficient, bit for bit, in every segment and globally.
        for (int j : G) {
          for (int s = 0; s < 5; ++s) EXPECT_EQ(schur.segment(j, s), schur.global[j]);
        }
        // rss is the residual of the returned coefficients.
        for (int s = 0; s < 5; ++s) {
          const VectorXd r = d.y[s] - d.X[s] * schur.segment.col(s);
          EXPECT_NEAR(schur.rss[s], r.squaredNorm(), 1e-9 * d.blocks[s].yy);
        }
        // Same answer serially, bit for bit.
        const PooledSolution serial = solve_pooled(d.blocks, pooling, pen, nullptr);
        EXPECT_EQ(serial.segment, schur.segment);
        // The pooling factor of a global column reads 1.
        const PooledSolution none = solve_pooled(d.blocks, Pooling::kNone, pen);
        const VectorXd f = pooling_factor(schur, none);
        for (int j : G) EXPECT_EQ(f[j], 1.0);
      }
    }
  }
}

TEST(SegmentsPooling, AllColumnsGlobalIsCompletePooling) {
  const RawSegments d = random_raw(4, 3, 10, 8);
  PoolingPenalties pen;
  pen.lambda_global = 2.0;
  const PooledSolution complete = solve_pooled(d.blocks, Pooling::kComplete, pen);
  pen.global_columns = {0, 1, 2};
  for (Pooling pooling : {Pooling::kNone, Pooling::kPartial}) {
    const PooledSolution sol = solve_pooled(d.blocks, pooling, pen);
    ASSERT_TRUE(sol.ok);
    EXPECT_EQ(sol.segment, complete.segment);
    EXPECT_EQ(sol.global, complete.global);
  }
}

TEST(SegmentsPooling, GlobalColumnsWithFewerRowsThanParameters) {
  // T < p: every A_s is singular; the eliminated system stays positive definite.
  const RawSegments d = random_raw(4, 6, 3, 9);
  PoolingPenalties pen;
  pen.lambda = 1.5;
  pen.lambda_global = 1.0;
  pen.lambda_segment = 2.0;
  pen.global_columns = {1, 4};
  for (Pooling pooling : {Pooling::kNone, Pooling::kPartial}) {
    const PooledSolution schur = solve_pooled(d.blocks, pooling, pen);
    const PooledSolution direct = direct_with_globals(d, pen.global_columns, pooling, pen);
    ASSERT_TRUE(schur.ok);
    EXPECT_LT((schur.segment - direct.segment).norm(), 1e-9 * direct.segment.norm());
  }
}

}  // namespace
}  // namespace mmm
