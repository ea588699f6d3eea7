#pragma once
// The searches of `mmm fit`: the DE with its progress bar, and the --trials searches in
// lockstep under the chosen objective (rsq; cv: out-of-sample error over the rolling folds;
// pareto: every candidate's NRMSE and DECOMP.RSSD recorded for the front).

#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/search/differential_evolution.hpp"
#include "host/search/pareto.hpp"

namespace mmm {

/// The fit's DE (budget, population, seed from `o`) over [−5, 5]^dimension, with the search
/// progress bar; `seeds` replace the first members of the initial population; `searched` flags
/// the coordinates the DE varies (DeOptions::searched; empty: all).
SearchResult search_with_progress(const FitOptions& o, int dimension,
                                  const BatchObjective& objective,
                                  const std::vector<double>& seeds = {},
                                  const std::vector<char>& searched = {});

/// --trials DE searches over the search box in lockstep, each backend call carrying one
/// request of every running trial; `record` (optional, --objective pareto) receives every
/// evaluated candidate's NRMSE, DECOMP.RSSD, loss and θ, α, γ.
std::vector<SearchResult> search_hyperparameters(const FitOptions& o, const SearchSpace& space,
                                                 const ModelData& model, Evaluator& evaluator,
                                                 const std::vector<double>& seeds,
                                                 std::vector<ParetoPoint>* record);

}  // namespace mmm
