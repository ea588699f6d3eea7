#pragma once
// Indexed work whose results are a few doubles per index (a candidate's loss, a segment's
// search, a resample's draws), divided among a job's ranks by rank_range and shared back so
// that every rank holds all of it in index order: what a single process computes alone.

#include <cstddef>
#include <functional>
#include <vector>

#include "host/distributed/communicator.hpp"

namespace mmm {

/// Computes items [begin, end) into `out` (item `begin`'s first value at out[0], `width`
/// values per item).
using DividedCompute = std::function<void(std::size_t begin, std::size_t end, double* out)>;

/// Items [0, n) of `width` doubles each: rank r computes its rank_range(n) (one call of
/// `compute`, skipped when the range is empty) and every rank returns all n · width values in
/// index order (an allgather; NaN and ±inf travel unchanged). Called by every rank. A single
/// process computes [0, n) in one call.
std::vector<double> compute_divided(const Communicator& comm, std::size_t n, std::size_t width,
                                    const DividedCompute& compute);

}  // namespace mmm
