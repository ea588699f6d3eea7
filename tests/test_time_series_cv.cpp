// Rolling-window cross-validation and regression metrics (SPEC §6): fold windows, metrics on
// hand-computed vectors, and CV with the CPU evaluator on data whose KPI is an exact linear
// function of the transformed media and the controls.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/regression_metrics.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {
namespace {

void expect_fold(const CvFold& f, int index, int train_begin, int train_end, int test_begin,
                 int test_end) {
  EXPECT_EQ(f.index, index);
  EXPECT_EQ(f.train_begin, train_begin);
  EXPECT_EQ(f.train_end, train_end);
  EXPECT_EQ(f.test_begin, test_begin);
  EXPECT_EQ(f.test_end, test_end);
}

TEST(TimeSeriesCv, DefaultWindowsFor104Weeks) {
  const std::vector<CvFold> folds = make_folds(104, CvOptions{});
  ASSERT_EQ(folds.size(), 4u);
  expect_fold(folds[0], 1, 0, 52, 52, 65);
  expect_fold(folds[1], 2, 13, 65, 65, 78);
  expect_fold(folds[2], 3, 26, 78, 78, 91);
  expect_fold(folds[3], 4, 39, 91, 91, 104);
}

TEST(TimeSeriesCv, FoldCountAtTheEdges) {
  EXPECT_TRUE(make_folds(64, CvOptions{}).empty());
  EXPECT_TRUE(make_folds(0, CvOptions{}).empty());
  ASSERT_EQ(make_folds(65, CvOptions{}).size(), 1u);
  EXPECT_EQ(make_folds(77, CvOptions{}).size(), 1u);
  EXPECT_EQ(make_folds(78, CvOptions{}).size(), 2u);
  EXPECT_EQ(make_folds(103, CvOptions{}).size(), 3u);
  // A step shorter than the test window overlaps test windows.
  const std::vector<CvFold> f = make_folds(20, CvOptions{10, 4, 3});
  ASSERT_EQ(f.size(), 3u);
  expect_fold(f[2], 3, 6, 16, 16, 20);
}

TEST(TimeSeriesCv, InvalidWindowsAreInputErrors) {
  EXPECT_THROW(make_folds(104, CvOptions{1, 13, 13}), InputError);
  EXPECT_THROW(make_folds(104, CvOptions{52, 0, 13}), InputError);
  EXPECT_THROW(make_folds(104, CvOptions{52, 13, 0}), InputError);
  EXPECT_THROW(make_folds(104, CvOptions{52, -1, 13}), InputError);
  try {
    make_folds(104, CvOptions{52, 13, 0});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("--cv-step 0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("step ≥ 1"), std::string::npos) << msg;
  }
}

TEST(RegressionMetrics, HandComputedValues) {
  Eigen::VectorXd y(4), pred(4);
  y << 1, 2, 3, 4;
  pred << 1.5, 2, 2.5, 5;
  // errors −0.5, 0, 0.5, −1: SS_res = 1.5, SS_tot = 5.
  const RegressionMetrics m = regression_metrics(y, pred);
  EXPECT_NEAR(m.r2, 0.7, 1e-15);
  EXPECT_NEAR(m.rmse, std::sqrt(0.375), 1e-15);
  EXPECT_NEAR(m.mae, 0.5, 1e-15);
  EXPECT_NEAR(m.mape, (0.5 + 0.0 + 0.5 / 3.0 + 0.25) / 4.0, 1e-15);
  EXPECT_NEAR(m.nrmse, std::sqrt(0.375) / 3.0, 1e-15);
}

TEST(RegressionMetrics, MapeMasksZeroKpiRows) {
  Eigen::VectorXd y(3), pred(3);
  y << 0, 2, 4;
  pred << 1, 2, 3;
  const RegressionMetrics m = regression_metrics(y, pred);
  EXPECT_NEAR(m.mape, (0.0 + 0.25) / 2.0, 1e-15);  // the y = 0 row is left out
  EXPECT_NEAR(m.mae, 2.0 / 3.0, 1e-15);            // but counts for MAE
  EXPECT_NEAR(m.rmse, std::sqrt(2.0 / 3.0), 1e-15);
  EXPECT_NEAR(m.nrmse, std::sqrt(2.0 / 3.0) / 4.0, 1e-15);
  EXPECT_NEAR(m.r2, 1.0 - 2.0 / 8.0, 1e-15);
}

TEST(RegressionMetrics, PerfectFitAndDegenerateCases) {
  Eigen::VectorXd y(3);
  y << -2, 5, 11;
  const RegressionMetrics perfect = regression_metrics(y, y);
  EXPECT_EQ(perfect.r2, 1.0);
  EXPECT_EQ(perfect.rmse, 0.0);
  EXPECT_EQ(perfect.mae, 0.0);
  EXPECT_EQ(perfect.mape, 0.0);
  EXPECT_EQ(perfect.nrmse, 0.0);
  // Constant y: R² and NRMSE undefined; all-zero y: MAPE undefined.
  const Eigen::VectorXd flat = Eigen::VectorXd::Constant(3, 2.0);
  const RegressionMetrics c = regression_metrics(flat, y);
  EXPECT_TRUE(std::isnan(c.r2));
  EXPECT_TRUE(std::isnan(c.nrmse));
  EXPECT_FALSE(std::isnan(c.rmse));
  EXPECT_TRUE(std::isnan(regression_metrics(Eigen::VectorXd::Zero(3), y).mape));
}

/// T weekly rows, two channels, the default controls; y = 500 + 40 h₁ + 25 h₂ + Z·β exactly.
struct LinearProblem {
  ModelData data;
  std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};
  std::vector<double> coef;  // media then controls
  double intercept = 500.0;
};

LinearProblem linear_problem(int T) {
  LinearProblem p;
  PhiloxStream rng(2024, 1u);
  p.data.spend.resize(T, 2);
  for (int t = 0; t < T; ++t) {
    p.data.spend(t, 0) = rng.uniform(0.0, 120.0);
    p.data.spend(t, 1) = rng.uniform(0.0, 300.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  p.data.controls = default_controls(dates).values;
  p.coef = {40.0, 25.0, 3.0, 4.0, -2.0, 1.5, 0.5, -1.0, 0.25, 6.0, -3.0};
  p.data.y = Eigen::VectorXd::Zero(T);
  p.data.y = predict_kpi(p.data, p.hyper.data(), p.coef.data(), p.intercept);
  p.data.ridge_lambda = 1e-8;
  return p;
}

TEST(TimeSeriesCv, ExactLinearKpiGivesPerfectFolds) {
  const LinearProblem p = linear_problem(104);
  cpu::CpuEvaluator evaluator(p.data, 1);
  const CvReport r = cross_validate(p.data, p.hyper, CvOptions{}, evaluator);
  EXPECT_FALSE(r.skipped);
  EXPECT_TRUE(r.notice.empty());
  ASSERT_EQ(r.folds.size(), 4u);
  const double y_scale = p.data.y.cwiseAbs().maxCoeff();
  for (const CvFold& f : r.folds) {
    EXPECT_GT(f.metrics.r2, 1.0 - 1e-6) << "fold " << f.index;
    EXPECT_LT(f.metrics.rmse, 1e-5 * y_scale) << "fold " << f.index;
    EXPECT_LT(f.metrics.mape, 1e-6) << "fold " << f.index;
    EXPECT_LE(f.metrics.mae, f.metrics.rmse + 1e-12);
  }
  EXPECT_EQ(r.folds[3].test_end, 104);
  EXPECT_GT(r.mean.r2, 1.0 - 1e-6);
  EXPECT_LT(r.stdev.r2, 1e-6);
  EXPECT_GE(r.stdev.r2, 0.0);
  EXPECT_GT(r.in_sample.r2, 1.0 - 1e-9);
  EXPECT_LT(r.in_sample.rmse, 1e-6 * y_scale);
  EXPECT_LT(r.in_sample.mape, 1e-8);
  // The mean really is the mean over folds.
  double mean_mae = 0.0;
  for (const CvFold& f : r.folds) mean_mae += f.metrics.mae / 4.0;
  EXPECT_NEAR(r.mean.mae, mean_mae, 1e-12 * (1.0 + mean_mae));
}

TEST(TimeSeriesCv, FoldsScoreOnlyTheirTestRows) {
  // Break the linear relation after row 80: folds whose training window is clean but whose
  // test rows reach past 80 get a worse score; the first fold (test 52–65) stays perfect.
  LinearProblem p = linear_problem(104);
  for (int t = 80; t < 104; ++t) p.data.y(t) += (t % 2 ? 300.0 : -300.0);
  cpu::CpuEvaluator evaluator(p.data, 1);
  const CvReport r = cross_validate(p.data, p.hyper, CvOptions{}, evaluator);
  ASSERT_EQ(r.folds.size(), 4u);
  EXPECT_GT(r.folds[0].metrics.r2, 1.0 - 1e-6);
  EXPECT_LT(r.folds[2].metrics.r2, 0.99);  // test rows 78–91
  EXPECT_LT(r.in_sample.r2, 0.999);
  EXPECT_GT(r.stdev.rmse, 0.0);
}

TEST(TimeSeriesCv, TooFewRowsSkipsWithNoticeButKeepsInSample) {
  const LinearProblem p = linear_problem(60);
  cpu::CpuEvaluator evaluator(p.data, 1);
  const CvReport r = cross_validate(p.data, p.hyper, CvOptions{}, evaluator);
  EXPECT_TRUE(r.skipped);
  EXPECT_TRUE(r.folds.empty());
  EXPECT_NE(r.notice.find("cross-validation skipped"), std::string::npos) << r.notice;
  EXPECT_NE(r.notice.find("60 rows"), std::string::npos) << r.notice;
  EXPECT_NE(r.notice.find("65"), std::string::npos) << r.notice;
  EXPECT_GT(r.in_sample.r2, 1.0 - 1e-9);
}

TEST(TimeSeriesCv, CustomWindowsWithSeveralThreads) {
  const LinearProblem p = linear_problem(80);
  cpu::CpuEvaluator evaluator(p.data, 2);
  const CvReport r = cross_validate(p.data, p.hyper, CvOptions{40, 10, 5}, evaluator);
  ASSERT_EQ(r.folds.size(), 7u);  // starts 0, 5, …, 30
  expect_fold(r.folds[6], 7, 30, 70, 70, 80);
  for (const CvFold& f : r.folds) EXPECT_GT(f.metrics.r2, 1.0 - 1e-6) << "fold " << f.index;
}

// Forwards to the CPU evaluator and records the size of every call.
class RecordingEvaluator : public Evaluator {
 public:
  RecordingEvaluator(const ModelData& data, int rows) : inner_(data, 1), rows_(rows) {}
  void evaluate(const CandidateBatch& batch, const RowWeights& weights, BatchResult& out) override {
    counts.push_back(batch.count);
    weight_counts.push_back(weights.count);
    max_weight_bytes =
        std::max(max_weight_bytes, static_cast<std::size_t>(weights.count) *
                                       static_cast<std::size_t>(rows_) * sizeof(double));
    inner_.evaluate(batch, weights, out);
  }
  std::string name() const override { return "recording"; }
  std::vector<int> counts, weight_counts;
  std::size_t max_weight_bytes = 0;

 private:
  cpu::CpuEvaluator inner_;
  int rows_;
};

void expect_same_metrics(const RegressionMetrics& a, const RegressionMetrics& b,
                         const std::string& what) {
  EXPECT_EQ(a.rmse, b.rmse) << what;
  EXPECT_EQ(a.mae, b.mae) << what;
  EXPECT_EQ(a.mape, b.mape) << what;
  EXPECT_EQ(a.nrmse, b.nrmse) << what;
  EXPECT_EQ(a.r2, b.r2) << what;
}

TEST(TimeSeriesCv, ChunkedFoldsGiveTheOneBatchResultsExactly) {
  // Noisy KPI so that the folds differ; 12 candidates (full fit + 11 folds) in chunks of 5.
  LinearProblem p = linear_problem(80);
  for (int t = 0; t < 80; ++t) p.data.y(t) += 5.0 * std::sin(0.7 * t);
  const CvOptions one{40, 10, 3};
  ASSERT_EQ(make_folds(80, one).size(), 11u);
  RecordingEvaluator whole(p.data, 80);
  const CvReport a = cross_validate(p.data, p.hyper, one, whole);
  EXPECT_EQ(whole.counts, std::vector<int>{12});
  CvOptions chunked = one;
  chunked.chunk = 5;
  RecordingEvaluator parts(p.data, 80);
  const CvReport b = cross_validate(p.data, p.hyper, chunked, parts);
  EXPECT_EQ(parts.counts, (std::vector<int>{5, 5, 2}));
  EXPECT_EQ(parts.weight_counts, parts.counts);
  ASSERT_EQ(a.folds.size(), b.folds.size());
  for (size_t f = 0; f < a.folds.size(); ++f) {
    expect_same_metrics(a.folds[f].metrics, b.folds[f].metrics, "fold " + std::to_string(f + 1));
  }
  expect_same_metrics(a.in_sample, b.in_sample, "in-sample");
  expect_same_metrics(a.mean, b.mean, "mean");
  expect_same_metrics(a.stdev, b.stdev, "stdev");
  EXPECT_LT(a.mean.r2, 1.0 - 1e-6);  // the noise really moves the folds
}

TEST(TimeSeriesCv, ChunkSizeBoundsTheWeightsOfEveryCall) {
  // Long series: 64 MiB of weights at most per call, 256 candidates at most, at least one.
  EXPECT_EQ(cv_chunk_size(100, CvOptions{}), kCvMaxChunkFolds);
  EXPECT_EQ(cv_chunk_size(200000, CvOptions{}), 41);  // 41 × 200,000 × 8 B ≤ 64 MiB < 42 × …
  EXPECT_EQ(cv_chunk_size(1000000, CvOptions{}), 8);
  EXPECT_EQ(cv_chunk_size(kMaxCvWindowRows * 20, CvOptions{}), 1);
  for (int rows : {1, 52, 65, 1000, 32768, 32769, 200000, 1000000, 50000000}) {
    const std::size_t bytes =
        static_cast<std::size_t>(cv_chunk_size(rows, CvOptions{})) * rows * sizeof(double);
    EXPECT_TRUE(bytes <= kCvMaxChunkWeightBytes || cv_chunk_size(rows, CvOptions{}) == 1) << rows;
    EXPECT_LE(cv_chunk_size(rows, CvOptions{}), kCvMaxChunkFolds) << rows;
  }
  // A real run: 2,000 rows with step 1 are 1,936 folds; every call stays within the bound.
  const LinearProblem p = linear_problem(2000);
  RecordingEvaluator ev(p.data, 2000);
  const CvReport r = cross_validate(p.data, p.hyper, CvOptions{52, 13, 1}, ev);
  ASSERT_EQ(r.folds.size(), 1936u);
  EXPECT_EQ(ev.counts.size(), 8u);  // 1,937 candidates in chunks of 256
  for (int c : ev.counts) EXPECT_LE(c, kCvMaxChunkFolds);
  EXPECT_LE(ev.max_weight_bytes, kCvMaxChunkWeightBytes);
  EXPECT_EQ(ev.max_weight_bytes, std::size_t{256} * 2000 * sizeof(double));
}

}  // namespace
}  // namespace mmm
