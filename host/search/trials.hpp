#pragma once
// Independent searches ("trials", as Robyn runs them): the same problem searched from N
// differently seeded starts, all in lockstep so that every backend call carries one request of
// each running trial. How far their answers agree is the stability figure a user needs before
// trusting one of them.

#include <cstdint>
#include <vector>

#include "host/distributed/communicator.hpp"
#include "host/search/differential_evolution.hpp"

namespace mmm {

/// The DE seed of trial t: trial 0 keeps the run's seed (one trial is exactly the plain
/// search), later ones a Philox-derived seed.
std::uint64_t trial_seed(std::uint64_t seed, int trial);

/// Runs `trials` searches of `options.budget` evaluations each, trial t seeded by
/// trial_seed(options.seed, t); `seeds` (row-major points) start trial 0 only. Every call of
/// `objective` concatenates the pending requests of all running trials. `progress` receives
/// the evaluations done over all trials and the best loss so far (this rank's, in a job).
/// In a job of several ranks each runs the trials of its rank_range and every rank receives
/// all results, in trial order: the same as one process (a trial depends only on its index).
std::vector<SearchResult> run_trials(int dimension, const DeOptions& options, int trials,
                                     const BatchObjective& objective,
                                     const std::vector<double>& seeds = {},
                                     const SearchProgress& progress = {},
                                     const Communicator& comm = single_process());

}  // namespace mmm
