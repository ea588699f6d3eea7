// Differential evolution (SPEC §5): convergence on a shifted sphere, exact budget accounting,
// a monotone trace, reproducibility per seed, seeding, NaN handling and the box constraint.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/search/differential_evolution.hpp"

namespace mmm {
namespace {

constexpr int kDim = 6;
const std::vector<double> kShift = {1.5, -2.0, 0.25, 3.0, -4.0, 0.75};

double sphere(const double* x) {
  double s = 0.0;
  for (int d = 0; d < kDim; ++d) s += (x[d] - kShift[d]) * (x[d] - kShift[d]);
  return s;
}

/// Objective that counts points and calls, and checks every point lies in the box.
struct CountingSphere {
  long points = 0;
  int calls = 0;
  std::vector<int> batch_sizes;
  double lower = -5.0, upper = 5.0;
  bool out_of_box = false;

  BatchObjective objective() {
    return [this](const std::vector<double>& x, int count, std::vector<double>& losses) {
      ++calls;
      points += count;
      batch_sizes.push_back(count);
      EXPECT_GE(losses.size(), static_cast<size_t>(count));
      EXPECT_GE(x.size(), static_cast<size_t>(count) * kDim);
      for (int i = 0; i < count; ++i) {
        for (int d = 0; d < kDim; ++d) {
          const double v = x[static_cast<size_t>(i) * kDim + d];
          if (!(v >= lower && v <= upper)) out_of_box = true;
        }
        losses[i] = sphere(&x[static_cast<size_t>(i) * kDim]);
      }
    };
  }
};

TEST(DifferentialEvolution, MinimizesShiftedSphere) {
  DeOptions opt;
  opt.budget = 6000;
  opt.population = 30;
  opt.seed = 42;
  CountingSphere f;
  const SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_LT(r.best_loss, 1e-3);
  ASSERT_EQ(r.best.size(), static_cast<size_t>(kDim));
  for (int d = 0; d < kDim; ++d) EXPECT_NEAR(r.best[d], kShift[d], 0.05) << "d=" << d;
  EXPECT_NEAR(sphere(r.best.data()), r.best_loss, 1e-15);
  EXPECT_EQ(r.evaluations, 6000);
  EXPECT_EQ(f.points, 6000);
  EXPECT_FALSE(f.out_of_box);
}

TEST(DifferentialEvolution, MinimizesShiftedSphereGenerationally) {
  DeOptions opt;
  opt.budget = 6000;
  opt.seed = 7;
  opt.calls_per_generation = 1;  // classic DE: the whole population per backend call
  CountingSphere f;
  const SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_LT(r.best_loss, 1e-3);
  EXPECT_EQ(f.points, 6000);
  EXPECT_EQ(f.calls, 200);
}

TEST(DifferentialEvolution, BudgetIsExactEvenWhenNotAMultipleOfPopulation) {
  for (int calls : {1, 5, 7, 30, 100}) {
    for (long budget : {30L, 31L, 59L, 60L, 1000L, 1001L}) {
      DeOptions opt;
      opt.budget = budget;
      opt.population = 30;
      opt.calls_per_generation = calls;
      CountingSphere f;
      const SearchResult r = differential_evolution(kDim, opt, f.objective());
      const std::string what = "budget " + std::to_string(budget) + ", " + std::to_string(calls) +
                               " calls per generation";
      EXPECT_EQ(r.evaluations, budget) << what;
      EXPECT_EQ(f.points, budget) << what;
      ASSERT_FALSE(f.batch_sizes.empty());
      EXPECT_EQ(f.batch_sizes.front(), 30) << what;  // the initial population in one call
      // Later calls take slices of ⌈30 / calls⌉ members (calls clamped to [1, population]).
      const int slice = (30 + std::min(calls, 30) - 1) / std::min(calls, 30);
      for (size_t k = 1; k + 1 < f.batch_sizes.size(); ++k) {
        EXPECT_LE(f.batch_sizes[k], slice) << what;
        EXPECT_GE(f.batch_sizes[k], 1) << what;
      }
      if (calls == 1) {
        EXPECT_EQ(f.calls, static_cast<int>((budget + 29) / 30)) << what;
      }
      // One trace point per backend call (0 = the initial population).
      ASSERT_EQ(r.trace.size(), static_cast<size_t>(f.calls)) << what;
      EXPECT_EQ(r.trace.back().evaluations, budget) << what;
      long evaluations = 0;
      for (size_t g = 0; g < r.trace.size(); ++g) {
        EXPECT_EQ(r.trace[g].generation, static_cast<int>(g)) << what;
        evaluations += f.batch_sizes[g];
        EXPECT_EQ(r.trace[g].evaluations, evaluations) << what;
      }
    }
  }
}

TEST(DifferentialEvolution, SlicesOfTheDefaultFiveCallsPerGeneration) {
  DeOptions opt;
  opt.budget = 100;
  opt.population = 30;
  opt.calls_per_generation = 5;
  CountingSphere f;
  differential_evolution(kDim, opt, f.objective());
  EXPECT_EQ(f.batch_sizes, (std::vector<int>{30, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 4}));
}

TEST(DifferentialEvolution, BudgetSmallerThanPopulationShrinksIt) {
  DeOptions opt;
  opt.budget = 10;
  opt.population = 30;
  CountingSphere f;
  const SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_EQ(r.evaluations, 10);
  EXPECT_EQ(f.points, 10);
  EXPECT_EQ(f.calls, 1);
  EXPECT_EQ(r.trace.size(), 1u);
  EXPECT_EQ(r.best.size(), static_cast<size_t>(kDim));
}

TEST(DifferentialEvolution, PopulationBelowFourIsRaisedToFour) {
  DeOptions opt;
  opt.budget = 20;
  opt.population = 2;
  opt.calls_per_generation = 1;
  CountingSphere f;
  const SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_EQ(f.batch_sizes, (std::vector<int>{4, 4, 4, 4, 4}));
  EXPECT_EQ(r.evaluations, 20);
}

TEST(DifferentialEvolution, LatinHypercubeInitialPopulationCoversEveryAxis) {
  DeOptions opt;
  opt.budget = 30;
  opt.population = 30;
  opt.init_sigma = 0.0;  // Latin hypercube over the box
  std::vector<double> first;
  BatchObjective objective = [&](const std::vector<double>& x, int count,
                                 std::vector<double>& losses) {
    first.assign(x.begin(), x.begin() + count * kDim);
    for (int i = 0; i < count; ++i) losses[i] = 0.0;
  };
  differential_evolution(kDim, opt, objective);
  ASSERT_EQ(first.size(), static_cast<size_t>(30 * kDim));
  for (int d = 0; d < kDim; ++d) {
    std::vector<int> strata;
    for (int i = 0; i < 30; ++i) {
      strata.push_back(static_cast<int>(std::floor((first[i * kDim + d] + 5.0) / 10.0 * 30.0)));
    }
    std::sort(strata.begin(), strata.end());
    for (int i = 0; i < 30; ++i) EXPECT_EQ(strata[i], i) << "axis " << d;
  }
}

TEST(DifferentialEvolution, GaussianInitialPopulationIsCentred) {
  DeOptions opt;
  opt.budget = 200;
  opt.population = 200;
  opt.init_sigma = 1.0;
  opt.lower = -3.0;
  opt.upper = 7.0;  // centre 2
  std::vector<double> first;
  BatchObjective objective = [&](const std::vector<double>& x, int count,
                                 std::vector<double>& losses) {
    first.assign(x.begin(), x.begin() + count * kDim);
    for (int i = 0; i < count; ++i) losses[i] = 0.0;
  };
  differential_evolution(kDim, opt, objective);
  double sum = 0.0, sum2 = 0.0;
  for (double v : first) {
    sum += v;
    sum2 += v * v;
  }
  const double n = static_cast<double>(first.size()), mean = sum / n;
  EXPECT_NEAR(mean, 2.0, 0.15);  // sd of the mean ≈ 0.03
  EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 1.0, 0.1);
}

TEST(DifferentialEvolution, ZeroBudgetOrDimensionEvaluatesNothing) {
  CountingSphere f;
  DeOptions opt;
  opt.budget = 0;
  SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_EQ(r.evaluations, 0);
  EXPECT_TRUE(r.best.empty());
  opt.budget = 100;
  r = differential_evolution(0, opt, f.objective());
  EXPECT_EQ(r.evaluations, 0);
  EXPECT_EQ(f.calls, 0);
}

TEST(DifferentialEvolution, TraceIsMonotoneAndMatchesTheResult) {
  DeOptions opt;
  opt.budget = 1500;
  opt.population = 30;
  opt.seed = 3;
  CountingSphere f;
  std::vector<SearchTracePoint> seen;
  const SearchResult r = differential_evolution(
      kDim, opt, f.objective(), {}, [&](const SearchTracePoint& p) { seen.push_back(p); });
  ASSERT_GT(r.trace.size(), 50u);  // at least one point per generation
  ASSERT_EQ(seen.size(), r.trace.size());
  for (size_t g = 0; g < r.trace.size(); ++g) {
    EXPECT_EQ(seen[g].best_loss, r.trace[g].best_loss);
    EXPECT_EQ(r.trace[g].generation, static_cast<int>(g));
    EXPECT_LE(r.trace[g].best_loss, r.trace[g].mean_loss);
    EXPECT_GE(r.trace[g].seconds, 0.0);
    if (g > 0) {
      EXPECT_LE(r.trace[g].best_loss, r.trace[g - 1].best_loss) << "generation " << g;
      EXPECT_GE(r.trace[g].seconds, r.trace[g - 1].seconds);
      EXPECT_GT(r.trace[g].evaluations, r.trace[g - 1].evaluations);
    }
  }
  EXPECT_EQ(r.trace.front().evaluations, 30);
  EXPECT_EQ(r.trace.back().evaluations, 1500);
  EXPECT_EQ(r.trace.back().best_loss, r.best_loss);
  EXPECT_LT(r.trace.back().best_loss, r.trace.front().best_loss);
}

TEST(DifferentialEvolution, UnsearchedCoordinatesStayAtTheirStartAndEveryChildMoves) {
  // Coordinates 1 and 4 flagged as not searched (a logistic channel's α): no child changes
  // them, no child repeats a point already evaluated (a copy of its parent would: an
  // evaluation wasted), and the search still finds the other coordinates' optimum.
  DeOptions opt;
  opt.budget = 3000;
  opt.seed = 5;
  opt.searched = {1, 0, 1, 1, 0, 1};
  std::vector<std::vector<double>> seen;
  bool moved_pinned = false, repeated = false;
  DifferentialEvolution de(kDim, opt);
  const size_t population = static_cast<size_t>(opt.population);
  while (!de.done()) {
    int count = 0;
    const std::vector<double>& x = de.ask(&count);
    std::vector<double> losses(count);
    for (int i = 0; i < count; ++i) {
      const std::vector<double> p(x.begin() + static_cast<std::ptrdiff_t>(i) * kDim,
                                  x.begin() + static_cast<std::ptrdiff_t>(i + 1) * kDim);
      if (seen.size() >= population) {
        bool from_initial = false;
        for (size_t m = 0; m < population; ++m)
          from_initial = from_initial || (seen[m][1] == p[1] && seen[m][4] == p[4]);
        moved_pinned = moved_pinned || !from_initial;
        repeated = repeated || std::find(seen.begin(), seen.end(), p) != seen.end();
      }
      seen.push_back(p);
      losses[i] = sphere(p.data());
    }
    de.tell(losses);
  }
  EXPECT_EQ(seen.size(), 3000u);
  EXPECT_FALSE(moved_pinned);
  EXPECT_FALSE(repeated);
  const SearchResult r = de.result();
  for (int d : {0, 2, 3, 5}) EXPECT_NEAR(r.best[d], kShift[d], 0.05) << d;
}

TEST(DifferentialEvolution, AllCoordinatesFlaggedSearchedIsTheUnflaggedSearch) {
  DeOptions opt;
  opt.budget = 600;
  opt.seed = 23;
  CountingSphere f1, f2;
  const SearchResult a = differential_evolution(kDim, opt, f1.objective());
  opt.searched.assign(kDim, 1);
  const SearchResult b = differential_evolution(kDim, opt, f2.objective());
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.best_loss, b.best_loss);
}

