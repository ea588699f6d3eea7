#pragma once
// Where a segmented fit's pooled solves run (SPEC §9, §12): `--device` resolved with the same
// rule as the single fit (resolve_device), then the batched SPD solver of that device. The
// designs and Gram blocks are built on the CPU threads either way; only the S per-segment
// Cholesky factorizations and solves of each candidate move to the GPU.

#include <functional>
#include <memory>
#include <string>

#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/device.hpp"

namespace mmm {

/// Fewest segments for which `--device auto` sends the pooled solves to a visible GPU. Below
/// it a batch is a few dozen small Choleskys that the CPU threads finish in less time than a
/// device round trip (uploads, three library calls, downloads, a synchronization) is expected
/// to take; see README "Segments and pooling" and bench/RESULTS.md. An explicit `--device
/// cuda` uses the GPU whatever the count.
constexpr int kMinSegmentsForCuda = 64;

/// The solver a segmented fit uses, and how to report it.
struct SegmentBackend {
  std::shared_ptr<BatchedSpdSolver> solver;  ///< null: the CPU (solve_pooled's default)
  std::string name;                          ///< for SegmentReport::backend
  std::string notice;  ///< for SegmentReport::notices; empty when there is nothing to say
};

/// Creates the CUDA batched solver on a device ordinal (create_cuda_batched_spd_solver).
using CudaSolverFactory = std::function<std::unique_ptr<BatchedSpdSolver>(int ordinal)>;

/// Resolves `choice` for `segments` segments fitted on `threads` CPU threads:
///   cpu        → the CPU, no notice;
///   auto       → CUDA device 0 when `status` shows one and segments ≥ kMinSegmentsForCuda
///                (notice: which device), else the CPU with a notice saying why;
///   cuda[:N]   → that device whatever the segment count, or BackendUnavailable (exit 2)
///                when the build has no CUDA or the device is not visible.
/// `status` is cuda_status() and `make_cuda` create_cuda_batched_spd_solver in the program;
/// tests pass others to cover machines they do not run on.
SegmentBackend make_segment_backend(const DeviceChoice& choice, int segments, int threads,
                                    const CudaStatus& status, const CudaSolverFactory& make_cuda);

/// make_segment_backend with this machine's cuda_status() and the real CUDA solver.
SegmentBackend make_segment_backend(const std::string& device, int segments, int threads);

}  // namespace mmm
