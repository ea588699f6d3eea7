// Per-segment rolling time-series CV (host/segments/segment_cv, SPEC §6, §9): fold windows on
// each segment's own rows, the single-model CV where the two must agree, masked training rows,
// segments too short for a fold, and the out-of-sample error on data that follow the model.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/common/thread_pool.hpp"
#include "host/segments/segment_cv.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {
namespace {

using Eigen::VectorXd;

const std::vector<double> kHyper = {0.3, 1.2, 600.0, 0.1, 2.0, 250.0};

std::vector<Date> weekly_dates(int T) {
  std::vector<Date> d;
  const Date start = *parse_iso_date("2021-01-04");
  for (int t = 0; t < T; ++t) d.push_back(start.plus_days(7 * t));
  return d;
}

// Segments of the given lengths (all ending on the same week), two channels (tv, search).
// The KPI follows the model at kHyper: a level, segment-specific media effects of the
// transformed spend, and Normal noise of sd `noise`. `shared_spend`: every segment has the
// same spend (then, with equal lengths, the same design).
SegmentedData make_segments(const std::vector<int>& lengths, bool shared_spend, double noise,
                            unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  int longest = 0;
  for (int T : lengths) longest = std::max(longest, T);
  Eigen::MatrixXd common(longest, 2);
  for (int t = 0; t < longest; ++t) common.row(t) << 1000 * u(rng), 400 * u(rng);
  const std::vector<Date> all_dates = weekly_dates(longest);
  SegmentedData data;
  data.columns = {"geo"};
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int T = lengths[s];
    Dataset d;
    d.source = "test";
    d.dates.assign(all_dates.end() - T, all_dates.end());
    d.channels = {"tv", "search"};
    d.spend = common.bottomRows(T);
    if (!shared_spend) {
      for (int t = 0; t < T; ++t) d.spend.row(t) << 1000 * u(rng) * (1 + 0.3 * s), 400 * u(rng);
    }
    d.control_values.resize(T, 0);
    const Eigen::MatrixXd h = transform_media(d.spend, kHyper.data());
    d.kpi.resize(T);
    for (int t = 0; t < T; ++t) {
      d.kpi[t] = 5000 + 300 * s + (2000 + 150 * s) * h(t, 0) + 800 * h(t, 1) + noise * z(rng);
    }
    data.names.push_back("G" + std::to_string(s));
    data.values.push_back({data.names.back()});
    data.segments.push_back(d);
  }
  return data;
}

SegmentProblem make_problem(const SegmentedData& data, Pooling pooling) {
  PoolingPenalties pen;
  pen.lambda = 10.0;
  pen.lambda_global = 10.0;
  pen.lambda_segment = 100.0;
  return make_segment_problem(data, pooling, pen);
}

void expect_metrics_near(const RegressionMetrics& a, const RegressionMetrics& b, double rel,
                         const std::string& what) {
  auto near = [&](double x, double y, const char* name) {
    EXPECT_NEAR(x, y, rel * (std::abs(y) + 1e-12)) << what << " " << name;
  };
  near(a.r2, b.r2, "r2");
  near(a.rmse, b.rmse, "rmse");
  near(a.mae, b.mae, "mae");
  near(a.mape, b.mape, "mape");
  near(a.nrmse, b.nrmse, "nrmse");
}

TEST(SegmentsCv, PlanLaysFoldsOnEachSegmentsOwnRows) {
  // 91 rows: 3 folds (starts 0, 13, 26); 65 rows: 1 fold; 40 rows: none.
  const SegmentProblem prob =
      make_problem(make_segments({91, 65, 40}, false, 50, 1), Pooling::kPartial);
  const SegmentCvPlan plan = plan_segment_cv(prob, CvOptions{});
  ASSERT_EQ(plan.folds.size(), 3u);
  EXPECT_EQ(plan.folds[0].segments, (std::vector<int>{0, 1}));
  EXPECT_EQ(plan.folds[1].segments, (std::vector<int>{0}));
  EXPECT_EQ(plan.folds[2].segments, (std::vector<int>{0}));
  EXPECT_EQ(plan.folds[2].index, 3);
  const CvFold& w = plan.folds[1].windows[0];
  EXPECT_EQ(w.train_begin, 13);
  EXPECT_EQ(w.train_end, 65);
  EXPECT_EQ(w.test_begin, 65);
  EXPECT_EQ(w.test_end, 78);
  EXPECT_EQ(plan.folds[0].windows[1].test_end, 65);  // the 65-row segment's only fold
  EXPECT_EQ(plan.work(3), 3 + 2 + 1 + 1);
  EXPECT_THROW(plan_segment_cv(prob, CvOptions{52, 13, 0}), InputError);
  EXPECT_THROW(plan_segment_cv(prob, CvOptions{1, 13, 13}), InputError);
}

