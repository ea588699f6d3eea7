#include "host/bootstrap/nested_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "host/bootstrap/resample_sharing.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/common/resampling.hpp"
#include "host/search/differential_evolution.hpp"
#include "host/search/pareto.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kNestedSeedStream = 0x4E455354u;  // "NEST"

/// One pending request of one search: `count` points starting at `points`.
struct Request {
  int resample;
  int count;
  const double* points;
};

/// --objective pareto inside the bootstrap: every evaluated point of every resample's search,
/// with its NRMSE and DECOMP.RSSD on that resample (weighted R², the resample's spend shares).
struct ParetoRecord {
  std::vector<std::vector<ParetoPoint>> points;  ///< per resample
  std::vector<std::vector<double>> spend_share;  ///< per resample, C values
  double kpi_variance = 0.0, kpi_range = 0.0;    ///< of the full data (the rule is scale-free)
};

/// Each channel's share of the resample's (weighted) total spend.
std::vector<double> weighted_spend_share(const ModelData& data, const std::vector<double>& w) {
  const int C = data.channels();
  std::vector<double> share(static_cast<size_t>(C), 0.0);
  double total = 0.0;
  for (int c = 0; c < C; ++c) {
    for (int t = 0; t < data.rows(); ++t) share[c] += w[t] * data.spend(t, c);
    total += share[c];
  }
  for (double& v : share) v = total > 0 ? v / total : 0.0;
  return share;
}

