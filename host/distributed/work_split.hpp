#pragma once
// How a job divides indexed work (design points, resamples, trials) among its ranks: rank r
// takes one contiguous range, the ranges in rank order cover [0, n) once. Gathering results
// in rank order therefore gives them in index order, as a single process computes them.

#include <cstdint>

namespace mmm {

struct IndexRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;  ///< one past the last
  std::uint64_t size() const { return end - begin; }
};

/// Rank `rank` of `ranks`'s share of [0, n): the first n mod ranks ranks take one more.
inline IndexRange rank_range(std::uint64_t n, int ranks, int rank) {
  const auto r = static_cast<std::uint64_t>(rank), k = static_cast<std::uint64_t>(ranks);
  const std::uint64_t base = n / k, extra = n % k;
  IndexRange out;
  out.begin = r * base + (r < extra ? r : extra);
  out.end = out.begin + base + (r < extra ? 1 : 0);
  return out;
}

}  // namespace mmm