TEST(SegmentsCv, NoneEqualsSingleModelCvWhenSegmentsShareTheDesign) {
  // Same spend and dates (so controls) in every segment, and the same training rows in every
  // fold: the pooled σ of the training rows is each segment's own, so under pooling none
  // every fold is exactly the single model's fold of that segment (see SegmentsModel.
  // NoneEqualsSeparateSingleFitsWhenSegmentsShareTheDesign for the full-data fit).
  const SegmentProblem prob =
      make_problem(make_segments({117, 117, 117}, true, 400, 2), Pooling::kNone);
  ThreadPool pool(2);
  const SegmentCvReport cv =
      cross_validate_segments(prob, kHyper.data(), 0, plan_segment_cv(prob, CvOptions{}), &pool);
  ASSERT_FALSE(cv.skipped);
  ASSERT_EQ(cv.pooled_folds.size(), 5u);
  for (int s = 0; s < 3; ++s) {
    cpu::CpuEvaluator ev(prob.segments[s], 1);
    const CvReport single = cross_validate(prob.segments[s], kHyper, CvOptions{}, ev);
    ASSERT_EQ(cv.segment_folds[s].size(), single.folds.size());
    for (size_t k = 0; k < single.folds.size(); ++k) {
      const CvFold& a = cv.segment_folds[s][k];
      EXPECT_EQ(a.index, single.folds[k].index);
      EXPECT_EQ(a.train_begin, single.folds[k].train_begin);
      EXPECT_EQ(a.test_end, single.folds[k].test_end);
      expect_metrics_near(a.metrics, single.folds[k].metrics, 1e-8,
                          "segment " + std::to_string(s) + " fold " + std::to_string(k + 1));
    }
    expect_metrics_near(cv.segment_mean[s], single.mean, 1e-8, "mean");
    expect_metrics_near(cv.segment_stdev[s], single.stdev, 1e-6, "stdev");
    expect_metrics_near(cv.segment_in_sample[s], single.in_sample, 1e-8, "in sample");
    EXPECT_NEAR(cv.segment_mape(s), single.mean.mape, 1e-8 * single.mean.mape);
  }
  // Pooled folds: equal test lengths, so the pooled MAE is the mean of the segments' MAEs and
  // the pooled MSE the mean of their MSEs.
  for (size_t k = 0; k < cv.pooled_folds.size(); ++k) {
    double mae = 0, mse = 0, mape = 0;
    for (int s = 0; s < 3; ++s) {
      mae += cv.segment_folds[s][k].metrics.mae / 3;
      mse += std::pow(cv.segment_folds[s][k].metrics.rmse, 2) / 3;
      mape += cv.segment_folds[s][k].metrics.mape / 3;
    }
    EXPECT_EQ(cv.pooled_folds[k].segments, 3);
    EXPECT_NEAR(cv.pooled_folds[k].metrics.mae, mae, 1e-10 * mae);
    EXPECT_NEAR(cv.pooled_folds[k].metrics.rmse, std::sqrt(mse), 1e-10 * std::sqrt(mse));
    EXPECT_NEAR(cv.pooled_folds[k].metrics.mape, mape, 1e-10 * mape);
  }
  // Segments in parallel or not: the same figures.
  const SegmentCvReport serial =
      cross_validate_segments(prob, kHyper.data(), 0, plan_segment_cv(prob, CvOptions{}), nullptr);
  EXPECT_EQ(serial.pooled_mean.mape, cv.pooled_mean.mape);
  EXPECT_EQ(serial.segment_folds[2][4].metrics.rmse, cv.segment_folds[2][4].metrics.rmse);
}

