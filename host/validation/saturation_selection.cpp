#include "host/validation/saturation_selection.hpp"

namespace mmm {

SaturationSelection select_saturation(const ModelData& model,
                                      const std::vector<SaturationShape>& candidates,
                                      const ShapesFor& shapes_for, const CvOptions& cv,
                                      const EvaluatorFactory& make_backend,
                                      const FitCandidate& fit_with, const KeepBest& keep_best) {
  const CvSelection chosen = select_by_cv(
      model, candidates.size(),
      [&](ModelData& m, size_t i) { m.saturation = shapes_for(candidates[i]); }, cv, make_backend,
      fit_with, keep_best);
  SaturationSelection out;
  out.best = chosen.best;
  out.skipped = chosen.skipped;
  for (size_t i = 0; i < chosen.cv_loss.size(); ++i)
    out.scores.push_back({candidates[i], chosen.cv_loss[i]});
  return out;
}

}  // namespace mmm
