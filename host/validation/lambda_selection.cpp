#include "host/validation/lambda_selection.hpp"

namespace mmm {

const std::vector<double>& default_lambda_grid() {
  static const std::vector<double> grid{0.1, 0.3, 1.0, 3.0, 10.0};
  return grid;
}

LambdaSelection select_lambda(const ModelData& model, const std::vector<double>& grid,
                              const CvOptions& cv, const EvaluatorFactory& make_backend,
                              const FitAtLambda& fit_at, const KeepBest& keep_best) {
  const CvSelection chosen = select_by_cv(
      model, grid.size(), [&](ModelData& m, size_t i) { m.ridge_lambda = grid[i]; }, cv,
      make_backend, fit_at, keep_best);
  LambdaSelection out;
  out.best = chosen.best;
  out.skipped = chosen.skipped;
  for (size_t i = 0; i < chosen.cv_loss.size(); ++i)
    out.scores.push_back({grid[i], chosen.cv_loss[i]});
  return out;
}

}  // namespace mmm
