// --objective cv (host/validation/cv_objective): the pooled out-of-sample error of every fold's
// training fit, against a direct computation (a ridge solved here with Eigen on each fold's
// training rows) and against cross_validate's own fold metrics; chunking does not change it.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/cv_objective.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {
namespace {

/// 80 weekly rows, two channels, the default controls, a noisy KPI with a clear media effect.
ModelData noisy_problem() {
  const int T = 80;
  ModelData d;
  PhiloxStream rng(77, 3u);
  d.spend.resize(T, 2);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const std::vector<double> truth = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};
  const Eigen::MatrixXd h = transform_media(d.spend, truth.data());
  d.y.resize(T);
  for (int t = 0; t < T; ++t)
    d.y(t) = 500.0 + 80.0 * h(t, 0) + 50.0 * h(t, 1) + rng.uniform(-14.0, 14.0);
  d.ridge_lambda = 1.0;
  d.nonnegative_media = true;
  return d;
}

/// scikit-learn's StandardScaler + Ridge(alpha = λ) on rows [begin, end), then the squared
/// error of its predictions on rows [test_begin, test_end).
double direct_fold_sse(const ModelData& d, const Eigen::MatrixXd& h, int begin, int end,
                       int test_begin, int test_end) {
  const int n = end - begin, C = d.channels(), p = d.parameters();
  Eigen::MatrixXd X(d.rows(), p);
  X << h, d.controls;
  const Eigen::MatrixXd Xt = X.middleRows(begin, n);
  const Eigen::VectorXd yt = d.y.segment(begin, n);
  const Eigen::RowVectorXd mean = Xt.colwise().mean();
  Eigen::RowVectorXd sd = ((Xt.rowwise() - mean).array().square().colwise().sum() / n).sqrt();
  for (int j = 0; j < p; ++j)
    if (sd(j) < 1e-12) sd(j) = 1.0;
  const Eigen::MatrixXd Z = (Xt.rowwise() - mean).array().rowwise() / sd.array();
  const Eigen::VectorXd yc = yt.array() - yt.mean();
  const Eigen::MatrixXd A = Z.transpose() * Z + d.ridge_lambda * Eigen::MatrixXd::Identity(p, p);
  const Eigen::VectorXd b = A.ldlt().solve(Z.transpose() * yc);
  for (int c = 0; c < C; ++c) EXPECT_GT(b(c), 0.0) << "the constraint must be inactive here";
  const Eigen::VectorXd coef = b.array() / sd.transpose().array();
  const double intercept = yt.mean() - mean.dot(coef);
  const int m = test_end - test_begin;
  const Eigen::VectorXd pred = (X.middleRows(test_begin, m) * coef).array() + intercept;
  return (d.y.segment(test_begin, m) - pred).squaredNorm();
}

TEST(CvObjective, EqualsADirectComputation) {
  const ModelData d = noisy_problem();
  cpu::CpuEvaluator evaluator(d, 2);
  const CvOptions options{30, 10, 10};
  CvObjective objective(d, options, evaluator);
  ASSERT_EQ(objective.folds(), 5);  // starts 0, 10, 20, 30, 40: 40 + 40 ≤ 80
  const std::vector<double> candidates = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0,   // the truth
                                          0.7, 0.8, 30.0, 0.5, 2.5, 400.0};  // a poor one
  std::vector<double> loss;
  BatchResult all;
  objective.evaluate(candidates.data(), 2, loss, &all);
  ASSERT_EQ(loss.size(), 2u);
  const double var = (d.y.array() - d.y.mean()).square().mean();
  for (int i = 0; i < 2; ++i) {
    const Eigen::MatrixXd h = transform_media(d.spend, &candidates[6 * i]);
    double sse = 0.0;
    for (const CvFold& f : make_folds(d.rows(), options))
      sse += direct_fold_sse(d, h, f.train_begin, f.train_end, f.test_begin, f.test_end);
    // The media-share term is 0 here (media ≈ 15% of the KPI), so the loss is the MSE ratio.
    EXPECT_NEAR(loss[i], sse / 50.0 / var, 1e-9 * loss[i]) << "candidate " << i;
    EXPECT_DOUBLE_EQ(all.loss[i], 1.0 - all.r2[i]);
  }
  EXPECT_LT(loss[0], loss[1]);  // the truth predicts held-out weeks better
  EXPECT_GT(loss[0], 0.0);
}

TEST(CvObjective, AgreesWithCrossValidateAndIgnoresChunking) {
  const ModelData d = noisy_problem();
  cpu::CpuEvaluator evaluator(d, 1);
  CvOptions options{26, 8, 6};
  const std::vector<double> candidates = {0.2,  1.0, 90.0,  0.3, 1.5, 200.0, 0.6, 2.2, 50.0,
                                          0.05, 0.9, 120.0, 0.4, 1.3, 60.0,  0.1, 2.0, 150.0};
  std::vector<double> whole, chunked;
  CvObjective(d, options, evaluator).evaluate(candidates.data(), 3, whole);
  options.chunk = 4;  // splits candidates' folds across backend calls
  CvObjective(d, options, evaluator).evaluate(candidates.data(), 3, chunked);
  const double var = (d.y.array() - d.y.mean()).square().mean();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(whole[i], chunked[i]) << "candidate " << i;
    const std::vector<double> hyper(candidates.begin() + 6 * i, candidates.begin() + 6 * i + 6);
    const CvReport r = cross_validate(d, hyper, options, evaluator);
    double sse = 0.0, rows = 0.0;
    for (const CvFold& f : r.folds) {
      const double len = f.test_end - f.test_begin;
      sse += f.metrics.rmse * f.metrics.rmse * len;
      rows += len;
    }
    EXPECT_NEAR(whole[i], sse / rows / var, 1e-9 * whole[i]) << "candidate " << i;
  }
}

TEST(CvObjective, AddsTheMediaShareTermOfTheAllRowsFit) {
  const std::vector<double> truth = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};
  const ModelData plain = noisy_problem();
  // The same data shifted down so that the KPI's mean is half the true media contribution:
  // the fold fits' residuals are unchanged (the intercept absorbs the shift), and the media
  // now explain about twice the KPI.
  ModelData shifted = noisy_problem();
  const Eigen::MatrixXd h = transform_media(shifted.spend, truth.data());
  const double media_mean = 80.0 * h.col(0).mean() + 50.0 * h.col(1).mean();
  shifted.y.array() -= 500.0 + media_mean / 2.0;
  cpu::CpuEvaluator plain_evaluator(plain, 1), shifted_evaluator(shifted, 1);
  std::vector<double> plain_loss, shifted_loss;
  BatchResult all;
  CvObjective(plain, CvOptions{30, 10, 10}, plain_evaluator).evaluate(truth.data(), 1, plain_loss);
  CvObjective(shifted, CvOptions{30, 10, 10}, shifted_evaluator)
      .evaluate(truth.data(), 1, shifted_loss, &all);
  const double excess = all.loss[0] - (1.0 - all.r2[0]);
  EXPECT_GT(excess, 0.7);
  EXPECT_LT(excess, 1.3);
  // A shift leaves the KPI's variance, and so the MSE ratio, unchanged.
  EXPECT_NEAR(shifted_loss[0], plain_loss[0] + excess, 1e-9);
}

TEST(CvObjective, NeedsAFold) {
  const ModelData d = noisy_problem();
  cpu::CpuEvaluator evaluator(d, 1);
  try {
    CvObjective(d, CvOptions{60, 30, 10}, evaluator);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--objective cv needs at least one CV fold"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace mmm
