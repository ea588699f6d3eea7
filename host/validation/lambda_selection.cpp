#include "host/validation/lambda_selection.hpp"

#include <cmath>
#include <limits>

#include "host/validation/cv_objective.hpp"

namespace mmm {

const std::vector<double>& default_lambda_grid() {
  static const std::vector<double> grid{0.1, 0.3, 1.0, 3.0, 10.0};
  return grid;
}

LambdaSelection select_lambda(const ModelData& model, const std::vector<double>& grid,
                              const CvOptions& cv, const EvaluatorFactory& make_backend,
                              const FitAtLambda& fit_at, const KeepBest& keep_best) {
  LambdaSelection out;
  if (make_folds(model.rows(), cv).empty()) {
    out.skipped = true;
    return out;
  }
  ModelData at = model;
  for (const double lambda : grid) {
    at.ridge_lambda = lambda;
    std::unique_ptr<Evaluator> backend = make_backend(at);
    const std::vector<double> hyper3c = fit_at(at, *backend);
    std::vector<double> loss;
    CvObjective(at, cv, *backend).evaluate(hyper3c.data(), 1, loss);
    const double score = std::isfinite(loss[0]) ? loss[0] : std::numeric_limits<double>::infinity();
    out.scores.push_back({lambda, score});
    const bool better = out.best < 0 ? std::isfinite(score)
                                     : score < out.scores[static_cast<size_t>(out.best)].cv_loss;
    if (better) {
      out.best = static_cast<int>(out.scores.size()) - 1;
      if (keep_best) keep_best(std::move(backend));
    }
  }
  return out;
}

}  // namespace mmm
