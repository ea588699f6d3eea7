#include "host/segments/segment_hyper_search.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "host/common/thread_pool.hpp"
#include "host/distributed/divided_values.hpp"
#include "host/search/differential_evolution.hpp"

namespace mmm {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Each segment's search draws from its own Philox key: adding a segment leaves the others'.
std::uint64_t segment_search_seed(std::uint64_t seed, int s) {
  return seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(s + 1));
}

}  // namespace

double segment_term(const SegmentProblem& problem, int s, const double* hyper3c,
                    const Eigen::VectorXd& scale, const Eigen::VectorXd& global_beta, double tss,
                    double negative_floor, double* negative) {
  const ModelData& m = problem.segments[s];
  const int C = problem.channels(), p = problem.parameters();
  Eigen::MatrixXd X = segment_design(problem, s, hyper3c);
  X.rowwise() -= X.colwise().mean();
  X = X * scale.cwiseInverse().asDiagonal();
  const Eigen::VectorXd y = m.y.array() - m.y.mean();
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(p, p);
  A.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
  A = A.selfadjointView<Eigen::Lower>();
  const Eigen::VectorXd c = X.transpose() * y;

  const PoolingPenalties& pen = problem.penalties;
  Eigen::VectorXd beta = global_beta;
  double ridge = 0.0;
  if (problem.pooling != Pooling::kComplete) {
    std::vector<bool> is_global(p, false);
    for (int j : pen.global_columns) is_global[j] = true;
    std::vector<int> local;
    for (int j = 0; j < p; ++j) {
      if (!is_global[j]) local.push_back(j);
    }
    const int nl = static_cast<int>(local.size());
    const double mu = problem.pooling == Pooling::kPartial ? pen.lambda_segment : pen.lambda;
    Eigen::MatrixXd M(nl, nl);
    Eigen::VectorXd rhs(nl);
    for (int a = 0; a < nl; ++a) {
      const int i = local[a];
      rhs[a] = c[i];
      for (int j : pen.global_columns) rhs[a] -= A(i, j) * global_beta[j];
      if (problem.pooling == Pooling::kPartial) rhs[a] += mu * global_beta[i];
      for (int b = 0; b < nl; ++b) M(a, b) = A(i, local[b]);
      M(a, a) += mu;
    }
    const Eigen::LLT<Eigen::MatrixXd> llt(M);
    if (llt.info() != Eigen::Success) return kInf;
    const Eigen::VectorXd bl = llt.solve(rhs);
    for (int a = 0; a < nl; ++a) {
      beta[local[a]] = bl[a];
      // The segment's part of the pooled ridge penalty: without it a segment could pick
      // transforms that fit with coefficients far from β_g, which the re-solve then undoes.
      const double gap =
          problem.pooling == Pooling::kPartial ? bl[a] - global_beta[local[a]] : bl[a];
      ridge += mu * gap * gap;
    }
  }
  const double rss = std::max(y.squaredNorm() - 2.0 * beta.dot(c) + beta.dot(A * beta), 0.0);
  double term = (rss + ridge) / tss;
  double neg = 0.0;
  for (int j = 0; j < C; ++j) neg += std::pow(std::min(beta[j], 0.0), 2);
  if (negative != nullptr) *negative = neg;
  if (problem.pooling != Pooling::kComplete) {
    term += problem.penalty_weight * std::max(neg - negative_floor, 0.0) / problem.count();
  }
  return std::isfinite(term) ? term : kInf;
}

