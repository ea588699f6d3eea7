#pragma once
// How `mmm fit` chooses the media transforms θ, α, γ: the search under the chosen objective and
// its trials (choose_transforms), and, around it, the two choices among whole models by rolling
// CV: λ (`--ridge-lambda auto`) and the saturation shape (`--saturation auto`).

#include <memory>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/pipeline/fit_pipeline.hpp"

namespace mmm {

/// θ, α, γ at r.model's λ into r.hyperparameters and r.hyper3c: the search under the chosen
/// objective (filling the search, trial and Pareto fields), or the fixed hyperparameters of
/// --hyperparameters already in r.hyperparameters.
void choose_transforms(const FitOptions& o, const SearchSpace& space,
                       const std::vector<double>& seeds, Evaluator& evaluator, FitReport& r);

/// --ridge-lambda auto: the model fitted at every λ of o.lambda_grid (choose_transforms),
/// scored by rolling CV; r becomes the fit at the best λ and `evaluator` its backend. False (r
/// untouched but for a notice) when the data are too short for one CV fold or no λ scored.
bool choose_lambda(const FitOptions& o, const SearchSpace& space, const std::vector<double>& seeds,
                   std::unique_ptr<Evaluator>& evaluator, FitReport& r);

/// --saturation auto: the model searched with the automatic channels Hill and then logistic,
/// scored by rolling CV; r becomes the better fit, `space` and `evaluator` take its shapes.
/// False (r untouched but for a notice: Hill) when the data are too short for one CV fold.
bool choose_saturation(const FitOptions& o, SearchSpace& space, const std::vector<double>& seeds,
                       std::unique_ptr<Evaluator>& evaluator, FitReport& r);

}  // namespace mmm
