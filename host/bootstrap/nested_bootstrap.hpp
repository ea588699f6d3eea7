#pragma once
// Nested bootstrap (SPEC §6, beyond the reference): the hyperparameter search is re-run inside
// every resample, so the intervals carry hyperparameter uncertainty too, not only the ridge
// coefficients' sampling noise at one fixed θ, α, γ.
//
// The B searches run in lockstep: every round, each unfinished search asks for its next
// points, and all requests go to the backend together (per-candidate row weights = that
// resample's counts), chunked to a bounded batch. The result does not depend on the chunking
// or the backend's batch size: each search sees exactly the losses of its own points.

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"

namespace mmm {

struct NestedBootstrapOptions {
  int resamples = 100;     ///< B
  double ci = 0.90;        ///< two-sided percentile interval level
  std::uint64_t seed = 1;  ///< resamples are the plain bootstrap's for this seed
  int block_length = 1;    ///< moving-block length L in rows; 1: i.i.d. rows
  long budget = 1000;      ///< evaluations of each resample's search
  int population = 30;     ///< DE population of each search
  int max_batch = 16384;   ///< candidates per backend call (bounds the row-weight memory)
  /// --objective pareto: each resample's model is chosen on the NRMSE × DECOMP.RSSD front of
  /// its own search (choose_on_front), as the main fit's is, instead of its lowest loss.
  bool pareto = false;
};

struct NestedBootstrapReport : BootstrapReport {
  Eigen::MatrixXd hyper;          ///< B × 3C best (θ, α, γ) per resample
  std::vector<double> best_loss;  ///< B: each resample's chosen model's (weighted) loss
  long evaluations = 0;           ///< over all searches
};

/// Seed of resample b's search, derived from the run's seed (distinct per resample).
std::uint64_t nested_search_seed(std::uint64_t seed, int b);

/// Runs the nested bootstrap. `progress` (optional) gets evaluations done (by this rank) and
/// the total. In a job of several ranks each runs the searches of its rank_range of the B
/// resamples and every rank ends with all of them: the same report as one process.
NestedBootstrapReport nested_bootstrap_intervals(
    const ModelData& data, const SearchSpace& space, const NestedBootstrapOptions& options,
    Evaluator& evaluator, const std::function<void(long, long)>& progress = {},
    const Communicator& comm = single_process());

}  // namespace mmm
