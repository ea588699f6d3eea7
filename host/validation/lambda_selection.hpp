#pragma once
// `--ridge-lambda auto`: the ridge penalty chosen by how well the model predicts weeks it was
// not fitted on, instead of a fixed value.
//
// For every λ of a grid the caller fits the model at that λ (a full search of θ, α, γ, or the
// fixed hyperparameters), and the fitted transforms are scored by the rolling-CV
// out-of-sample loss of `--objective cv` (CvObjective: pooled test-row MSE over the folds
// divided by the KPI's variance, plus the media-share term). One scalar chosen among a few
// values by eight test windows is a far smaller selection than the 3C transforms `--objective
// cv` chooses, so it is less prone to fitting the windows' noise (bench/RESULTS.md).

#include <vector>

#include "host/model/model_data.hpp"
#include "host/validation/cv_selection.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

/// λ values `--ridge-lambda auto` chooses among: one decade either side of the default λ = 1
/// in half-decade steps.
const std::vector<double>& default_lambda_grid();

struct LambdaScore {
  double lambda = 0.0;
  double cv_loss = 0.0;  ///< +inf when the fit or its CV failed
};

struct LambdaSelection {
  std::vector<LambdaScore> scores;  ///< in grid order
  int best = -1;                    ///< index of the lowest finite cv_loss; −1 when none
  bool skipped = false;             ///< too few rows for one CV fold: nothing was scored
  double lambda() const { return scores.at(static_cast<size_t>(best)).lambda; }
};

/// Fits the model at one λ and returns its θ, α, γ per channel (the evaluator's layout).
using FitAtLambda = FitCandidate;

/// Scores every λ of `grid` (each > 0) on `model` (whose own λ is ignored) by select_by_cv:
/// `fit_at` sees each λ's model and backend in grid order, `keep_best` the best so far.
LambdaSelection select_lambda(const ModelData& model, const std::vector<double>& grid,
                              const CvOptions& cv, const EvaluatorFactory& make_backend,
                              const FitAtLambda& fit_at, const KeepBest& keep_best = {});

}  // namespace mmm
