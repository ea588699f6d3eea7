#pragma once
// Choosing among a few whole models by how well each predicts weeks it was not fitted on: the
// mechanism behind `--ridge-lambda auto` (candidates: λ values) and `--saturation auto`
// (candidates: saturation shapes). For every candidate the caller's fit sees the model with the
// candidate applied and a backend for it, and returns fitted θ, α, γ; those are scored by the
// rolling-CV out-of-sample loss of `--objective cv` (CvObjective).

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

/// A backend for a model (the fit's device and threads).
using EvaluatorFactory = std::function<std::unique_ptr<Evaluator>(const ModelData&)>;
/// Fits one candidate's model and returns its θ, α, γ per channel (the evaluator's layout).
using FitCandidate = std::function<std::vector<double>(const ModelData&, Evaluator&)>;
/// Receives the backend of the candidate just scored when its CV loss is the lowest finite one
/// so far, so that a caller keeps only the best fit and reuses its backend.
using KeepBest = std::function<void(std::unique_ptr<Evaluator> backend)>;
/// Sets candidate `i` on the model (its λ, its shapes, …).
using ApplyCandidate = std::function<void(ModelData& model, size_t i)>;

struct CvSelection {
  std::vector<double> cv_loss;  ///< per candidate, in order; +inf when its fit or CV failed
  int best = -1;                ///< index of the lowest finite cv_loss; −1 when none
  bool skipped = false;         ///< too few rows for one CV fold: nothing was scored
};

/// Scores `candidates` models: candidate i is `model` with apply(·, i). `fit` sees each in
/// order; `keep_best` (if set) is called right after the fit that became the best so far, the
/// last call being the chosen candidate's. With too few rows for one fold of `cv`, nothing is
/// fitted and `skipped` is set.
CvSelection select_by_cv(const ModelData& model, size_t candidates, const ApplyCandidate& apply,
                         const CvOptions& cv, const EvaluatorFactory& make_backend,
                         const FitCandidate& fit, const KeepBest& keep_best = {});

}  // namespace mmm