TEST(DifferentialEvolution, DeterministicForASeedDifferentForAnother) {
  DeOptions opt;
  opt.budget = 600;
  opt.seed = 17;
  CountingSphere f1, f2, f3;
  const SearchResult a = differential_evolution(kDim, opt, f1.objective());
  const SearchResult b = differential_evolution(kDim, opt, f2.objective());
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.best_loss, b.best_loss);
  ASSERT_EQ(a.trace.size(), b.trace.size());
  for (size_t g = 0; g < a.trace.size(); ++g) {
    EXPECT_EQ(a.trace[g].best_loss, b.trace[g].best_loss);
    EXPECT_EQ(a.trace[g].mean_loss, b.trace[g].mean_loss);
  }
  opt.seed = 18;
  const SearchResult c = differential_evolution(kDim, opt, f3.objective());
  EXPECT_NE(a.best, c.best);
  EXPECT_NE(a.trace.front().mean_loss, c.trace.front().mean_loss);
}

TEST(DifferentialEvolution, SeedsAreEvaluatedInTheFirstGeneration) {
  DeOptions opt;
  opt.budget = 90;
  opt.population = 30;
  std::vector<double> first_batch;
  BatchObjective objective = [&](const std::vector<double>& x, int count,
                                 std::vector<double>& losses) {
    if (first_batch.empty()) first_batch.assign(x.begin(), x.begin() + count * kDim);
    for (int i = 0; i < count; ++i) losses[i] = sphere(&x[static_cast<size_t>(i) * kDim]);
  };
  // Two seeds: a far point whose first coordinate lies outside the box (it is clamped), then
  // the optimum itself.
  std::vector<double> seeds = {9.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  seeds.insert(seeds.end(), kShift.begin(), kShift.end());
  const SearchResult r = differential_evolution(kDim, opt, objective, seeds);
  ASSERT_EQ(first_batch.size(), static_cast<size_t>(30 * kDim));
  EXPECT_EQ(first_batch[0], 5.0);  // clamped to upper
  for (int d = 1; d < kDim; ++d) EXPECT_EQ(first_batch[d], 0.0);
  for (int d = 0; d < kDim; ++d) EXPECT_EQ(first_batch[kDim + d], kShift[d]);
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace.front().best_loss, 0.0);
  EXPECT_EQ(r.best_loss, 0.0);
  EXPECT_EQ(r.best, kShift);
}

