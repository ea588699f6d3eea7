#pragma once
// The Pareto record (`--objective pareto`) of trials divided among a job's ranks, put back in
// the order one process records it, so that the front and the model chosen on it are one
// process's. The record keeps every evaluated candidate in evaluation order, and ties on the
// front are broken by that order, so the order matters, not only the set.
//
// Why a merge by call is exact: trials run in lockstep, and objective call k of one process
// carries the k-th request of every trial still running, in trial order (a trial's requests
// do not depend on the other trials). A rank runs a contiguous block of trials in the same
// lockstep, so its call k carries the k-th requests of its trials, and one process's call k
// is the ranks' calls k in rank order.

#include <vector>

#include "host/distributed/communicator.hpp"
#include "host/search/pareto.hpp"

namespace mmm {

/// Every rank's record on every rank, in one process's order: `mine` holds this rank's
/// recorded candidates in its evaluation order and `calls[i]` the number (0, 1, …) of the
/// objective call that evaluated mine[i] (non-decreasing). Called by every rank; a single
/// process gets `mine` back. std::invalid_argument when the two lengths differ.
std::vector<ParetoPoint> share_pareto_record(const Communicator& comm,
                                             const std::vector<ParetoPoint>& mine,
                                             const std::vector<long>& calls);

}  // namespace mmm
