#pragma once
// Bootstrap resamples as row-weight vectors (SPEC §6). Draw i of resample b is a pure function
// of (seed, b, i), so the CPU and CUDA backends build identical resamples for a seed.

#include <cstdint>

#include "host/common/hd.hpp"
#include "host/common/philox.hpp"

namespace mmm {

/// Philox stream reserved for bootstrap row draws.
constexpr std::uint32_t kBootstrapStream = 0x42530001u;

/// Row index drawn as draw i (0 ≤ i < T) of resample b.
MMM_HD inline std::uint32_t resample_row(std::uint64_t seed, std::uint32_t b, std::uint32_t i,
                                         std::uint32_t rows) {
  const std::uint64_t blocks_per_resample = (rows + 3u) / 4u;
  const auto w = philox_words(seed, kBootstrapStream,
                              static_cast<std::uint64_t>(b) * blocks_per_resample + i / 4u);
  return word_to_index(w.v[i % 4u], rows);
}

/// Fills counts[0..T) with how often each row appears in resample b (T draws with
/// replacement; the counts sum to T).
MMM_HD inline void resample_counts(std::uint64_t seed, std::uint32_t b, std::uint32_t rows,
                                   double* counts) {
  for (std::uint32_t t = 0; t < rows; ++t) counts[t] = 0.0;
  for (std::uint32_t i = 0; i < rows; ++i) counts[resample_row(seed, b, i, rows)] += 1.0;
}

}  // namespace mmm
