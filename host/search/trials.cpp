#include "host/search/trials.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "host/common/philox.hpp"
#include "host/distributed/byte_buffer.hpp"
#include "host/distributed/work_split.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kTrialSeedStream = 0x54524931u;  // "TRI1"

/// Every rank's results (its trials, in order) on every rank, in rank order = trial order.
std::vector<SearchResult> share_results(const Communicator& comm,
                                        const std::vector<SearchResult>& mine) {
  if (comm.size() <= 1) return mine;
  ByteWriter w;
  w.put<std::uint64_t>(mine.size());
  for (const SearchResult& r : mine) {
    w.put_vector(r.best);
    w.put(r.best_loss);
    w.put(r.evaluations);
    w.put_vector(r.trace);
  }
  std::vector<SearchResult> all;
  for (const Bytes& part : comm.allgather(w.take())) {
    ByteReader r(part);
    const auto n = r.get<std::uint64_t>();
    for (std::uint64_t i = 0; i < n; ++i) {
      SearchResult s;
      s.best = r.get_vector<double>();
      s.best_loss = r.get<double>();
      s.evaluations = r.get<long>();
      s.trace = r.get_vector<SearchTracePoint>();
      all.push_back(std::move(s));
    }
  }
  return all;
}

}  // namespace

std::uint64_t trial_seed(std::uint64_t seed, int trial) {
  if (trial == 0) return seed;
  return derived_seed(seed, kTrialSeedStream, static_cast<std::uint32_t>(trial));
}

std::vector<SearchResult> run_trials(int dimension, const DeOptions& options, int trials,
                                     const BatchObjective& objective,
                                     const std::vector<double>& seeds,
                                     const SearchProgress& progress, const Communicator& comm) {
  const IndexRange mine = rank_range(static_cast<std::uint64_t>(trials), comm.size(), comm.rank());
  std::vector<std::unique_ptr<DifferentialEvolution>> runs;
  for (int t = static_cast<int>(mine.begin); t < static_cast<int>(mine.end); ++t) {
    DeOptions o = options;
    o.seed = trial_seed(options.seed, t);
    runs.push_back(std::make_unique<DifferentialEvolution>(dimension, o,
                                                           t == 0 ? seeds : std::vector<double>{}));
  }
  std::vector<double> points, losses, slice;
  trials = static_cast<int>(runs.size());  // this rank's
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
  return share_results(comm, out);
}

}  // namespace mmm
