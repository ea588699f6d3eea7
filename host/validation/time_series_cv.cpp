#include "host/validation/time_series_cv.hpp"

#include <cmath>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

RegressionMetrics combine(const std::vector<CvFold>& folds, bool stdev) {
  auto field = [](const RegressionMetrics& m, int k) {
    const double v[] = {m.r2, m.rmse, m.mae, m.mape, m.nrmse};
    return v[k];
  };
  double out[5];
  const double n = static_cast<double>(folds.size());
  for (int k = 0; k < 5; ++k) {
    double mean = 0.0;
    for (const auto& f : folds) mean += field(f.metrics, k) / n;
    if (!stdev) {
      out[k] = mean;
      continue;
    }
    double ss = 0.0;
    for (const auto& f : folds) ss += (field(f.metrics, k) - mean) * (field(f.metrics, k) - mean);
    out[k] = folds.size() > 1 ? std::sqrt(ss / (n - 1.0)) : 0.0;
  }
  return RegressionMetrics{out[0], out[1], out[2], out[3], out[4]};
}

}  // namespace

std::vector<CvFold> make_folds(int rows, const CvOptions& o) {
  if (o.train < 2 || o.test < 1 || o.step < 1) {
    throw InputError("invalid CV windows --cv-train " + std::to_string(o.train) + " --cv-test " +
                     std::to_string(o.test) + " --cv-step " + std::to_string(o.step) +
                     ": expected train ≥ 2, test ≥ 1, step ≥ 1");
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
  report.mean = combine(report.folds, false);
  report.stdev = combine(report.folds, true);
  return report;
}

}  // namespace mmm
