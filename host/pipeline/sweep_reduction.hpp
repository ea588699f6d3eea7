#pragma once
// The reduction of a sweep divided among the ranks of a job: every rank's top-K, loss profile
// and failure count go to rank 0, which merges them. Both the top-K (ties broken by design
// index) and the profile (integer counts, minima, exact LossSums) merge independently of
// order, so rank 0 ends with exactly what one process that evaluated every candidate has.

#include <cstdint>

#include "host/distributed/communicator.hpp"
#include "host/sweep/sweep_results.hpp"

namespace mmm {

/// One rank's share of a sweep as bytes (the inverse of merge_sweep_part).
Bytes encode_sweep_part(const TopK& top, const SweepSummary& summary, std::uint64_t failed);

/// Merges a share encoded by encode_sweep_part into `top`, `summary` and `failed`.
void merge_sweep_part(const Bytes& part, TopK& top, SweepSummary& summary, std::uint64_t& failed);

/// Gathers every rank's share on rank 0 and merges the others' into its own; on the other
/// ranks the arguments are left as they were.
void reduce_sweep_on_root(const Communicator& comm, TopK& top, SweepSummary& summary,
                          std::uint64_t& failed);

}  // namespace mmm