SegmentHyperSearch search_segment_hyperparameters(
    const SegmentProblem& problem, const SearchSpace& space, const std::vector<double>& shared3c,
    const SegmentDesign& shared_design, const SegmentFit& shared_fit,
    const SegmentHyperSearchOptions& options, ThreadPool* pool,
    const std::function<void(int)>& progress, const Communicator& comm) {
  const int S = problem.count(), C = problem.channels(), dim = space.dimension();
  double tss = 0.0;
  for (const SegmentGram& g : shared_design.blocks) tss += g.yy;
  SegmentHyperSearch out;
  out.hyper3c.resize(static_cast<size_t>(S) * 3 * C);
  out.term_shared.assign(S, kInf);
  out.term_best.assign(S, kInf);
  std::vector<ChannelHyper> shared(C);
  for (int c = 0; c < C; ++c)
    shared[c] = {shared3c[3 * c], shared3c[3 * c + 1], shared3c[3 * c + 2]};
  std::vector<double> start(dim);
  space.encode(shared, start.data());
  const Eigen::VectorXd& beta_g = shared_fit.solution.global;
  const Eigen::VectorXd& scale = shared_design.scale;

  // Per segment: its 3C hyperparameters, its term at the shared and at its own point, and its
  // evaluations (a double holds them exactly), so that a job's ranks can share the rows.
  const size_t width = static_cast<size_t>(3 * C + 3);
  std::atomic<int> done{0};
  std::mutex progress_mutex;
  auto search_one = [&](int s, double* row) {
    DeOptions de;
    de.budget = options.budget;
    de.population = options.population;
    de.seed = segment_search_seed(options.seed, s);
    // Under partial the segment may keep the negative coefficients it has at the shared point
    // (the pooled loss penalizes β_g only) but not add to them (see the header).
    double floor = 0.0;
    if (problem.pooling == Pooling::kPartial) {
      segment_term(problem, s, shared3c.data(), scale, beta_g, tss, 0.0, &floor);
    }
    std::vector<double> params;
    const double weight = options.shrinkage * shared_design.blocks[s].yy / tss / dim;
    const BatchObjective objective = [&](const std::vector<double>& u, int n,
                                         std::vector<double>& loss) {
      loss.resize(n);
      space.decode_batch(u.data(), n, params);
      for (int i = 0; i < n; ++i) {
        double shift = 0.0;
        for (int d = 0; d < dim; ++d)
          shift += std::pow(u[static_cast<size_t>(i) * dim + d] - start[d], 2);
        loss[i] = segment_term(problem, s, &params[static_cast<size_t>(i) * 3 * C], scale, beta_g,
                               tss, floor) +
                  weight * shift;
      }
    };
    const SearchResult r = differential_evolution(dim, de, objective, start);
    std::vector<double> best;
    space.decode_batch(r.best.data(), 1, best);
    const double at_shared = segment_term(problem, s, shared3c.data(), scale, beta_g, tss, floor);
    // The start point is in the population (zero shift), so DE's best is never worse; the
    // guard keeps the shared point should decoding round-off make the two differ.
    const bool keep_shared = !(r.best_loss < at_shared);
    const double* chosen = keep_shared ? shared3c.data() : best.data();
    std::copy(chosen, chosen + 3 * C, row);
    row[3 * C] = at_shared;
    row[3 * C + 1] =
        keep_shared ? at_shared : segment_term(problem, s, best.data(), scale, beta_g, tss, floor);
    row[3 * C + 2] = static_cast<double>(r.evaluations + 1);
    ++done;
    if (progress) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      progress(done.load());  // read under the lock: the reported count never goes back
    }
  };
  const std::vector<double> rows = compute_divided(
      comm, static_cast<size_t>(S), width, [&](size_t begin, size_t end, double* mine) {
        const int first = static_cast<int>(begin), count = static_cast<int>(end - begin);
        auto run = [&](int b, int e) {
          for (int k = b; k < e; ++k) search_one(first + k, mine + static_cast<size_t>(k) * width);
        };
        if (pool != nullptr && count > 1) {
          pool->parallel_for(count, [&](int b, int e, int) { run(b, e); });
        } else {
          run(0, count);
        }
      });
  for (int s = 0; s < S; ++s) {
    const double* row = &rows[static_cast<size_t>(s) * width];
    std::copy(row, row + 3 * C, out.hyper3c.begin() + static_cast<long>(s) * 3 * C);
    out.term_shared[s] = row[3 * C];
    out.term_best[s] = row[3 * C + 1];
    out.evaluations += static_cast<long>(row[3 * C + 2]);
  }
  return out;
}

}  // namespace mmm
