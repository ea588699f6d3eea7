// The segment model (SPEC §9) against the single-model code where the two must agree: none
// as separate fits, complete as one ridge on stacked rows, row weights and the bootstrap.

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
using test::kWeeks;
using test::make_segments;
using test::weekly_dates;

const std::vector<double> kHyper = {0.3, 1.2, 600.0, 0.1, 2.0, 250.0};

// The single-model fit (scikit-learn parity path) of one segment.
BatchResult single_fit(const ModelData& m) {
  cpu::CpuEvaluator ev(m, 1);
  BatchResult r;
  ev.evaluate(CandidateBatch{1, m.channels(), kHyper.data()}, RowWeights{}, r);
  return r;
}

TEST(SegmentsModel, NoneEqualsSeparateSingleFitsWhenSegmentsShareTheDesign) {
  // With the same spend and controls in every segment, the pooled within-segment σ is each
  // segment's own σ, so pooling none is exactly the single model of each segment.
  const SegmentedData data = make_segments(3, true, 11);
  PoolingPenalties pen;
  pen.lambda = 10.0;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kNone, pen);
  ThreadPool pool(2);
  const SegmentDesign design = build_segment_design(prob, kHyper.data(), &pool);
  const SegmentFit fit = fit_segment_design(prob, design, Pooling::kNone, &pool);
  for (int s = 0; s < 3; ++s) {
    const BatchResult single = single_fit(prob.segments[s]);
    for (int j = 0; j < prob.parameters(); ++j) {
      EXPECT_NEAR(fit.solution.segment(j, s) / design.scale[j], single.coef[j],
                  1e-8 * (std::abs(single.coef[j]) + 1e-6))
          << "segment " << s << " column " << j;
    }
    EXPECT_NEAR(fit.r2[s], single.r2[0], 1e-10);
  }
}

TEST(SegmentsModel, NoneEqualsRidgeOnEachSegmentWithPooledScale) {
  // In general (different designs) none is each segment's ridge on its centred columns
  // divided by the pooled σ: check against a direct dense solve.
  const SegmentedData data = make_segments(3, false, 12);
  PoolingPenalties pen;
  pen.lambda = 4.0;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kNone, pen);
  const SegmentDesign design = build_segment_design(prob, kHyper.data(), nullptr);
  const SegmentFit fit = fit_segment_design(prob, design, Pooling::kNone, nullptr);
  const int p = prob.parameters();
  for (int s = 0; s < 3; ++s) {
    const ModelData& m = prob.segments[s];
    MatrixXd X(m.rows(), p);
    X.leftCols(2) = transform_media(m.spend, kHyper.data());
    X.rightCols(m.control_count()) = m.controls;
    X.rowwise() -= X.colwise().mean();
    X = X * design.scale.cwiseInverse().asDiagonal();
    const VectorXd y = m.y.array() - m.y.mean();
    const VectorXd b =
        (X.transpose() * X + 4.0 * MatrixXd::Identity(p, p)).ldlt().solve(X.transpose() * y);
    EXPECT_LT((fit.solution.segment.col(s) - b).norm(), 1e-9 * b.norm());
  }
}

TEST(SegmentsModel, CompleteEqualsSingleRidgeOnStackedCentredRows) {
  const SegmentedData data = make_segments(4, false, 13);
  PoolingPenalties pen;
  pen.lambda_global = 7.0;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kComplete, pen);
  const SegmentDesign design = build_segment_design(prob, kHyper.data(), nullptr);
  const SegmentFit fit = fit_segment_design(prob, design, Pooling::kComplete, nullptr);
  // The single model's ridge (solve_ridge_from_gram, scikit-learn parity) on the stacked rows,
  // each segment's columns and KPI centred on its own means.
  const int p = prob.parameters();
  MatrixXd M(prob.total_rows(), p + 2);
  long row = 0;
  for (const ModelData& m : prob.segments) {
    MatrixXd X(m.rows(), p);
    X.leftCols(2) = transform_media(m.spend, kHyper.data());
    X.rightCols(m.control_count()) = m.controls;
    X.rowwise() -= X.colwise().mean();
    M.block(row, 0, m.rows(), 1).setOnes();
    M.block(row, 1, m.rows(), p) = X;
    M.block(row, p + 1, m.rows(), 1) = m.y.array() - m.y.mean();
    row += m.rows();
  }
  const MatrixXd G = M.transpose() * M;
  std::vector<double> work(gram_ridge_work_size(p)), coef(p), scaled(p);
  double r2 = 0;
  solve_ridge_from_gram(
      G.data(), p + 2, GramRidgeShape{p, 2, 7.0, 10.0}, work.data(),
      GramRidgeOutput{scaled.data(), coef.data(), nullptr, nullptr, nullptr, &r2});
  for (int j = 0; j < p; ++j) {
    EXPECT_NEAR(fit.solution.global[j], scaled[j], 1e-8 * (std::abs(scaled[j]) + 1e-6)) << j;
    for (int s = 0; s < 4; ++s) EXPECT_EQ(fit.solution.segment(j, s), fit.solution.global[j]);
  }
  EXPECT_NEAR(fit.r2_pooled, r2, 1e-10);
}

