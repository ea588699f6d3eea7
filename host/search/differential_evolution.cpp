#include "host/search/differential_evolution.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "host/common/philox.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kDeStream = 0x44450001u;  // "DE" stream of the run's seed

/// Latin hypercube: each coordinate's range is cut into `count` strata, each used once, so the
/// first generation covers every axis evenly (fewer wasted evaluations than i.i.d. uniform).
void latin_hypercube(int count, int dim, double lo, double hi, PhiloxStream& rng,
                     std::vector<double>& out) {
  out.assign(static_cast<size_t>(count) * dim, 0.0);
  std::vector<int> perm(count);
  for (int d = 0; d < dim; ++d) {
    for (int i = 0; i < count; ++i) perm[i] = i;
    for (int i = count - 1; i > 0; --i) std::swap(perm[i], perm[rng.index(i + 1)]);
    for (int i = 0; i < count; ++i) {
      out[static_cast<size_t>(i) * dim + d] = lo + (hi - lo) * (perm[i] + rng.uniform()) / count;
    }
  }
}

/// Initial points N(centre, σ²) per coordinate, clamped to the box: the search starts near the
/// middle of the logistic encoding, where θ, α and γ take moderate values, instead of spending
/// evaluations on saturated corners (s(±5) ≈ 0.007 / 0.993). Nevergrad's DE starts the same way.
void gaussian_cloud(int count, int dim, const DeOptions& opt, PhiloxStream& rng,
                    std::vector<double>& out) {
  out.assign(static_cast<size_t>(count) * dim, 0.0);
  const double centre = 0.5 * (opt.lower + opt.upper);
  for (auto& v : out) {
    // Box–Muller from two uniforms; 1 − u keeps the log argument in (0, 1].
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    v = std::clamp(centre + opt.init_sigma * z, opt.lower, opt.upper);
  }
}

double mean_finite(const std::vector<double>& v, int n) {
  double sum = 0.0;
  int k = 0;
  for (int i = 0; i < n; ++i) {
    if (std::isfinite(v[i])) {
      sum += v[i];
      ++k;
    }
  }
  return k ? sum / k : std::numeric_limits<double>::infinity();
}

}  // namespace

SearchResult differential_evolution(int dim, const DeOptions& opt, const BatchObjective& objective,
                                    const std::vector<double>& seeds,
                                    const SearchProgress& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  PhiloxStream rng(opt.seed, kDeStream);
  SearchResult result;
  if (opt.budget <= 0 || dim <= 0) return result;

  const int pop = static_cast<int>(std::min<long>(std::max(opt.population, 4), opt.budget));
  std::vector<double> population, losses(pop);
  if (opt.init_sigma > 0) {
    gaussian_cloud(pop, dim, opt, rng, population);
  } else {
    latin_hypercube(pop, dim, opt.lower, opt.upper, rng, population);
  }
  const int n_seeds = std::min(pop, static_cast<int>(seeds.size() / dim));
  for (int s = 0; s < n_seeds; ++s) {
    for (int d = 0; d < dim; ++d) {
      population[static_cast<size_t>(s) * dim + d] =
          std::clamp(seeds[static_cast<size_t>(s) * dim + d], opt.lower, opt.upper);
    }
  }
  objective(population, pop, losses);
  for (double& l : losses) {
    if (std::isnan(l)) l = std::numeric_limits<double>::infinity();
  }
  result.evaluations = pop;

  int best = static_cast<int>(std::min_element(losses.begin(), losses.end()) - losses.begin());
  auto record = [&](int generation) {
    SearchTracePoint p{generation, result.evaluations, losses[best], mean_finite(losses, pop),
                       elapsed()};
    result.trace.push_back(p);
    if (progress) progress(p);
  };
  record(0);

  std::vector<double> children(static_cast<size_t>(pop) * dim), child_losses(pop);
  // Members get children in turn, one slice per backend call; a later slice already sees the
  // improvements (and the new best) of the earlier ones.
  const int calls = std::clamp(opt.calls_per_generation, 1, pop);
  const int slice = (pop + calls - 1) / calls;
  int next_member = 0;
  for (int step = 1; result.evaluations < opt.budget; ++step) {
    const int first = next_member;
    const int n =
        static_cast<int>(std::min<long>({static_cast<long>(slice), static_cast<long>(pop - first),
                                         opt.budget - result.evaluations}));
    next_member = (first + n) % pop;
    const double* xb = &population[static_cast<size_t>(best) * dim];
    for (int k = 0; k < n; ++k) {
      const int i = first + k;
      int a, b;
      do a = rng.index(pop);
      while (a == i);
      do b = rng.index(pop);
      while (b == i || b == a);
      const double* x = &population[static_cast<size_t>(i) * dim];
      const double* xa = &population[static_cast<size_t>(a) * dim];
      const double* xbb = &population[static_cast<size_t>(b) * dim];
      double* child = &children[static_cast<size_t>(k) * dim];
      // Two distinct cut points in [0, dim]: the child takes the donor's coordinates in
      // [c0, c1) and keeps its parent's elsewhere (at least one coordinate changes).
      int c0 = rng.index(dim + 1), c1;
      do c1 = rng.index(dim + 1);
      while (c1 == c0);
      if (c0 > c1) std::swap(c0, c1);
      for (int d = 0; d < dim; ++d) {
        double v = x[d];
        if (d >= c0 && d < c1) {
          v = x[d] + opt.f1 * (xa[d] - xbb[d]) + opt.f2 * (xb[d] - x[d]);
          v = std::clamp(v, opt.lower, opt.upper);
        }
        child[d] = v;
      }
    }
    objective(children, n, child_losses);
    result.evaluations += n;
    for (int k = 0; k < n; ++k) {
      const int i = first + k;
      double l =
          std::isnan(child_losses[k]) ? std::numeric_limits<double>::infinity() : child_losses[k];
      if (l <= losses[i]) {
        losses[i] = l;
        std::copy_n(&children[static_cast<size_t>(k) * dim], dim,
                    &population[static_cast<size_t>(i) * dim]);
        if (l < losses[best]) best = i;
      }
    }
    record(step);
  }
  result.best.assign(population.begin() + static_cast<size_t>(best) * dim,
                     population.begin() + static_cast<size_t>(best + 1) * dim);
  result.best_loss = losses[best];
  return result;
}

}  // namespace mmm
