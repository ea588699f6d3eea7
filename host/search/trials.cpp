#include "host/search/trials.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "host/common/philox.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kTrialSeedStream = 0x54524931u;  // "TRI1"

}  // namespace

std::uint64_t trial_seed(std::uint64_t seed, int trial) {
  if (trial == 0) return seed;
  return derived_seed(seed, kTrialSeedStream, static_cast<std::uint32_t>(trial));
}

std::vector<SearchResult> run_trials(int dimension, const DeOptions& options, int trials,
                                     const BatchObjective& objective,
                                     const std::vector<double>& seeds,
                                     const SearchProgress& progress) {
  std::vector<std::unique_ptr<DifferentialEvolution>> runs;
  for (int t = 0; t < trials; ++t) {
    DeOptions o = options;
    o.seed = trial_seed(options.seed, t);
    runs.push_back(std::make_unique<DifferentialEvolution>(dimension, o,
                                                           t == 0 ? seeds : std::vector<double>{}));
  }
  std::vector<double> points, losses, slice;
  std::vector<int> counts(static_cast<size_t>(trials), 0);
  std::vector<char> told(static_cast<size_t>(trials), 0);
  long evaluations = 0;
  int call = 0;
  for (;;) {
    points.clear();
    int total = 0;
    for (int t = 0; t < trials; ++t) {
      counts[t] = 0;
      if (runs[t]->done()) continue;
      const std::vector<double>& ask = runs[t]->ask(&counts[t]);
      points.insert(points.end(), ask.begin(),
                    ask.begin() + static_cast<std::ptrdiff_t>(counts[t]) * dimension);
      total += counts[t];
    }
    if (total == 0) break;
    objective(points, total, losses);
    int offset = 0;
    double best = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      if (counts[t] > 0) {
        slice.assign(losses.begin() + offset, losses.begin() + offset + counts[t]);
        runs[t]->tell(slice);
        offset += counts[t];
        told[t] = 1;
      }
      if (told[t]) best = std::min(best, runs[t]->last_trace().best_loss);
    }
    evaluations += total;
    if (progress) {
      SearchTracePoint p;
      p.generation = call;
      p.evaluations = evaluations;
      p.best_loss = best;
      progress(p);
    }
    ++call;
  }
  std::vector<SearchResult> out;
  for (const auto& run : runs) out.push_back(run->result());
  return out;
}

}  // namespace mmm