TEST(SegmentsModel, CompleteEqualsSingleModelOnMeanAndSummedKpiWhenDesignsAgree) {
  // Same spend and controls everywhere: complete pooling at λ_g equals the single model fitted
  // on the segment-mean KPI at λ_g / S, and 1/S × the single model on the summed KPI at λ_g / S.
  const int S = 4;
  const SegmentedData data = make_segments(S, true, 14);
  PoolingPenalties pen;
  pen.lambda_global = 8.0;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kComplete, pen);
  const SegmentDesign design = build_segment_design(prob, kHyper.data(), nullptr);
  const SegmentFit fit = fit_segment_design(prob, design, Pooling::kComplete, nullptr);
  ModelData summed = prob.segments[0];
  summed.y.setZero();
  for (const ModelData& m : prob.segments) summed.y += m.y;
  summed.ridge_lambda = 8.0 / S;
  ModelData mean = summed;
  mean.y /= S;
  const BatchResult on_mean = single_fit(mean);
  const BatchResult on_sum = single_fit(summed);
  for (int j = 0; j < prob.parameters(); ++j) {
    const double c = fit.solution.global[j] / design.scale[j];
    EXPECT_NEAR(c, on_mean.coef[j], 1e-8 * (std::abs(c) + 1e-6)) << j;
    EXPECT_NEAR(S * c, on_sum.coef[j], 1e-8 * (std::abs(S * c) + 1e-6)) << j;
  }
}

TEST(SegmentsModel, PoolingOrdersTheFitAndRecoversTruth) {
  const SegmentedData data = make_segments(5, false, 15);
  PoolingPenalties pen;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kPartial, pen);
  const SegmentDesign design = build_segment_design(prob, kHyper.data(), nullptr);
  const double r2_none = fit_segment_design(prob, design, Pooling::kNone, nullptr).r2_pooled;
  const double r2_partial = fit_segment_design(prob, design, Pooling::kPartial, nullptr).r2_pooled;
  const double r2_complete =
      fit_segment_design(prob, design, Pooling::kComplete, nullptr).r2_pooled;
  // More freedom fits the training rows at least as well (same penalty scale).
  EXPECT_GE(r2_none + 1e-9, r2_partial);
  EXPECT_GE(r2_partial + 1e-9, r2_complete);
  EXPECT_GT(r2_complete, 0.3);
  EXPECT_TRUE(std::isfinite(segment_loss(prob, kHyper.data(), nullptr)));
}

TEST(SegmentsModel, UnitRowWeightsEqualTheUnweightedDesign) {
  const SegmentedData data = make_segments(3, false, 16);
  PoolingPenalties pen;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kPartial, pen);
  std::vector<VectorXd> ones;
  for (const ModelData& m : prob.segments) ones.push_back(VectorXd::Ones(m.rows()));
  const SegmentDesign a = build_segment_design(prob, kHyper.data(), nullptr);
  const SegmentDesign b = build_segment_design(prob, kHyper.data(), nullptr, &ones);
  EXPECT_LT((a.scale - b.scale).norm(), 1e-12 * a.scale.norm());
  for (int s = 0; s < 3; ++s) {
    EXPECT_LT((a.blocks[s].A - b.blocks[s].A).norm(), 1e-10 * a.blocks[s].A.norm());
    EXPECT_LT((a.blocks[s].c - b.blocks[s].c).norm(), 1e-10 * a.blocks[s].c.norm());
  }
  // Zero weight on a row removes it: the weighted Gram equals the Gram without that row.
  std::vector<VectorXd> drop = ones;
  drop[1][7] = 0.0;
  const SegmentDesign c = build_segment_design(prob, kHyper.data(), nullptr, &drop);
  EXPECT_EQ(c.blocks[1].n, prob.segments[1].rows() - 1);
}

TEST(SegmentsModel, BootstrapIntervalsBracketTheEstimates) {
  const SegmentedData data = make_segments(4, false, 17);
  PoolingPenalties pen;
  const SegmentProblem prob = make_segment_problem(data, Pooling::kPartial, pen);
  SegmentBootstrapOptions o;
  o.resamples = 60;
  ThreadPool pool(2);
  const SegmentBootstrap a = bootstrap_segments(prob, kHyper.data(), o, &pool);
  const SegmentBootstrap b = bootstrap_segments(prob, kHyper.data(), o, nullptr);
  EXPECT_EQ(a.failed, 0);
  // Same seed, same resamples: identical on any thread count.
  EXPECT_LT((a.roi_lower - b.roi_lower).norm(), 1e-9 * a.roi_lower.norm());
  const SegmentDesign d = build_segment_design(prob, kHyper.data(), nullptr);
  const SegmentFit f = fit_segment_design(prob, d, Pooling::kPartial, nullptr);
  int inside = 0;
  for (int s = 0; s < 4; ++s) {
    for (int c = 0; c < 2; ++c) {
      const double coef = f.solution.segment(c, s) / d.scale[c];
      EXPECT_LT(a.coef_lower(s, c), a.coef_upper(s, c));
      inside += coef >= a.coef_lower(s, c) && coef <= a.coef_upper(s, c);
    }
  }
  EXPECT_GE(inside, 7);
  EXPECT_LT(a.global_roi_lower[0], a.global_roi_upper[0]);
}

}  // namespace
}  // namespace mmm
