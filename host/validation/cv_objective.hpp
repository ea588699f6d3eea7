#pragma once
// `--objective cv`: candidates judged by how well they predict weeks they were not fitted on.
//
// Each candidate is fitted on every rolling-CV fold's training rows (and once on all rows)
// through the Evaluator, in the same backend calls as the rest of its batch, so both backends
// give the same losses; the test rows' residuals are then computed here from the fold's
// coefficients and the candidate's media transform (O(T·C) per candidate, small beside the
// (1 + folds) weighted Grams the backend computes). The loss is the pooled out-of-sample
// mean squared error over every fold's test rows divided by the KPI's variance (a 1 − R²
// out of sample, against the full series' mean so that a short test window's own spread does
// not weight it), plus the default objective's media-share term of the all-rows fit (a fit
// whose media explain more than the KPI is not chosen however well it predicts).

#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

class CvObjective {
 public:
  /// The folds of `options` over the data's rows; InputError (exit 2) when there are none
  /// (too few rows for --cv-train + --cv-test: the objective cannot be computed).
  CvObjective(const ModelData& data, const CvOptions& options, Evaluator& evaluator);

  /// Losses of `count` candidates (θ, α, γ per channel in natural units, candidate-major, as
  /// CandidateBatch). `all_rows` (optional) receives the candidates' fits on all rows.
  void evaluate(const double* params, int count, std::vector<double>& loss,
                BatchResult* all_rows = nullptr);

  int folds() const { return static_cast<int>(folds_.size()); }
  /// Backend candidate evaluations per candidate: the folds plus the all-rows fit.
  int fits_per_candidate() const { return folds() + 1; }

 private:
  const ModelData& data_;
  Evaluator& evaluator_;
  std::vector<CvFold> folds_;
  int chunk_;                  ///< candidate-fold fits per backend call
  double kpi_variance_ = 0.0;  ///< population variance of the KPI over all rows
  std::vector<double> params_, weights_;
  BatchResult fits_;
};

}  // namespace mmm
