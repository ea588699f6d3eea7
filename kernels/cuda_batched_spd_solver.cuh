#pragma once
// The CUDA implementation of BatchedSpdSolver (SPEC §9, §12): every M_s of a batch factored by
// one cuSOLVER potrfBatched call and solved by two cuBLAS trsmBatched calls, float64.
//
// cuSOLVER's potrsBatched solves one right-hand side only (nrhs = 1), and the pooled solve
// needs p + 1 of them per segment; L_s Y = B_s then L_sᵀ X = Y as two batched triangular
// solves take any k in two calls instead of k.

#include <mutex>
#include <string>
#include <vector>

#include "host/backend/batched_spd_solver.hpp"
#include "kernels/cuda_context.cuh"

namespace mmm::cuda {

/// Per batch: one upload of all matrices (one contiguous buffer) and all right-hand sides,
/// the device pointer arrays, potrfBatched, trsmBatched twice, one download of the factors,
/// solutions and per-system info, then one stream synchronization. Workspaces grow to the
/// largest batch seen and are kept. Calls are serialized by a mutex (the context and its
/// handles are for one thread at a time), so one instance may be shared.
class CudaBatchedSpdSolver : public BatchedSpdSolver {
 public:
  /// Creates the context, stream and cuBLAS/cuSOLVER handles on device `ordinal`. Throws
  /// CudaError on any CUDA failure.
  explicit CudaBatchedSpdSolver(int ordinal);
  ~CudaBatchedSpdSolver() override;

  /// See BatchedSpdSolver::factor_and_solve (`pool` is not used). Throws CudaError when a
  /// CUDA, cuBLAS or cuSOLVER call fails; a matrix that is not positive definite is reported
  /// in batch.info (cuSOLVER's info), never thrown.
  void factor_and_solve(SpdBatch& batch, ThreadPool* pool) override;
  /// "cuda:N (device name, cuSOLVER potrfBatched + cuBLAS trsmBatched)".
  std::string name() const override;

 private:
  /// Grows the device buffers to hold `batch` (never shrinks them).
  void reserve(const SpdBatch& batch);

  std::mutex mutex_;
  CudaContext ctx_;
  DeviceBuffer<double> matrices_;  ///< S · p², M_s then L_s
  DeviceBuffer<double> rhs_;       ///< S · p · k, B_s then X_s
  DeviceBuffer<double*> matrix_ptrs_, rhs_ptrs_;
  DeviceBuffer<int> info_;
  std::vector<double*> host_matrix_ptrs_, host_rhs_ptrs_;  ///< staged for the upload
};

}  // namespace mmm::cuda
