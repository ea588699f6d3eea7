#pragma once
// Counter-based random numbers (Random123 Philox-4x32-10), identical on host and device: a
// value depends only on (seed, stream, counter), never on the order it is drawn in. That is
// what lets the CPU and CUDA backends draw the same bootstrap resamples for a seed (SPEC §6).

#include <Random123/philox.h>

#include <cstdint>

#include "host/common/hd.hpp"

namespace mmm {

/// Four 32-bit random words for (seed, stream, counter).
MMM_HD inline r123::Philox4x32::ctr_type philox_words(std::uint64_t seed, std::uint32_t stream,
                                                      std::uint64_t counter) {
  r123::Philox4x32 gen;
  r123::Philox4x32::ctr_type ctr = {
      {static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32), stream, 0u}};
  r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  return gen(ctr, key);
}

/// A 64-bit seed derived from (seed, stream, index): the independent seed of sub-run `index`
/// (a nested-bootstrap resample's search, a trial) on its own stream.
MMM_HD inline std::uint64_t derived_seed(std::uint64_t seed, std::uint32_t stream,
                                         std::uint32_t index) {
  const auto words = philox_words(seed, stream, index);
  return (static_cast<std::uint64_t>(words[0]) << 32) | words[1];
}

/// Uniform integer in [0, n) from one 32-bit word (multiply-shift; bias below 2^-32·n).
MMM_HD inline std::uint32_t word_to_index(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(word) * n) >> 32);
}

/// Uniform double in [0, 1) with 53 random bits from two words.
MMM_HD inline double words_to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

/// A sequential stream over the counter space, for host-side drivers (DE, simulation).
class PhiloxStream {
 public:
  PhiloxStream(std::uint64_t seed, std::uint32_t stream) : seed_(seed), stream_(stream) {}
  /// Uniform double in [0, 1).
  double uniform() {
    const auto w = next_pair();
    return words_to_unit(w.first, w.second);
  }
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n).
  std::uint32_t index(std::uint32_t n) { return word_to_index(next_word(), n); }

 private:
  std::uint32_t next_word() {
    if (used_ == 4) {
      block_ = philox_words(seed_, stream_, counter_++);
      used_ = 0;
    }
    return block_.v[used_++];
  }
  std::pair<std::uint32_t, std::uint32_t> next_pair() {
    const std::uint32_t a = next_word();
    return {a, next_word()};
  }
  std::uint64_t seed_;
  std::uint32_t stream_;
  std::uint64_t counter_ = 0;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

}  // namespace mmm
