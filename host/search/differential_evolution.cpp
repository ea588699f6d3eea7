#include "host/search/differential_evolution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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

int calls_per_generation_for(int population) {
  return population >= 4096 ? 1 : DeOptions{}.calls_per_generation;
}

DifferentialEvolution::DifferentialEvolution(int dim, const DeOptions& opt,
                                             const std::vector<double>& seeds)
    : dim_(dim),
      pop_(0),
      calls_(1),
      slice_(1),
      opt_(opt),
      rng_(opt.seed, kDeStream),
      start_(std::chrono::steady_clock::now()) {
  if (opt.budget <= 0 || dim <= 0) return;
  for (int d = 0; d < dim; ++d) {
    if (opt.searched.empty() || opt.searched.at(static_cast<size_t>(d)) != 0)
      searched_.push_back(d);
  }
  // Nothing to search (every coordinate fixed): one evaluation of the initial population.
  if (searched_.empty()) opt_.budget = std::min<long>(opt.budget, std::max(opt.population, 4));
  pop_ = static_cast<int>(std::min<long>(std::max(opt.population, 4), opt.budget));
  losses_.assign(pop_, 0.0);
  if (opt.init_sigma > 0) {
    gaussian_cloud(pop_, dim, opt, rng_, population_);
  } else {
    latin_hypercube(pop_, dim, opt.lower, opt.upper, rng_, population_);
  }
  const int n_seeds = std::min(pop_, static_cast<int>(seeds.size() / dim));
  for (int s = 0; s < n_seeds; ++s) {
    for (int d = 0; d < dim; ++d) {
      population_[static_cast<size_t>(s) * dim + d] =
          std::clamp(seeds[static_cast<size_t>(s) * dim + d], opt.lower, opt.upper);
    }
  }
  children_.assign(static_cast<size_t>(pop_) * dim, 0.0);
  // Members get children in turn, one slice per backend call; a later slice already sees the
  // improvements (and the new best) of the earlier ones.
  calls_ = std::clamp(opt.calls_per_generation, 1, pop_);
  slice_ = (pop_ + calls_ - 1) / calls_;
}

bool DifferentialEvolution::done() const {
  return pop_ == 0 || (initialized_ && result_.evaluations >= opt_.budget);
}

const std::vector<double>& DifferentialEvolution::ask(int* count) {
  if (!initialized_) {
    *count = pop_;
    return population_;
  }
  const int first = next_member_;
  const int n =
      static_cast<int>(std::min<long>({static_cast<long>(slice_), static_cast<long>(pop_ - first),
                                       opt_.budget - result_.evaluations}));
  next_member_ = (first + n) % pop_;
  pending_first_ = first;
  pending_count_ = n;
  const double* xb = &population_[static_cast<size_t>(best_) * dim_];
  for (int k = 0; k < n; ++k) {
    const int i = first + k;
    int a, b;
    do a = rng_.index(pop_);
    while (a == i);
    do b = rng_.index(pop_);
    while (b == i || b == a);
    const double* x = &population_[static_cast<size_t>(i) * dim_];
    const double* xa = &population_[static_cast<size_t>(a) * dim_];
    const double* xbb = &population_[static_cast<size_t>(b) * dim_];
    double* child = &children_[static_cast<size_t>(k) * dim_];
    // Two distinct cut points in [0, n] over the n searched coordinates: the child takes the
    // donor's values at searched coordinates [c0, c1) and keeps its parent's elsewhere (at
    // least one searched coordinate changes).
    const int searched = static_cast<int>(searched_.size());
    int c0 = rng_.index(searched + 1), c1;
    do c1 = rng_.index(searched + 1);
    while (c1 == c0);
    if (c0 > c1) std::swap(c0, c1);
    std::copy_n(x, dim_, child);
    for (int j = c0; j < c1; ++j) {
      const int d = searched_[static_cast<size_t>(j)];
      child[d] = std::clamp(x[d] + opt_.f1 * (xa[d] - xbb[d]) + opt_.f2 * (xb[d] - x[d]),
                            opt_.lower, opt_.upper);
    }
  }
  *count = n;
  return children_;
}

void DifferentialEvolution::tell(const std::vector<double>& losses) {
  const double inf = std::numeric_limits<double>::infinity();
  if (!initialized_) {
    for (int i = 0; i < pop_; ++i) losses_[i] = std::isnan(losses[i]) ? inf : losses[i];
    result_.evaluations = pop_;
    best_ = static_cast<int>(std::min_element(losses_.begin(), losses_.end()) - losses_.begin());
    initialized_ = true;
  } else {
    result_.evaluations += pending_count_;
    for (int k = 0; k < pending_count_; ++k) {
      const int i = pending_first_ + k;
      const double l = std::isnan(losses[k]) ? inf : losses[k];
      if (l <= losses_[i]) {
        losses_[i] = l;
        std::copy_n(&children_[static_cast<size_t>(k) * dim_], dim_,
                    &population_[static_cast<size_t>(i) * dim_]);
        if (l < losses_[best_]) best_ = i;
      }
    }
    ++step_;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  result_.trace.push_back(
      {step_, result_.evaluations, losses_[best_], mean_finite(losses_, pop_), seconds});
}

SearchResult DifferentialEvolution::result() const {
  SearchResult r = result_;
  if (initialized_) {
    r.best.assign(population_.begin() + static_cast<size_t>(best_) * dim_,
                  population_.begin() + static_cast<size_t>(best_ + 1) * dim_);
    r.best_loss = losses_[best_];
  }
  return r;
}

SearchResult differential_evolution(int dim, const DeOptions& opt, const BatchObjective& objective,
                                    const std::vector<double>& seeds,
                                    const SearchProgress& progress) {
  DifferentialEvolution de(dim, opt, seeds);
  std::vector<double> losses;
  while (!de.done()) {
    int count = 0;
    const std::vector<double>& points = de.ask(&count);
    losses.assign(count, 0.0);
    objective(points, count, losses);
    de.tell(losses);
    if (progress) progress(de.last_trace());
  }
  return de.result();
}

}  // namespace mmm
