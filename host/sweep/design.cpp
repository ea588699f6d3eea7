#include "host/sweep/design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/common/errors.hpp"
#include "host/common/philox.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kSobolStream = 0x53570001u;      // "SW": Sobol scramble keys
constexpr std::uint32_t kLhsKeyStream = 0x53570002u;     // LHS permutation keys
constexpr std::uint32_t kLhsJitterStream = 0x53570003u;  // LHS position inside a stratum
constexpr int kFeistelRounds = 6;
constexpr double kTwoPow32 = 4294967296.0;

std::uint32_t reverse_bits(std::uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}

/// Hash-based nested uniform (Owen) scramble in base 2: the Laine–Karras permutation of the
/// bit-reversed value with Burley's constants (JCGT 2020). Each bit is flipped depending on
/// the bits above it only, so the scrambled points keep Sobol's stratification.
std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t seed) {
  x = reverse_bits(x);
  x += seed;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return reverse_bits(x);
}

/// SplitMix64's finalizer: a cheap, well-mixing Feistel round function.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

DesignKind parse_design(const std::string& text) {
  if (text == "sobol") return DesignKind::kSobol;
  if (text == "lhs") return DesignKind::kLhs;
  if (text == "grid") return DesignKind::kGrid;
  throw InputError("invalid --design `" + text + "`; expected one of: sobol, lhs, grid");
}

std::string design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::kSobol:
      return "sobol";
    case DesignKind::kLhs:
      return "lhs";
    case DesignKind::kGrid:
      return "grid";
  }
  return "?";
}

std::uint64_t grid_size(int points_per_axis, int dimensions) {
  // Checked here, not by the callers: the size is the first thing each of them computes, and
  // the division below needs at least one point per axis.
  if (points_per_axis < 1) {
    throw InputError("invalid --grid-points " + std::to_string(points_per_axis) +
                     ": expected at least 1 point per axis");
  }
  std::uint64_t total = 1;
  for (int d = 0; d < dimensions; ++d) {
    if (total > kMaxGridPoints / static_cast<std::uint64_t>(points_per_axis)) {
      return kMaxGridPoints + 1;
    }
    total *= static_cast<std::uint64_t>(points_per_axis);
  }
  return total;
}

Design::Design(const DesignOptions& o) : options_(o) {
  const int D = o.dimensions;
  if (D < 1) throw InputError("a sweep needs at least one dimension (channel)");
  if (o.n < 1) throw InputError("invalid --n 0: expected at least 1 candidate");
  switch (o.kind) {
    case DesignKind::kSobol: {
      if (D > SobolSequence::kMaxDimensions) {
        throw InputError("--design sobol supports at most " +
                         std::to_string(SobolSequence::kMaxDimensions) + " dimensions (" +
                         std::to_string(SobolSequence::kMaxDimensions / 3) +
                         " channels × 3); this sweep has " + std::to_string(D) +
                         (D % 3 == 0 ? " (" + std::to_string(D / 3) + " channels × 3)" : "") +
                         "; use --design lhs");
      }
      if (o.n > SobolSequence::kMaxPoints) {
        throw InputError("invalid --n " + std::to_string(o.n) +
                         ": --design sobol supports at most 2^32 = 4294967296 points");
      }
      sobol_ = std::make_unique<SobolSequence>(D);
      for (int d = 0; d < D; ++d) {
        scramble_seed_.push_back(philox_words(o.seed, kSobolStream, static_cast<unsigned>(d)).v[0]);
      }
      break;
    }
    case DesignKind::kLhs: {
      if (o.n > (std::uint64_t{1} << 62)) {
        throw InputError("invalid --n " + std::to_string(o.n) + ": at most 2^62 for --design lhs");
      }
      int bits = 0;
      while (bits < 64 && ((o.n - 1) >> bits) != 0) ++bits;
      half_bits_ = std::max(1, (bits + 1) / 2);
      for (int d = 0; d < D; ++d) {
        for (int r = 0; r < kFeistelRounds; ++r) {
          const auto w = philox_words(o.seed, kLhsKeyStream,
                                      static_cast<std::uint64_t>(d) * kFeistelRounds + r);
          feistel_keys_.push_back((static_cast<std::uint64_t>(w.v[0]) << 32) | w.v[1]);
        }
      }
      break;
    }
    case DesignKind::kGrid: {
      const std::uint64_t size = grid_size(o.grid_points, D);
      if (size > kMaxGridPoints) {
        throw InputError("--design grid with --grid-points " + std::to_string(o.grid_points) +
                         " has " + std::to_string(o.grid_points) + "^" + std::to_string(D) +
                         " points, more than the limit 2^40; lower --grid-points or use sobol");
      }
      if (o.n != size) {
        throw InputError("--design grid with --grid-points " + std::to_string(o.grid_points) +
                         " has " + std::to_string(size) + " points but n is " +
                         std::to_string(o.n));
      }
      break;
    }
  }
}