/// Evaluates the requests (their points decoded, each under its resample's weights, which the
/// backend draws from `resampled` and the resample number first_resample + the request's
/// local index) in chunks of at most max_batch candidates and writes each request's losses;
/// `record` (optional) receives every finite point's Pareto objectives.
void evaluate_requests(const ModelData& data, const SearchSpace& space,
                       const std::vector<Request>& requests, const ResampledRows& resampled,
                       int first_resample, int max_batch, Evaluator& evaluator,
                       std::vector<std::vector<double>>& losses, ParetoRecord* record) {
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
    // the search reads only the losses (the Pareto record also the fit's R² and coefficients).
    ResampledRows rows = resampled;
    rows.index = index.data();
    CandidateBatch batch{n, C, params.data()};
    batch.losses_only = record == nullptr;
    evaluator.evaluate(batch, RowWeights{n, nullptr, &rows}, out);
    for (int i = 0; i < n; ++i) losses[owner[i].first][owner[i].second] = out.loss[i];
    if (record) {
      for (int i = 0; i < n; ++i) {
        if (!std::isfinite(out.loss[i])) continue;
        const int b = requests[owner[i].first].resample;
        const size_t off = static_cast<size_t>(i) * out.parameters;
        ParetoPoint p;
        p.nrmse = nrmse_from_r2(out.r2[i], record->kpi_variance, record->kpi_range);
        p.decomp_rssd =
            decomp_rssd(out.coef.data() + off, out.mean.data() + off, record->spend_share[b]);
        p.loss = out.loss[i];
        p.hyper3c.assign(params.begin() + static_cast<std::ptrdiff_t>(i) * 3 * C,
                         params.begin() + static_cast<std::ptrdiff_t>(i + 1) * 3 * C);
        record->points[b].push_back(std::move(p));
      }
    }
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
      index.push_back(static_cast<std::uint32_t>(first_resample + q.resample));
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
                                                 const std::function<void(long, long)>& progress,
                                                 const Communicator& comm) {
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

  // This rank's resamples [begin, begin + L); local index i is resample begin + i. A search
  // depends only on its resample's index, so dividing them changes no result. The host keeps
  // each resample's counts for the final fits' ROI; the searches' calls let the backend draw
  // them (the same Philox counts) from the resample number.
  const IndexRange mine = rank_range(static_cast<std::uint64_t>(B), comm.size(), comm.rank());
  const int begin = static_cast<int>(mine.begin), L = static_cast<int>(mine.size());
  std::vector<std::vector<double>> weights(L, std::vector<double>(T));
  ResampledRows resampled;
  resampled.seed = options.seed;
  resampled.block_length = options.block_length;
  // --objective pareto: every point of this rank's searches, by local index.
  ParetoRecord pareto;
  ParetoRecord* record = options.pareto ? &pareto : nullptr;
  if (record) {
    pareto.points.resize(L);
    pareto.kpi_variance = (data.y.array() - data.y.mean()).square().mean();
    pareto.kpi_range = data.y.maxCoeff() - data.y.minCoeff();
  }
  std::vector<DifferentialEvolution> searches;
  searches.reserve(L);
  for (int i = 0; i < L; ++i) {
    const int b = begin + i;
    resample_block_counts(options.seed, static_cast<std::uint32_t>(b),
                          static_cast<std::uint32_t>(T),
                          static_cast<std::uint32_t>(options.block_length), weights[i].data());
    DeOptions de;
    de.budget = options.budget;
    de.population = options.population;
    de.seed = nested_search_seed(options.seed, b);
    de.calls_per_generation = calls_per_generation_for(options.population);
    de.searched = space.searched_coordinates();
    searches.emplace_back(dim, de);
    if (record) pareto.spend_share.push_back(weighted_spend_share(data, weights[i]));
  }

  const long total = static_cast<long>(B) * options.budget;
  std::vector<Request> requests;
  std::vector<std::vector<double>> losses;
  for (;;) {
    requests.clear();
    for (int b = 0; b < L; ++b) {
      if (searches[b].done()) continue;
      int count = 0;
      const std::vector<double>& points = searches[b].ask(&count);
      requests.push_back({b, count, points.data()});
    }
    if (requests.empty()) break;
    losses.resize(requests.size());
    evaluate_requests(data, space, requests, resampled, begin, max_batch, evaluator, losses,
                      record);
    for (size_t r = 0; r < requests.size(); ++r) {
      searches[requests[r].resample].tell(losses[r]);
      report.evaluations += requests[r].count;
    }
    if (progress) progress(report.evaluations, total);
  }

  // Final fit of every resample at its own best hyperparameters, under its own weights.
  std::vector<double> best_u, params, w;
  BatchResult fits;
  for (int first = 0; first < L; first += max_batch) {
    const int n = std::min(max_batch, L - first);
    best_u.clear();
    w.clear();
    for (int i = 0; i < n; ++i) {
      const SearchResult s = searches[first + i].result();
      best_u.insert(best_u.end(), s.best.begin(), s.best.end());
      w.insert(w.end(), weights[first + i].begin(), weights[first + i].end());
      report.best_loss[begin + first + i] = s.best_loss;
    }
    space.decode_batch(best_u.data(), n, params);
    if (record) {
      // Each resample's model is chosen on its own front by the main fit's rule, so the
      // intervals describe the estimator that produced the point estimate.
      for (int i = 0; i < n; ++i) {
        const std::vector<ParetoPoint>& points = pareto.points[first + i];
        const int chosen = choose_on_front(points, pareto_front(points));
        if (chosen < 0) continue;
        const ParetoPoint& p = points[static_cast<size_t>(chosen)];
        std::copy(p.hyper3c.begin(), p.hyper3c.end(),
                  params.begin() + static_cast<std::ptrdiff_t>(i) * dim);
        report.best_loss[begin + first + i] = p.loss;
      }
    }
    evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{n, w.data()}, fits);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < dim; ++j)
        report.hyper(begin + first + i, j) = params[static_cast<size_t>(i) * dim + j];
      record_resample(data, &w[static_cast<size_t>(i) * T], fits, i, begin + first + i, report);
    }
  }
  share_resamples(comm, mine, report,
                  NestedResampleRows{&report.hyper, &report.best_loss, &report.evaluations});
  finish_intervals(options.ci, report);
  return report;
}

}  // namespace mmm
