#include "host/validation/time_series_cv.hpp"

#include <algorithm>
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

int cv_chunk_size(int rows, const CvOptions& options) {
  if (options.chunk > 0) return options.chunk;
  const std::size_t per_candidate = static_cast<std::size_t>(std::max(rows, 1)) * sizeof(double);
  const std::size_t fit = kCvMaxChunkWeightBytes / per_candidate;
  return static_cast<int>(std::clamp<std::size_t>(fit, 1, kCvMaxChunkFolds));
}

CvReport cross_validate(const ModelData& data, const std::vector<double>& hyper3c,
                        const CvOptions& options, Evaluator& evaluator) {
  CvReport report;
  const int T = data.rows();
  const int p = data.parameters();
  const int C = data.channels();
  const int stride = 3 * C;
  // Candidate 0 is the full-data fit (all-ones weights, the in-sample row), candidate f is
  // fold f with its training mask; they go to the backend a chunk at a time.
  report.folds = make_folds(T, options);
  const int n = 1 + static_cast<int>(report.folds.size());
  const int chunk = std::min(cv_chunk_size(T, options), n);
  std::vector<double> coef(static_cast<size_t>(n) * p);
  std::vector<double> intercept(n);
  std::vector<double> params(static_cast<size_t>(chunk) * stride);
  for (int i = 0; i < chunk; ++i) {
    std::copy(hyper3c.begin(), hyper3c.end(), params.begin() + static_cast<size_t>(i) * stride);
  }
  std::vector<double> weights(static_cast<size_t>(chunk) * T);
  BatchResult fits;
  for (int first = 0; first < n; first += chunk) {
    const int count = std::min(chunk, n - first);
    std::fill(weights.begin(), weights.end(), 0.0);
    for (int j = 0; j < count; ++j) {
      const int i = first + j;
      double* w = &weights[static_cast<size_t>(j) * T];
      if (i == 0) {
        std::fill(w, w + T, 1.0);
      } else {
        const CvFold& f = report.folds[i - 1];
        std::fill(w + f.train_begin, w + f.train_end, 1.0);
      }
    }
    evaluator.evaluate(CandidateBatch{count, C, params.data()}, RowWeights{count, weights.data()},
                       fits);
    std::copy(fits.coef.begin(), fits.coef.begin() + static_cast<std::ptrdiff_t>(count) * p,
              coef.begin() + static_cast<std::ptrdiff_t>(first) * p);
    std::copy(fits.intercept.begin(), fits.intercept.begin() + count, intercept.begin() + first);
  }
  // The media transform does not depend on the fold (fixed θ, α, γ; adstock runs over the
  // whole series): computed once, each fold then predicts only its test rows.
  const Eigen::MatrixXd h = transform_media(data.spend, hyper3c.data(), data.saturation);
  auto predict = [&](int i, int begin, int len) {
    Eigen::Map<const Eigen::VectorXd> cm(&coef[static_cast<size_t>(i) * p], C);
    Eigen::VectorXd pred = h.middleRows(begin, len) * cm;
    if (data.control_count() > 0) {
      Eigen::Map<const Eigen::VectorXd> cc(&coef[static_cast<size_t>(i) * p + C],
                                           data.control_count());
      pred += data.controls.middleRows(begin, len) * cc;
    }
    return Eigen::VectorXd(pred.array() + intercept[i]);
  };
  report.in_sample = regression_metrics(data.y, predict(0, 0, T));
  if (report.folds.empty()) {
    report.skipped = true;
    report.notice = "cross-validation skipped: " + std::to_string(T) + " rows are fewer than " +
                    "--cv-train + --cv-test = " + std::to_string(options.train + options.test);
    return report;
  }
  for (size_t f = 0; f < report.folds.size(); ++f) {
    CvFold& fold = report.folds[f];
    const int len = fold.test_end - fold.test_begin;
    fold.metrics = regression_metrics(data.y.segment(fold.test_begin, len),
                                      predict(static_cast<int>(f) + 1, fold.test_begin, len));
  }
  std::vector<RegressionMetrics> per_fold;
  for (const CvFold& fold : report.folds) per_fold.push_back(fold.metrics);
  report.mean = metrics_mean(per_fold);
  report.stdev = metrics_stdev(per_fold);
  return report;
}

}  // namespace mmm