TEST(DifferentialEvolution, PartialSeedRowIsIgnored) {
  // 1.5 points' worth of values: only the whole first point is used.
  DeOptions opt;
  opt.budget = 30;
  std::vector<double> first_batch;
  BatchObjective objective = [&](const std::vector<double>& x, int count,
                                 std::vector<double>& losses) {
    first_batch.assign(x.begin(), x.begin() + count * kDim);
    for (int i = 0; i < count; ++i) losses[i] = 1.0;
  };
  const std::vector<double> seeds = {1, 2, 3, 4, 1, 2, 9, 9, 9};
  differential_evolution(kDim, opt, objective, seeds);
  for (int d = 0; d < kDim; ++d) EXPECT_EQ(first_batch[d], seeds[d]);
  EXPECT_NE(first_batch[kDim], 9.0);
}

TEST(DifferentialEvolution, NanLossesAreTreatedAsInfinity) {
  DeOptions opt;
  opt.budget = 1200;
  opt.seed = 5;
  // NaN on half of the box (x0 > 0); the optimum of the finite half is at x0 = 0.
  BatchObjective objective = [](const std::vector<double>& x, int count,
                                std::vector<double>& losses) {
    for (int i = 0; i < count; ++i) {
      const double* p = &x[static_cast<size_t>(i) * kDim];
      losses[i] = p[0] > 0.0 ? std::numeric_limits<double>::quiet_NaN() : sphere(p);
    }
  };
  const SearchResult r = differential_evolution(kDim, opt, objective);
  ASSERT_EQ(r.best.size(), static_cast<size_t>(kDim));
  EXPECT_TRUE(std::isfinite(r.best_loss));
  EXPECT_LE(r.best[0], 0.0);
  for (const SearchTracePoint& p : r.trace) {
    EXPECT_FALSE(std::isnan(p.best_loss));
    EXPECT_TRUE(std::isfinite(p.mean_loss));
  }
  // Near the constrained optimum x0 = 0, others at the shift: loss ≈ 1.5² = 2.25.
  EXPECT_LT(r.best_loss, 2.25 + 0.5);
}

