#pragma once
// The MPI job this process belongs to (a job of one without mpirun): set once by main, read
// by the commands that divide their work (sweep, fit). Only rank 0 writes outputs and prints.

#include <memory>
#include <string>

#include "host/distributed/communicator.hpp"

namespace mmm::cli {

/// Joins the job (MPI_Init when an MPI launcher started the process).
void join_job(int* argc, char*** argv);
/// Leaves it (MPI_Finalize); job() is single-process afterwards.
void leave_job();
/// This process's communicator.
const Communicator& job();

/// Reports an error that ends the run. In a job of several ranks: `error: rank R of N: …`,
/// then the whole job ends with `code` (MPI_Abort), so no rank writes partial output; in a
/// single process: `error: …`, returning `code` to main.
int fail(int code, const std::string& message);

/// The --device a rank takes: `auto` → `cuda:<local rank mod GPUs>` in a job of several ranks
/// on a node with GPUs (host/distributed/rank_device.hpp).
std::string rank_device(const std::string& device);

/// The CPU threads a rank takes when --threads is 0: the node's hardware threads divided
/// among the node's ranks (at least 1), so ranks do not oversubscribe the cores; 0 (all)
/// in a single process.
int rank_threads(int threads);

}  // namespace mmm::cli
