#include "host/validation/cv_objective.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/common/errors.hpp"

namespace mmm {

CvObjective::CvObjective(const ModelData& data, const CvOptions& options, Evaluator& evaluator)
    : data_(data), evaluator_(evaluator), folds_(make_folds(data.rows(), options)) {
  if (folds_.empty()) {
    throw InputError("--objective cv needs at least one CV fold: " + std::to_string(data.rows()) +
                     " rows are fewer than --cv-train + --cv-test = " +
                     std::to_string(options.train + options.test));
  }
  chunk_ = cv_chunk_size(data.rows(), options);
  kpi_variance_ = (data.y.array() - data.y.mean()).square().mean();
}

void CvObjective::evaluate(const double* params, int count, std::vector<double>& loss,
                           BatchResult* all_rows) {
  const int T = data_.rows(), C = data_.channels(), p = data_.parameters();
  const int stride = 3 * C, per = fits_per_candidate();
  const double inf = std::numeric_limits<double>::infinity();
  loss.assign(static_cast<size_t>(count), 0.0);
  if (all_rows) all_rows->resize(count, p);
  // Fit j of candidate i is job i·per + j: j = 0 all rows, j = f + 1 fold f's training rows.
  // Jobs go to the backend a chunk at a time (the weights of a chunk stay within the CV's
  // memory bound); per candidate, the test residuals follow once all its fits are back.
  std::vector<double> coef(static_cast<size_t>(per) * p), intercept(per);
  std::vector<double> sse(static_cast<size_t>(count), 0.0), excess(static_cast<size_t>(count));
  std::vector<char> failed(static_cast<size_t>(count), 0);
  const long jobs = static_cast<long>(count) * per;
  for (long first = 0; first < jobs; first += chunk_) {
    const int n = static_cast<int>(std::min<long>(chunk_, jobs - first));
    params_.resize(static_cast<size_t>(n) * stride);
    weights_.assign(static_cast<size_t>(n) * T, 0.0);
    for (int k = 0; k < n; ++k) {
      const long job = first + k;
      const int i = static_cast<int>(job / per), j = static_cast<int>(job % per);
      std::copy(params + static_cast<size_t>(i) * stride,
                params + static_cast<size_t>(i + 1) * stride,
                params_.begin() + static_cast<size_t>(k) * stride);
      double* w = &weights_[static_cast<size_t>(k) * T];
      if (j == 0) {
        std::fill(w, w + T, 1.0);
      } else {
        std::fill(w + folds_[j - 1].train_begin, w + folds_[j - 1].train_end, 1.0);
      }
    }
    evaluator_.evaluate(CandidateBatch{n, C, params_.data()}, RowWeights{n, weights_.data()},
                        fits_);
    for (int k = 0; k < n; ++k) {
      const long job = first + k;
      const int i = static_cast<int>(job / per), j = static_cast<int>(job % per);
      if (!std::isfinite(fits_.loss[k])) failed[i] = 1;
      std::copy(fits_.coef.begin() + static_cast<std::ptrdiff_t>(k) * p,
                fits_.coef.begin() + static_cast<std::ptrdiff_t>(k + 1) * p,
                coef.begin() + static_cast<std::ptrdiff_t>(j) * p);
      intercept[j] = fits_.intercept[k];
      if (j == 0) {
        // The all-rows fit's media-share term: its loss less its 1 − R² (the evaluator's
        // own term, so it is the same on both backends).
        excess[i] = fits_.loss[k] - (1.0 - fits_.r2[k]);
        if (all_rows) {
          all_rows->loss[i] = fits_.loss[k];
          all_rows->r2[i] = fits_.r2[k];
          all_rows->intercept[i] = fits_.intercept[k];
          auto copy_p = [&](const std::vector<double>& from, std::vector<double>& to) {
            std::copy(from.begin() + static_cast<std::ptrdiff_t>(k) * p,
                      from.begin() + static_cast<std::ptrdiff_t>(k + 1) * p,
                      to.begin() + static_cast<std::ptrdiff_t>(i) * p);
          };
          copy_p(fits_.coef, all_rows->coef);
          copy_p(fits_.coef_scaled, all_rows->coef_scaled);
          copy_p(fits_.mean, all_rows->mean);
          copy_p(fits_.scale, all_rows->scale);
        }
      }
      if (j != per - 1 || failed[i]) continue;
      // Candidate i is complete: its test residuals on every fold.
      const Eigen::MatrixXd h =
          transform_media(data_.spend, params + static_cast<size_t>(i) * stride, data_.saturation);
      double total = 0.0;
      for (int f = 0; f < folds(); ++f) {
        const CvFold& fold = folds_[f];
        const int len = fold.test_end - fold.test_begin;
        const double* b = &coef[static_cast<size_t>(f + 1) * p];
        Eigen::VectorXd pred =
            h.middleRows(fold.test_begin, len) * Eigen::Map<const Eigen::VectorXd>(b, C);
        if (data_.control_count() > 0) {
          pred += data_.controls.middleRows(fold.test_begin, len) *
                  Eigen::Map<const Eigen::VectorXd>(b + C, data_.control_count());
        }
        total += (data_.y.segment(fold.test_begin, len).array() - pred.array() - intercept[f + 1])
                     .square()
                     .sum();
      }
      sse[i] = total;
    }
  }
  long test_rows = 0;
  for (const CvFold& f : folds_) test_rows += f.test_end - f.test_begin;
  for (int i = 0; i < count; ++i) {
    const double mse = sse[i] / static_cast<double>(test_rows);
    loss[i] = failed[i] || !(kpi_variance_ > 0.0) || !std::isfinite(mse)
                  ? inf
                  : mse / kpi_variance_ + excess[i];
  }
}

}  // namespace mmm
