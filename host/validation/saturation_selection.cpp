#include "host/validation/saturation_selection.hpp"

#include <cmath>
#include <limits>

#include "host/validation/cv_objective.hpp"

namespace mmm {

SaturationSelection select_saturation(const ModelData& model,
                                      const std::vector<SaturationShape>& candidates,
                                      const ShapesFor& shapes_for, const CvOptions& cv,
                                      const EvaluatorFactory& make_backend,
                                      const FitAtLambda& fit_with) {
  SaturationSelection out;
  if (make_folds(model.rows(), cv).empty()) {
    out.skipped = true;
    return out;
  }
  ModelData with = model;
  for (const SaturationShape shape : candidates) {
    with.saturation = shapes_for(shape);
    const std::unique_ptr<Evaluator> backend = make_backend(with);
    const std::vector<double> hyper3c = fit_with(with, *backend);
    std::vector<double> loss;
    CvObjective(with, cv, *backend).evaluate(hyper3c.data(), 1, loss);
    const double score = std::isfinite(loss[0]) ? loss[0] : std::numeric_limits<double>::infinity();
    out.scores.push_back({shape, score});
    const bool better = out.best < 0 ? std::isfinite(score)
                                     : score < out.scores[static_cast<size_t>(out.best)].cv_loss;
    if (better) out.best = static_cast<int>(out.scores.size()) - 1;
  }
  return out;
}

}  // namespace mmm