TEST(DifferentialEvolution, AllNanLossesGiveInfiniteBest) {
  DeOptions opt;
  opt.budget = 90;
  BatchObjective objective = [](const std::vector<double>&, int count,
                                std::vector<double>& losses) {
    for (int i = 0; i < count; ++i) losses[i] = std::numeric_limits<double>::quiet_NaN();
  };
  const SearchResult r = differential_evolution(kDim, opt, objective);
  EXPECT_TRUE(std::isinf(r.best_loss));
  EXPECT_GT(r.best_loss, 0.0);
  EXPECT_EQ(r.evaluations, 90);
  for (const SearchTracePoint& p : r.trace) {
    EXPECT_TRUE(std::isinf(p.best_loss));
    EXPECT_TRUE(std::isinf(p.mean_loss));  // no finite loss to average
  }
}

TEST(DifferentialEvolution, PointsStayInsideACustomBox) {
  DeOptions opt;
  opt.budget = 3000;
  opt.lower = -1.0;
  opt.upper = 0.5;  // the sphere's optimum is outside: the search presses on the bounds
  opt.seed = 9;
  CountingSphere f;
  f.lower = opt.lower;
  f.upper = opt.upper;
  const SearchResult r = differential_evolution(kDim, opt, f.objective());
  EXPECT_FALSE(f.out_of_box);
  for (int d = 0; d < kDim; ++d) {
    EXPECT_GE(r.best[d], opt.lower);
    EXPECT_LE(r.best[d], opt.upper);
    const double projected = std::clamp(kShift[d], opt.lower, opt.upper);
    EXPECT_NEAR(r.best[d], projected, 0.05) << "d=" << d;
  }
}

}  // namespace
}  // namespace mmm

namespace mmm {
namespace {

TEST(DifferentialEvolution, CallsPerGenerationForGpuSizedPopulationsIsOne) {
  EXPECT_EQ(calls_per_generation_for(30), 5);
  EXPECT_EQ(calls_per_generation_for(4095), 5);
  EXPECT_EQ(calls_per_generation_for(4096), 1);
  EXPECT_EQ(calls_per_generation_for(131072), 1);
}

}  // namespace
}  // namespace mmm
