#include "host/validation/cv_selection.hpp"

#include <cmath>
#include <limits>

#include "host/validation/cv_objective.hpp"

namespace mmm {

CvSelection select_by_cv(const ModelData& model, size_t candidates, const ApplyCandidate& apply,
                         const CvOptions& cv, const EvaluatorFactory& make_backend,
                         const FitCandidate& fit, const KeepBest& keep_best) {
  CvSelection out;
  if (make_folds(model.rows(), cv).empty()) {
    out.skipped = true;
    return out;
  }
  ModelData candidate = model;
  for (size_t i = 0; i < candidates; ++i) {
    apply(candidate, i);
    std::unique_ptr<Evaluator> backend = make_backend(candidate);
    const std::vector<double> hyper3c = fit(candidate, *backend);
    std::vector<double> loss;
    CvObjective(candidate, cv, *backend).evaluate(hyper3c.data(), 1, loss);
    const double score = std::isfinite(loss[0]) ? loss[0] : std::numeric_limits<double>::infinity();
    out.cv_loss.push_back(score);
    const bool better =
        out.best < 0 ? std::isfinite(score) : score < out.cv_loss[static_cast<size_t>(out.best)];
    if (better) {
      out.best = static_cast<int>(i);
      if (keep_best) keep_best(std::move(backend));
    }
  }
  return out;
}

}  // namespace mmm
