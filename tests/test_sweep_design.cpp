// The sweep's designs and accumulators (SPEC §5): Sobol against the published unscrambled
// sequence, one point per stratum for Latin hypercubes, the full grid, determinism per
// (seed, index) so that any chunk can be generated alone, and a top-K that does not depend on
// how the stream of candidates is chunked.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/sweep/design.hpp"
#include "host/sweep/sobol.hpp"
#include "host/sweep/sweep_results.hpp"

namespace mmm {
namespace {

std::vector<double> points(const Design& design, std::uint64_t first, int count) {
  std::vector<double> out(static_cast<size_t>(count) * design.options().dimensions);
  design.generate(first, count, out.data());
  return out;
}

DesignOptions options(DesignKind kind, int dims, std::uint64_t n, std::uint64_t seed = 1) {
  DesignOptions o;
  o.kind = kind;
  o.dimensions = dims;
  o.n = n;
  o.seed = seed;
  return o;
}

TEST(SweepDesign, UnscrambledSobolMatchesThePublishedSequence) {
  // The first 8 points of Joe–Kuo's sequence in 3 dimensions (Gray-code order, as SciPy's
  // qmc.Sobol(d=3, scramble=False) prints them).
  const double expected[8][3] = {{0, 0, 0},
                                 {0.5, 0.5, 0.5},
                                 {0.75, 0.25, 0.25},
                                 {0.25, 0.75, 0.75},
                                 {0.375, 0.375, 0.625},
                                 {0.875, 0.875, 0.125},
                                 {0.625, 0.125, 0.875},
                                 {0.125, 0.625, 0.375}};
  DesignOptions o = options(DesignKind::kSobol, 3, 8);
  o.scramble = false;
  const std::vector<double> p = points(Design(o), 0, 8);
  for (int i = 0; i < 8; ++i) {
    for (int d = 0; d < 3; ++d) {
      // Coordinates are 32-bit cell centres: the published value plus half a cell.
      EXPECT_NEAR(p[i * 3 + d], expected[i][d], 1e-9) << "point " << i << " dim " << d;
    }
  }
}

TEST(SweepDesign, EverySobolDimensionStratifiesPowersOfTwo) {
  // A Sobol sequence puts exactly one of its first 2^m points in each interval [k/2^m,
  // (k+1)/2^m) of every axis, whatever the direction numbers; scrambling keeps that.
  const int D = SobolSequence::kMaxDimensions;
  for (bool scramble : {false, true}) {
    DesignOptions o = options(DesignKind::kSobol, D, 256, 7);
    o.scramble = scramble;
    const std::vector<double> p = points(Design(o), 0, 256);
    for (int d = 0; d < D; ++d) {
      std::set<int> cells;
      for (int i = 0; i < 256; ++i) cells.insert(static_cast<int>(p[i * D + d] * 256));
      EXPECT_EQ(cells.size(), 256u) << "dimension " << d << " scramble " << scramble;
    }
  }
}

TEST(SweepDesign, SobolBeyondTheTableIsAnInputError) {
  EXPECT_THROW(Design(options(DesignKind::kSobol, SobolSequence::kMaxDimensions + 1, 10)),
               InputError);
  EXPECT_THROW(Design(options(DesignKind::kSobol, 3, SobolSequence::kMaxPoints + 1)), InputError);
}

TEST(SweepDesign, LatinHypercubeHasOnePointPerStratumPerAxis) {
  for (std::uint64_t n : {1ull, 2ull, 7ull, 50ull, 1000ull}) {
    const int D = 6;
    const Design design(options(DesignKind::kLhs, D, n, 11));
    const std::vector<double> p = points(design, 0, static_cast<int>(n));
    for (int d = 0; d < D; ++d) {
      std::vector<int> seen(n, 0);
      for (std::uint64_t i = 0; i < n; ++i) {
        const double v = p[i * D + d];
        const auto stratum = static_cast<std::uint64_t>(v * static_cast<double>(n));
        ASSERT_LT(stratum, n);
        EXPECT_EQ(stratum, design.lhs_stratum(i, d));
        ++seen[stratum];
      }
      for (std::uint64_t s = 0; s < n; ++s) EXPECT_EQ(seen[s], 1) << "n " << n << " axis " << d;
    }
  }
}

TEST(SweepDesign, LatinHypercubeAxesArePermutedIndependently) {
  const Design design(options(DesignKind::kLhs, 2, 1000, 3));
  int same = 0;
  for (std::uint64_t i = 0; i < 1000; ++i)
    same += design.lhs_stratum(i, 0) == design.lhs_stratum(i, 1);
  EXPECT_LT(same, 20);  // about 1 expected for independent permutations
}

TEST(SweepDesign, GridVisitsEveryCellCentre) {
  DesignOptions o = options(DesignKind::kGrid, 2, 9);
  o.grid_points = 3;
  const std::vector<double> p = points(Design(o), 0, 9);
  std::set<std::pair<int, int>> cells;
  for (int i = 0; i < 9; ++i) {
    for (int d = 0; d < 2; ++d) {
      const double k = p[i * 2 + d] * 3 - 0.5;
      EXPECT_NEAR(k, std::round(k), 1e-12);
    }
    cells.insert({static_cast<int>(p[i * 2] * 3), static_cast<int>(p[i * 2 + 1] * 3)});
  }
  EXPECT_EQ(cells.size(), 9u);
  o.n = 10;
  EXPECT_THROW(Design{o}, InputError);
  EXPECT_GT(grid_size(5, 60), kMaxGridPoints);
  EXPECT_EQ(grid_size(3, 4), 81u);
}

TEST(SweepDesign, PointsLieInsideTheUnitCubeAndDependOnlyOnSeedAndIndex) {
  for (DesignKind kind : {DesignKind::kSobol, DesignKind::kLhs, DesignKind::kGrid}) {
    DesignOptions o = options(kind, 4, kind == DesignKind::kGrid ? 625 : 5000, 5);
    o.grid_points = 5;
    const Design design(o);
    const int n = static_cast<int>(o.n);
    const std::vector<double> all = points(design, 0, n);
    for (double v : all) {
      EXPECT_GT(v, 0.0);
      EXPECT_LT(v, 1.0);
    }
    // Any chunk, generated alone, equals the same rows of the whole design.
    for (std::uint64_t first : {0ull, 1ull, 333ull, 511ull, 512ull}) {
      const std::vector<double> part = points(design, first, 77);
      for (size_t k = 0; k < part.size(); ++k) EXPECT_EQ(part[k], all[first * 4 + k]);
    }
    EXPECT_EQ(points(Design(o), 100, 10), points(design, 100, 10));
    if (kind != DesignKind::kGrid) {
      o.seed = 6;
      EXPECT_NE(points(Design(o), 100, 10), points(design, 100, 10)) << design_name(kind);
    }
  }
}

TEST(SweepDesign, ParsesDesignNames) {
  EXPECT_EQ(parse_design("sobol"), DesignKind::kSobol);
  EXPECT_EQ(parse_design("lhs"), DesignKind::kLhs);
  EXPECT_EQ(parse_design("grid"), DesignKind::kGrid);
  EXPECT_THROW(parse_design("random"), InputError);
}

TEST(SweepTopK, ChunkedStreamKeepsTheExactTopKWithTies) {
  // Losses with many ties: the order must fall back on the index.
  PhiloxStream rng(9, 1);
  const int n = 5000;
  std::vector<double> loss(n);
  for (auto& l : loss) l = std::floor(rng.uniform() * 200) / 200;
  std::vector<std::uint64_t> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::uint64_t a, std::uint64_t b) { return ranks_before(loss[a], a, loss[b], b); });
  for (int chunk : {7, 64, n}) {
    TopK top(100);
    for (int first = 0; first < n; first += chunk) {
      for (int i = first; i < std::min(n, first + chunk); ++i) {
        if (top.accepts(loss[i], i)) top.push({static_cast<std::uint64_t>(i), loss[i], 0, {}, {}});
      }
    }
    const auto kept = top.sorted();
    ASSERT_EQ(kept.size(), 100u);
    for (int k = 0; k < 100; ++k) EXPECT_EQ(kept[k].index, order[k]) << "chunk " << chunk;
  }
}

TEST(SweepSummary, BinsCountMinimumAndSum) {
  SweepSummary s(1, 4);
  const double a[3] = {0.1, 0.5, 0.99}, b[3] = {0.2, 0.74, 0.0};
  s.add(a, 2.0);
  s.add(b, 1.0);
  EXPECT_EQ(s.count[0], 2);  // θ bin 0 holds both
  EXPECT_EQ(s.min_loss[0], 1.0);
  EXPECT_EQ(s.sum_loss[0].value(), 3.0);
  EXPECT_EQ(s.count[4 + 2], 2);  // α: 0.5 and 0.74 fall in bin 2
  EXPECT_EQ(s.count[8 + 3], 1);  // γ: 0.99 in bin 3, 0.0 in bin 0
  EXPECT_EQ(s.count[8 + 0], 1);
  EXPECT_TRUE(std::isinf(s.min_loss[1]));
}

}  // namespace
}  // namespace mmm
