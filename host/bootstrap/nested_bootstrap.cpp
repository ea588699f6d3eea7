#include "host/bootstrap/nested_bootstrap.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/common/resampling.hpp"
#include "host/search/differential_evolution.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kNestedSeedStream = 0x4E455354u;  // "NEST"

/// One pending request of one search: `count` points starting at `points`.
struct Request {
  int resample;
  int count;
  const double* points;
};

/// Evaluates the requests (their points decoded, each under its resample's weights, which the
/// backend draws from `resampled` and the resample number) in chunks of at most max_batch
/// candidates and writes each request's losses.
void evaluate_requests(const ModelData& data, const SearchSpace& space,
                       const std::vector<Request>& requests, const ResampledRows& resampled,
                       int max_batch, Evaluator& evaluator,
                       std::vector<std::vector<double>>& losses) {
  const int C = data.channels(), dim = 3 * C;
  std::vector<double> u, params;
  std::vector<std::uint32_t> index;
  BatchResult out;
  // (request, offset) of every candidate of the current chunk, to scatter the losses back.
  std::vector<std::pair<int, int>> owner;
  auto flush = [&] {
    const int n = static_cast<int>(owner.size());
    if (n == 0) return;
    space.decode_batch(u.data(), n, params);
    // Each candidate's resample weights are drawn by the backend from its resample number;
    // the search reads only the losses.
    ResampledRows rows = resampled;
    rows.index = index.data();
    CandidateBatch batch{n, C, params.data()};
    batch.losses_only = true;
    evaluator.evaluate(batch, RowWeights{n, nullptr, &rows}, out);
    for (int i = 0; i < n; ++i) losses[owner[i].first][owner[i].second] = out.loss[i];
    u.clear();
    index.clear();
    owner.clear();
  };
  for (int r = 0; r < static_cast<int>(requests.size()); ++r) {
    const Request& q = requests[r];
    losses[r].assign(q.count, std::numeric_limits<double>::infinity());
    for (int k = 0; k < q.count; ++k) {
      u.insert(u.end(), q.points + static_cast<size_t>(k) * dim,
               q.points + static_cast<size_t>(k + 1) * dim);
      index.push_back(static_cast<std::uint32_t>(q.resample));
      owner.emplace_back(r, k);
      if (static_cast<int>(owner.size()) == max_batch) flush();
    }
  }
  flush();
}

}  // namespace

std::uint64_t nested_search_seed(std::uint64_t seed, int b) {
  return derived_seed(seed, kNestedSeedStream, static_cast<std::uint32_t>(b));
}

NestedBootstrapReport nested_bootstrap_intervals(const ModelData& data, const SearchSpace& space,
                                                 const NestedBootstrapOptions& options,
                                                 Evaluator& evaluator,
                                                 const std::function<void(long, long)>& progress) {
  check_bootstrap_options(options.resamples, options.ci);
  if (options.budget < 1) {
    throw InputError("invalid --nested-evaluations " + std::to_string(options.budget) +
                     ": expected ≥ 1 evaluation per resample");
  }
  const int T = data.rows(), C = data.channels(), B = options.resamples, dim = 3 * C;
  check_block_length(options.block_length, T);
  const int max_batch = std::max(1, options.max_batch);
  NestedBootstrapReport report;
  report.resamples = B;
  report.coef.setConstant(B, C, std::numeric_limits<double>::quiet_NaN());
  report.roi.setConstant(B, C, std::numeric_limits<double>::quiet_NaN());
  report.hyper.setConstant(B, dim, std::numeric_limits<double>::quiet_NaN());
  report.best_loss.assign(B, std::numeric_limits<double>::infinity());

  // The host keeps each resample's counts for the final fits' ROI; the searches' calls let
  // the backend draw them (the same Philox counts) from the resample number.
  std::vector<std::vector<double>> weights(B, std::vector<double>(T));
  ResampledRows resampled;
  resampled.seed = options.seed;
  resampled.block_length = options.block_length;
  std::vector<DifferentialEvolution> searches;
  searches.reserve(B);
  for (int b = 0; b < B; ++b) {
    resample_block_counts(options.seed, static_cast<std::uint32_t>(b),
                          static_cast<std::uint32_t>(T),
                          static_cast<std::uint32_t>(options.block_length), weights[b].data());
    DeOptions de;
    de.budget = options.budget;
    de.population = options.population;
    de.seed = nested_search_seed(options.seed, b);
    de.calls_per_generation = calls_per_generation_for(options.population);
    searches.emplace_back(dim, de);
  }

  const long total = static_cast<long>(B) * options.budget;
  std::vector<Request> requests;
  std::vector<std::vector<double>> losses;
  for (;;) {
    requests.clear();
    for (int b = 0; b < B; ++b) {
      if (searches[b].done()) continue;
      int count = 0;
      const std::vector<double>& points = searches[b].ask(&count);
      requests.push_back({b, count, points.data()});
    }
    if (requests.empty()) break;
    losses.resize(requests.size());
    evaluate_requests(data, space, requests, resampled, max_batch, evaluator, losses);
    for (size_t r = 0; r < requests.size(); ++r) {
      searches[requests[r].resample].tell(losses[r]);
      report.evaluations += requests[r].count;
    }
    if (progress) progress(report.evaluations, total);
  }

  // Final fit of every resample at its own best hyperparameters, under its own weights.
  std::vector<double> best_u, params, w;
  BatchResult fits;
  for (int first = 0; first < B; first += max_batch) {
    const int n = std::min(max_batch, B - first);
    best_u.clear();
    w.clear();
    for (int i = 0; i < n; ++i) {
      const SearchResult s = searches[first + i].result();
      best_u.insert(best_u.end(), s.best.begin(), s.best.end());
      w.insert(w.end(), weights[first + i].begin(), weights[first + i].end());
      report.best_loss[first + i] = s.best_loss;
    }
    space.decode_batch(best_u.data(), n, params);
    evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{n, w.data()}, fits);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < dim; ++j)
        report.hyper(first + i, j) = params[static_cast<size_t>(i) * dim + j];
      record_resample(data, &w[static_cast<size_t>(i) * T], fits, i, first + i, report);
    }
  }
  finish_intervals(options.ci, report);
  return report;
}

}  // namespace mmm
