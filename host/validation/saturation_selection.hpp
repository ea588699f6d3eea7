#pragma once
// `--saturation auto`: the media channels' saturation shape (Hill or logistic) chosen by how
// well the model predicts weeks it was not fitted on, as `--ridge-lambda auto` chooses λ.
//
// For every candidate shape the caller fits the model with that shape (a full search of the
// transforms), and the fitted transforms are scored by the rolling-CV out-of-sample loss of
// `--objective cv` (CvObjective). In-sample loss cannot choose: the two shapes have different
// numbers of free parameters (a logistic channel has no α), so the more flexible one would win
// on fit alone.

#include <functional>
#include <vector>

#include "host/features/transforms.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/cv_selection.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

struct SaturationScore {
  SaturationShape shape = SaturationShape::Hill;
  double cv_loss = 0.0;  ///< +inf when the fit or its CV failed
};

struct SaturationSelection {
  std::vector<SaturationScore> scores;  ///< in candidate order
  int best = -1;                        ///< index of the lowest finite cv_loss; −1 when none
  bool skipped = false;                 ///< too few rows for one CV fold: nothing was scored
  SaturationShape shape() const { return scores.at(static_cast<size_t>(best)).shape; }
};

/// The model's per-channel shapes when the automatic channels take `shape` (channels whose
/// shape was given explicitly keep it).
using ShapesFor = std::function<std::vector<SaturationShape>(SaturationShape)>;

/// Scores each of `candidates` on `model` (whose own shapes are replaced by shapes_for(shape))
/// by select_by_cv: `fit_with` sees each candidate's model and backend in order and returns its
/// fitted θ, α, γ; `keep_best` (if set) receives the best so far's backend.
SaturationSelection select_saturation(const ModelData& model,
                                      const std::vector<SaturationShape>& candidates,
                                      const ShapesFor& shapes_for, const CvOptions& cv,
                                      const EvaluatorFactory& make_backend,
                                      const FitCandidate& fit_with, const KeepBest& keep_best = {});

}  // namespace mmm
