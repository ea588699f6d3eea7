#pragma once
// Bootstrap resamples as row-weight vectors (SPEC §6). Draw i of resample b is a pure function
// of (seed, b, i), so the CPU and CUDA backends build identical resamples for a seed.
// Block length L > 1 gives the moving-block bootstrap (Künsch 1989) for autocorrelated rows:
// ceil(T/L) blocks of L consecutive rows, each starting uniformly in [0, T − L], the last one
// trimmed so the counts sum to T.

#include <cstdint>

#include "host/common/hd.hpp"
#include "host/common/philox.hpp"

namespace mmm {

/// Philox stream reserved for bootstrap row draws.
constexpr std::uint32_t kBootstrapStream = 0x42530001u;
/// Philox stream of the moving-block bootstrap's block starts (distinct, so L = 1 keeps the
/// i.i.d. stream unchanged).
constexpr std::uint32_t kBlockBootstrapStream = 0x42530002u;

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

/// Number of blocks of length L (≥ 1) that cover T rows: ceil(T/L).
MMM_HD inline std::uint32_t resample_block_count(std::uint32_t rows, std::uint32_t block_length) {
  return (rows + block_length - 1u) / block_length;
}

/// First row of block j (0 ≤ j < ceil(T/L)) of resample b: uniform in [0, T − L].
/// Requires 1 ≤ L ≤ T.
MMM_HD inline std::uint32_t resample_block_start(std::uint64_t seed, std::uint32_t b,
                                                 std::uint32_t j, std::uint32_t rows,
                                                 std::uint32_t block_length) {
  const std::uint64_t words_per_resample = (resample_block_count(rows, block_length) + 3u) / 4u;
  const auto w = philox_words(seed, kBlockBootstrapStream,
                              static_cast<std::uint64_t>(b) * words_per_resample + j / 4u);
  return word_to_index(w.v[j % 4u], rows - block_length + 1u);
}

/// Fills counts[0..T) with how often each row appears in resample b of the moving-block
/// bootstrap with block length L: every row of every block adds 1, the last block is trimmed
/// so the counts sum to T. L ≤ 1 is the i.i.d. resample_counts, bit for bit. Requires L ≤ T.
MMM_HD inline void resample_block_counts(std::uint64_t seed, std::uint32_t b, std::uint32_t rows,
                                         std::uint32_t block_length, double* counts) {
  if (block_length <= 1u) {
    resample_counts(seed, b, rows, counts);
    return;
  }
  for (std::uint32_t t = 0; t < rows; ++t) counts[t] = 0.0;
  const std::uint32_t blocks = resample_block_count(rows, block_length);
  for (std::uint32_t j = 0; j < blocks; ++j) {
    const std::uint32_t start = resample_block_start(seed, b, j, rows, block_length);
    const std::uint32_t left = rows - j * block_length;  // rows still to draw
    const std::uint32_t len = left < block_length ? left : block_length;
    for (std::uint32_t k = 0; k < len; ++k) counts[start + k] += 1.0;
  }
}

}  // namespace mmm