TEST(SegmentsCv, TestRowsNeverEnterTheFit) {
  const SegmentedData data = make_segments({104, 104, 104}, false, 100, 3);
  const SegmentProblem prob = make_problem(data, Pooling::kPartial);
  const SegmentCvPlan plan = plan_segment_cv(prob, CvOptions{});
  const SegmentFoldPlan& fold = plan.folds[0];  // trains on rows [0, 52)
  const SegmentFoldFit a = fit_segment_fold(prob, kHyper.data(), 0, fold, nullptr);
  ASSERT_TRUE(a.ok);
  // Any KPI after the training window (the test rows and beyond) leaves the fit unchanged.
  SegmentProblem changed = prob;
  for (ModelData& m : changed.segments) m.y.tail(m.rows() - 52).array() *= 3.0;
  const SegmentFoldFit b = fit_segment_fold(changed, kHyper.data(), 0, fold, nullptr);
  for (int s = 0; s < 3; ++s) {
    EXPECT_LT((a.coef[s] - b.coef[s]).norm(), 1e-12 * a.coef[s].norm()) << s;
    EXPECT_NEAR(a.intercept[s], b.intercept[s], 1e-12 * std::abs(a.intercept[s])) << s;
  }
  // A training row does move it (so the check above could fail).
  SegmentProblem moved = prob;
  moved.segments[1].y[10] += 5000;
  const SegmentFoldFit c = fit_segment_fold(moved, kHyper.data(), 0, fold, nullptr);
  EXPECT_GT((a.coef[1] - c.coef[1]).norm(), 1e-6 * a.coef[1].norm());
  // The media transforms run over the whole series: spend before fold 2's window (row 5,
  // not a training row of it) still reaches its training rows through adstock.
  const SegmentFoldPlan& fold2 = plan.folds[1];  // trains on rows [13, 65)
  const SegmentFoldFit d = fit_segment_fold(prob, kHyper.data(), 0, fold2, nullptr);
  const SegmentedData early = [&] {
    SegmentedData e = data;
    e.segments[0].spend(12, 0) += 5000;
    return e;
  }();
  const SegmentFoldFit e =
      fit_segment_fold(make_problem(early, Pooling::kPartial), kHyper.data(), 0, fold2, nullptr);
  EXPECT_GT((d.coef[0] - e.coef[0]).norm(), 1e-6 * d.coef[0].norm());
}

TEST(SegmentsCv, ShortSegmentsSitFoldsOut) {
  // 40 rows: no fold; 91 rows: folds 1–3; 65 rows: fold 1 only.
  const SegmentedData data = make_segments({40, 91, 65}, false, 50, 4);
  const SegmentProblem prob = make_problem(data, Pooling::kPartial);
  const SegmentCvPlan plan = plan_segment_cv(prob, CvOptions{});
  const SegmentCvReport cv = cross_validate_segments(prob, kHyper.data(), 0, plan, nullptr);
  ASSERT_FALSE(cv.skipped);
  EXPECT_TRUE(cv.segment_folds[0].empty());
  EXPECT_EQ(cv.segment_folds[1].size(), 3u);
  EXPECT_EQ(cv.segment_folds[2].size(), 1u);
  EXPECT_TRUE(std::isnan(cv.segment_mape(0)));
  EXPECT_TRUE(std::isfinite(cv.segment_in_sample[0].rmse));
  EXPECT_TRUE(std::isfinite(cv.segment_mape(2)));
  ASSERT_EQ(cv.notices.size(), 1u);
  EXPECT_NE(cv.notices[0].find("1 of 3 segments"), std::string::npos) << cv.notices[0];
  EXPECT_EQ(cv.pooled_folds[0].segments, 2);
  EXPECT_EQ(cv.pooled_folds[1].segments, 1);
  // Fold 2 has segment 1 alone: the same fit as a problem made of segment 1 only.
  SegmentedData only = data;
  only.segments = {data.segments[1]};
  only.names = {data.names[1]};
  only.values = {data.values[1]};
  const SegmentProblem alone = make_problem(only, Pooling::kPartial);
  SegmentFoldPlan fold2_alone = plan.folds[1];
  fold2_alone.segments = {0};
  const SegmentFoldFit a = fit_segment_fold(prob, kHyper.data(), 0, plan.folds[1], nullptr);
  const SegmentFoldFit b = fit_segment_fold(alone, kHyper.data(), 0, fold2_alone, nullptr);
  ASSERT_EQ(a.coef.size(), 1u);
  EXPECT_LT((a.coef[0] - b.coef[0]).norm(), 1e-12 * b.coef[0].norm());
  EXPECT_NEAR(a.intercept[0], b.intercept[0], 1e-12 * std::abs(b.intercept[0]));
  // With per-segment hyperparameters (stride 3C) fold 2 takes segment 1's block.
  const std::vector<double> other = {0.5, 1.0, 300.0, 0.2, 1.5, 100.0};
  std::vector<double> per_segment = kHyper;
  per_segment.insert(per_segment.end(), other.begin(), other.end());
  per_segment.insert(per_segment.end(), kHyper.begin(), kHyper.end());
  const SegmentFoldFit c = fit_segment_fold(prob, per_segment.data(), 6, plan.folds[1], nullptr);
  const SegmentFoldFit d = fit_segment_fold(alone, other.data(), 0, fold2_alone, nullptr);
  EXPECT_LT((c.coef[0] - d.coef[0]).norm(), 1e-12 * d.coef[0].norm());
  EXPECT_GT((c.coef[0] - a.coef[0]).norm(), 1e-6 * a.coef[0].norm());
}

