#include "host/validation/time_series_cv.hpp"

#include <cmath>

#include "host/common/errors.hpp"

namespace mmm {

std::vector<CvFold> make_folds(int rows, const CvOptions& o) {
  if (o.train < 2 || o.test < 1 || o.step < 1 || o.train > kMaxCvWindowRows ||
      o.test > kMaxCvWindowRows || o.step > kMaxCvWindowRows) {
    throw InputError("invalid CV windows --cv-train " + std::to_string(o.train) + " --cv-test " +
                     std::to_string(o.test) + " --cv-step " + std::to_string(o.step) +
                     ": expected train ≥ 2, test ≥ 1, step ≥ 1, each at most " +
                     std::to_string(kMaxCvWindowRows) + " rows");
  }
  std::vector<CvFold> folds;
  for (int start = 0; start + o.train + o.test <= rows; start += o.step) {
    CvFold f;
    f.index = static_cast<int>(folds.size()) + 1;
    f.train_begin = start;
    f.train_end = start + o.train;
    f.test_begin = f.train_end;
    f.test_end = f.train_end + o.test;
    folds.push_back(f);
  }
  return folds;
}

CvReport cross_validate(const ModelData& data, const std::vector<double>& hyper3c,
                        const CvOptions& options, Evaluator& evaluator) {
  CvReport report;
  const int T = data.rows();
  const int p = data.parameters();
  const int stride = 3 * data.channels();
  // The full-data fit (in-sample row) and every fold's fit are one batch: candidate 0 with
  // all-ones weights, candidate f with fold f's training mask.
  report.folds = make_folds(T, options);
  const int n = 1 + static_cast<int>(report.folds.size());
  std::vector<double> params(static_cast<size_t>(n) * stride);
  std::vector<double> weights(static_cast<size_t>(n) * T, 0.0);
  for (int i = 0; i < n; ++i) {
    std::copy(hyper3c.begin(), hyper3c.end(), params.begin() + static_cast<size_t>(i) * stride);
    double* w = &weights[static_cast<size_t>(i) * T];
    if (i == 0) {
      for (int t = 0; t < T; ++t) w[t] = 1.0;
    } else {
      const CvFold& f = report.folds[i - 1];
      for (int t = f.train_begin; t < f.train_end; ++t) w[t] = 1.0;
    }
  }
  BatchResult fits;
  evaluator.evaluate(CandidateBatch{n, data.channels(), params.data()},
                     RowWeights{n, weights.data()}, fits);
  const Eigen::VectorXd pred0 = predict_kpi(data, hyper3c.data(), &fits.coef[0], fits.intercept[0]);
  report.in_sample = regression_metrics(data.y, pred0);
  if (report.folds.empty()) {
    report.skipped = true;
    report.notice = "cross-validation skipped: " + std::to_string(T) + " rows are fewer than " +
                    "--cv-train + --cv-test = " + std::to_string(options.train + options.test);
    return report;
  }
  for (size_t f = 0; f < report.folds.size(); ++f) {
    CvFold& fold = report.folds[f];
    const int i = static_cast<int>(f) + 1;
    const Eigen::VectorXd pred = predict_kpi(
        data, hyper3c.data(), &fits.coef[static_cast<size_t>(i) * p], fits.intercept[i]);
    const int len = fold.test_end - fold.test_begin;
    fold.metrics = regression_metrics(data.y.segment(fold.test_begin, len),
                                      pred.segment(fold.test_begin, len));
  }
  std::vector<RegressionMetrics> per_fold;
  for (const CvFold& fold : report.folds) per_fold.push_back(fold.metrics);
  report.mean = metrics_mean(per_fold);
  report.stdev = metrics_stdev(per_fold);
  return report;
}

}  // namespace mmm
