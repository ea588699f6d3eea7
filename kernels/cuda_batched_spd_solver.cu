#include <stdexcept>

#include "kernels/cuda_batched_spd_solver.cuh"

namespace mmm::cuda {

CudaBatchedSpdSolver::CudaBatchedSpdSolver(int ordinal) : ctx_(ordinal) {
  // Created here so that a missing library or a broken device surfaces before the search.
  ctx_.cusolver();
  ctx_.cublas();
}

// The buffers free themselves on their own device (DeviceBuffer::release).
CudaBatchedSpdSolver::~CudaBatchedSpdSolver() = default;

std::string CudaBatchedSpdSolver::name() const {
  return "cuda:" + std::to_string(ctx_.ordinal()) + " (" + ctx_.device_name() +
         ", cuSOLVER potrfBatched + cuBLAS trsmBatched)";
}

void CudaBatchedSpdSolver::reserve(const SpdBatch& batch) {
  const std::size_t S = batch.count, p = batch.size, k = batch.rhs_cols;
  if (matrices_.size() < S * p * p) matrices_.reset(S * p * p);
  if (rhs_.size() < S * p * k) rhs_.reset(S * p * k);
  if (matrix_ptrs_.size() < S) {
    matrix_ptrs_.reset(S);
    rhs_ptrs_.reset(S);
    info_.reset(S);
  }
}

void CudaBatchedSpdSolver::factor_and_solve(SpdBatch& batch, ThreadPool* /*pool*/) {
  batch.check_shape("CudaBatchedSpdSolver");
  const int S = batch.count, p = batch.size, k = batch.rhs_cols;
  batch.info.assign(S, 0);
  if (S == 0 || p == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const DeviceGuard active = ctx_.activate();
  reserve(batch);
  const std::size_t pp = static_cast<std::size_t>(p) * p, pk = static_cast<std::size_t>(p) * k;
  host_matrix_ptrs_.resize(S);
  host_rhs_ptrs_.resize(S);
  for (int s = 0; s < S; ++s) {
    host_matrix_ptrs_[s] = matrices_.get() + s * pp;
    host_rhs_ptrs_[s] = k > 0 ? rhs_.get() + s * pk : nullptr;
  }
  upload(ctx_, matrices_.get(), batch.matrices.data(), batch.matrices.size());
  upload(ctx_, rhs_.get(), batch.rhs.data(), batch.rhs.size());
  upload(ctx_, matrix_ptrs_.get(), host_matrix_ptrs_.data(), S);
  upload(ctx_, rhs_ptrs_.get(), host_rhs_ptrs_.data(), S);

  // M_s = L_s L_sᵀ in the lower triangle; info_[s] > 0: leading minor info_[s] not positive.
  MMM_CUDA_LIB_CHECK(math_libraries().solver_dpotrf_batched(
      ctx_.cusolver(), CUBLAS_FILL_MODE_LOWER, p, matrix_ptrs_.get(), p, info_.get(), S));
  if (k > 0) {
    const double one = 1.0;  // host pointer mode (the handle's default)
    cublasHandle_t blas = ctx_.cublas();
    // L_s Y_s = B_s, then L_sᵀ X_s = Y_s, in place in rhs_. A failed system's factor is
    // garbage and so is its solution; info says so and the caller does not read it.
    MMM_CUDA_LIB_CHECK(math_libraries().blas_dtrsm_batched(
        blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, p, k,
        &one, matrix_ptrs_.get(), p, rhs_ptrs_.get(), p, S));
    MMM_CUDA_LIB_CHECK(math_libraries().blas_dtrsm_batched(
        blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, CUBLAS_DIAG_NON_UNIT, p, k,
        &one, matrix_ptrs_.get(), p, rhs_ptrs_.get(), p, S));
  }
  download(ctx_, batch.matrices.data(), matrices_.get(), batch.matrices.size());
  download(ctx_, batch.rhs.data(), rhs_.get(), batch.rhs.size());
  download(ctx_, batch.info.data(), info_.get(), S);
  ctx_.synchronize();
  // cuSOLVER reports a non-positive leading minor as a positive order; a negative value
  // would name an invalid argument, which is our bug, not the data's.
  for (int s = 0; s < S; ++s) {
    if (batch.info[s] < 0) {
      throw std::logic_error("cusolverDnDpotrfBatched: invalid argument " +
                             std::to_string(-batch.info[s]) + " (system " + std::to_string(s) +
                             ")");
    }
  }
}

}  // namespace mmm::cuda