TEST(SegmentsCv, SkippedWhenNoSegmentIsLongEnough) {
  const SegmentProblem prob =
      make_problem(make_segments({40, 50}, false, 50, 5), Pooling::kComplete);
  const SegmentCvPlan plan = plan_segment_cv(prob, CvOptions{});
  EXPECT_TRUE(plan.folds.empty());
  const SegmentCvReport cv = cross_validate_segments(prob, kHyper.data(), 0, plan, nullptr);
  EXPECT_TRUE(cv.skipped);
  EXPECT_TRUE(std::isnan(cv.mape()));
  ASSERT_EQ(cv.notices.size(), 1u);
  EXPECT_NE(cv.notices[0].find("cross-validation skipped"), std::string::npos);
  EXPECT_NE(cv.notices[0].find("the longest has 50"), std::string::npos) << cv.notices[0];
  EXPECT_GT(cv.pooled_in_sample.r2, 0.5);
  // Shorter windows make it run.
  const SegmentCvReport short_windows = cross_validate_segments(
      prob, kHyper.data(), 0, plan_segment_cv(prob, CvOptions{26, 6, 6}), nullptr);
  EXPECT_FALSE(short_windows.skipped);
  EXPECT_EQ(short_windows.segment_folds[1].size(), 4u);  // starts 0, 6, 12, 18: 18 + 32 ≤ 50
}

TEST(SegmentsCv, ModelDataGiveSmallOutOfSampleError) {
  // The KPI follows the model at the hyperparameters used: noise sd 100 on a level of
  // ~6000–8000, so the test MAPE is about 1%.
  const SegmentProblem prob =
      make_problem(make_segments({156, 130, 117, 156}, false, 100, 6), Pooling::kPartial);
  ThreadPool pool(2);
  long last = 0;
  const SegmentCvPlan plan = plan_segment_cv(prob, CvOptions{});
  const SegmentCvReport cv =
      cross_validate_segments(prob, kHyper.data(), 0, plan, &pool, [&](long done) { last = done; });
  EXPECT_EQ(last, plan.work(4));
  ASSERT_EQ(cv.pooled_folds.size(), 8u);
  EXPECT_EQ(cv.scored_folds(), 8);
  EXPECT_TRUE(std::isfinite(cv.mape()));
  EXPECT_GT(cv.mape(), 0.002);
  EXPECT_LT(cv.mape(), 0.03);
  EXPECT_GT(cv.pooled_mean.r2, 0.5);
  for (int s = 0; s < 4; ++s) {
    EXPECT_LT(cv.segment_mape(s), 0.03) << s;
    EXPECT_GT(cv.segment_in_sample[s].r2, 0.9) << s;
  }
  EXPECT_NEAR(cv.mape_stdev(), cv.pooled_stdev.mape, 0.0);
}

}  // namespace
}  // namespace mmm
