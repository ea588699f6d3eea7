#pragma once
// Differential evolution driven from the host (SPEC §5): TwoPointsDE-like, current-to-best
// mutation x + F1(a − b) + F2(best − x), two-point crossover, children evaluated in batched
// backend calls (a whole generation per call for GPU-sized populations).

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "host/common/philox.hpp"

namespace mmm {

struct DeOptions {
  long budget = 500;    ///< total objective evaluations, the initial population included
  int population = 30;  ///< candidates per generation (≥ 4)
  double f1 = 0.8;      ///< weight of the random difference a − b
  double f2 = 0.8;      ///< weight of the pull toward the best
  double lower = -5.0;  ///< search box, every coordinate
  double upper = 5.0;
  std::uint64_t seed = 1;
  /// Initial population: > 0 draws N(centre, init_sigma²) per coordinate; ≤ 0 uses a Latin
  /// hypercube over the whole box.
  double init_sigma = 1.0;
  /// Backend calls per generation. 1 is classic generational DE (the whole population in one
  /// batch: what a GPU wants); more calls let later members use what earlier ones found, a
  /// step toward nevergrad's one-at-a-time DE. With population 30 and budget 500, 5 calls
  /// gave a lower median loss than 1 on Robyn's data (bench/RESULTS.md).
  int calls_per_generation = 5;
  /// One flag per coordinate; empty: all searched. A coordinate flagged 0 decodes to a fixed
  /// value (a logistic channel's α), so the crossover leaves it out: a child differing from
  /// its parent only there would be an evaluation wasted. With every coordinate searched the
  /// random stream, and so the search, is the same as without the flags.
  std::vector<char> searched;
};

/// Backend calls per generation for a population: populations of 4096 and more exist to fill
/// a GPU, whose throughput needs the whole generation in one call; smaller ones gain more from
/// updating the population within a generation (DeOptions' default).
int calls_per_generation_for(int population);

/// The state after one backend call, for search_trace.csv and progress bars.
struct SearchTracePoint {
  int generation = 0;  ///< backend call index (0 = the initial population)
  long evaluations = 0;
  double best_loss = 0.0;
  double mean_loss = 0.0;  ///< mean over the finite losses of the population
  double seconds = 0.0;    ///< since the search started
};

struct SearchResult {
  std::vector<double> best;  ///< best point found (dimension values)
  double best_loss = 0.0;
  long evaluations = 0;
  std::vector<SearchTracePoint> trace;
};

/// Evaluates `count` points (row-major, count × dimension) and writes their losses.
using BatchObjective =
    std::function<void(const std::vector<double>& points, int count, std::vector<double>& losses)>;
/// Called after every generation (progress display); may be empty.
using SearchProgress = std::function<void(const SearchTracePoint&)>;

/// One differential-evolution run as an ask/tell state machine, so a driver can interleave
/// many runs and evaluate all their requests in one backend batch (the nested bootstrap runs
/// one search per resample in lockstep). differential_evolution() below is the plain loop.
class DifferentialEvolution {
 public:
  /// Draws the initial population (`seeds` replace its first members); the first ask()
  /// returns it.
  DifferentialEvolution(int dimension, const DeOptions& options,
                        const std::vector<double>& seeds = {});

  /// True once the budget is spent (or the problem is empty).
  bool done() const;
  /// The next points to evaluate, row-major `count` × dimension; valid until the next call.
  /// Call only when !done(), and follow each ask() with exactly one tell().
  const std::vector<double>& ask(int* count);
  /// Losses of the points of the last ask() (NaN counts as +inf).
  void tell(const std::vector<double>& losses);
  /// The trace point of the last tell().
  const SearchTracePoint& last_trace() const { return result_.trace.back(); }
  /// Best point, loss, evaluations and trace so far.
  SearchResult result() const;

 private:
  int dim_, pop_, calls_, slice_;
  DeOptions opt_;
  PhiloxStream rng_;
  std::vector<double> population_, losses_, children_;
  std::vector<int> searched_;  ///< indices of the searched coordinates (DeOptions::searched)
  int best_ = 0, next_member_ = 0, pending_first_ = 0, pending_count_ = 0, step_ = 0;
  bool initialized_ = false;
  SearchResult result_;
  std::chrono::steady_clock::time_point start_;
};

/// Minimizes the objective over [lower, upper]^dimension. `seeds` (row-major, any number of
/// points) replace the first members of the random initial population, e.g. a model to refine.
SearchResult differential_evolution(int dimension, const DeOptions& options,
                                    const BatchObjective& objective,
                                    const std::vector<double>& seeds = {},
                                    const SearchProgress& progress = {});

}  // namespace mmm