void Design::generate(std::uint64_t first, int count, double* out) const {
  if (count <= 0) return;
  switch (options_.kind) {
    case DesignKind::kSobol:
      generate_sobol(first, count, out);
      return;
    case DesignKind::kLhs:
      generate_lhs(first, count, out);
      return;
    case DesignKind::kGrid:
      generate_grid(first, count, out);
      return;
  }
}

void Design::generate_sobol(std::uint64_t first, int count, double* out) const {
  const int D = options_.dimensions;
  std::vector<std::uint32_t> bits(D);
  sobol_->point_bits(first, bits.data());
  for (int i = 0; i < count; ++i) {
    if (i > 0) sobol_->next_bits(first + i - 1, bits.data());
    double* row = out + static_cast<size_t>(i) * D;
    for (int d = 0; d < D; ++d) {
      const std::uint32_t x =
          options_.scramble ? owen_scramble(bits[d], scramble_seed_[d]) : bits[d];
      row[d] = (static_cast<double>(x) + 0.5) / kTwoPow32;
    }
  }
}

std::uint64_t Design::lhs_stratum(std::uint64_t index, int d) const {
  const int h = half_bits_;
  const std::uint64_t mask = (std::uint64_t{1} << h) - 1;
  const std::uint64_t* keys = &feistel_keys_[static_cast<size_t>(d) * kFeistelRounds];
  // A balanced Feistel network is a bijection of [0, 4^h); cycle walking (re-applying it until
  // the value falls inside [0, n)) restricts it to a bijection of [0, n), and 4^h < 4n keeps
  // the expected number of walks below 4.
  std::uint64_t x = index;
  do {
    std::uint64_t left = x >> h, right = x & mask;
    for (int r = 0; r < kFeistelRounds; ++r) {
      const std::uint64_t next = left ^ (mix64(right ^ keys[r]) & mask);
      left = right;
      right = next;
    }
    x = (left << h) | right;
  } while (x >= options_.n);
  return x;
}

void Design::generate_lhs(std::uint64_t first, int count, double* out) const {
  const int D = options_.dimensions;
  const std::uint64_t blocks = static_cast<std::uint64_t>((D + 1) / 2);  // 2 uniforms a block
  const double n = static_cast<double>(options_.n);
  const double below_one = std::nextafter(1.0, 0.0);
  for (int i = 0; i < count; ++i) {
    const std::uint64_t index = first + static_cast<std::uint64_t>(i);
    double* row = out + static_cast<size_t>(i) * D;
    for (int d = 0; d < D; d += 2) {
      const auto w = philox_words(options_.seed, kLhsJitterStream, index * blocks + d / 2);
      for (int k = 0; k < 2 && d + k < D; ++k) {
        // 53 random bits, shifted half a step so that the jitter lies in (0, 1).
        const double jitter = words_to_unit(w.v[2 * k], w.v[2 * k + 1]) + 0x1p-54;
        const double v = (static_cast<double>(lhs_stratum(index, d + k)) + jitter) / n;
        row[d + k] = std::min(v, below_one);
      }
    }
  }
}

void Design::generate_grid(std::uint64_t first, int count, double* out) const {
  const int D = options_.dimensions;
  const std::uint64_t K = static_cast<std::uint64_t>(options_.grid_points);
  for (int i = 0; i < count; ++i) {
    std::uint64_t rest = first + static_cast<std::uint64_t>(i);
    double* row = out + static_cast<size_t>(i) * D;
    for (int d = 0; d < D; ++d) {
      row[d] = (static_cast<double>(rest % K) + 0.5) / static_cast<double>(K);
      rest /= K;
    }
  }
}

}  // namespace mmm
