#pragma once
// Space-filling designs over the unit cube [0, 1)^D for `mmm sweep` (SPEC §5): scrambled
// Sobol, Latin hypercube and a full grid. Every point is a deterministic function of
// (design, seed, n, index), so any chunk [a, b) can be generated on its own — what lets a
// sweep stream millions of candidates in bounded memory and resume where it stopped.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/sweep/sobol.hpp"

namespace mmm {

enum class DesignKind { kSobol, kLhs, kGrid };

/// Parses `sobol`, `lhs` or `grid`; InputError naming the value and the choices otherwise.
DesignKind parse_design(const std::string& text);
std::string design_name(DesignKind kind);

struct DesignOptions {
  DesignKind kind = DesignKind::kSobol;
  int dimensions = 1;
  std::uint64_t n = 1;     ///< points in the whole design (LHS strata per axis)
  std::uint64_t seed = 1;  ///< scrambling (Sobol), permutations and jitter (LHS)
  int grid_points = 3;     ///< grid: points per axis
  bool scramble = true;    ///< Sobol: false gives the raw Joe–Kuo sequence (tests)
};

/// The largest grid (points in all) a sweep accepts.
constexpr std::uint64_t kMaxGridPoints = std::uint64_t{1} << 40;

/// Number of points of a K^D grid, or kMaxGridPoints + 1 when it is larger than that.
/// InputError (exit 2) for K < 1.
std::uint64_t grid_size(int points_per_axis, int dimensions);

class Design {
 public:
  /// Validates the options (InputError for a Sobol dimension or size beyond the table, a grid
  /// that is too large) and precomputes per-dimension keys.
  explicit Design(const DesignOptions& options);

  const DesignOptions& options() const { return options_; }

  /// Writes points [first, first + count) row-major into out (count × D), every value in
  /// (0, 1): cell centres for Sobol (32-bit) and the grid, jittered strata for LHS.
  void generate(std::uint64_t first, int count, double* out) const;

  /// The LHS stratum of point `index` on axis `d` (a keyed bijection of [0, n)); exposed for
  /// tests.
  std::uint64_t lhs_stratum(std::uint64_t index, int d) const;

 private:
  void generate_sobol(std::uint64_t first, int count, double* out) const;
  void generate_lhs(std::uint64_t first, int count, double* out) const;
  void generate_grid(std::uint64_t first, int count, double* out) const;

  DesignOptions options_;
  std::unique_ptr<SobolSequence> sobol_;
  std::vector<std::uint32_t> scramble_seed_;  ///< Sobol: one Owen-scramble key per axis
  std::vector<std::uint64_t> feistel_keys_;   ///< LHS: kFeistelRounds keys per axis
  int half_bits_ = 1;                         ///< LHS: Feistel half width in bits
};

}  // namespace mmm
