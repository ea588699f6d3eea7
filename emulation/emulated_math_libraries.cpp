// cuBLAS and cuSOLVER stand-ins for the emulated build: the batched Cholesky and triangular
// solves the CUDA segment solver calls, as plain loops on the host, and the MathLibraries
// table (kernels/cuda_math_libraries.cuh) pointing at them instead of at dlopen'ed libraries.
// Each call first waits for its handle's stream, as the real ones are ordered after the
// uploads queued before them.

#include <cublas_v2.h>
#include <cusolverDn.h>

#include <cmath>

#include "kernels/cuda_math_libraries.cuh"

struct cublasContext {
  cudaStream_t stream = nullptr;
};
struct cusolverDnContext {
  cudaStream_t stream = nullptr;
};

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
  if (handle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *handle = new cublasContext;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy(cublasHandle_t handle) {
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t /*mode*/) {
  return handle == nullptr ? CUBLAS_STATUS_NOT_INITIALIZED : CUBLAS_STATUS_SUCCESS;
}
const char* cublasGetStatusName(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS:
      return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED:
      return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED:
      return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE:
      return "CUBLAS_STATUS_INVALID_VALUE";
    default:
      return "CUBLAS_STATUS_EXECUTION_FAILED";
  }
}

/// Left side, lower-triangular A only (what the segment solver uses): op(A) X = α B in place.
cublasStatus_t cublasDtrsmBatched(cublasHandle_t handle, cublasSideMode_t side,
                                  cublasFillMode_t uplo, cublasOperation_t trans,
                                  cublasDiagType_t diag, int m, int n, const double* alpha,
                                  const double* const A[], int lda, double* const B[], int ldb,
                                  int batch_count) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (side != CUBLAS_SIDE_LEFT || uplo != CUBLAS_FILL_MODE_LOWER || trans == CUBLAS_OP_C || m < 0 ||
      n < 0 || lda < m || ldb < m || batch_count < 0) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (cudaStreamSynchronize(handle->stream) != cudaSuccess) return CUBLAS_STATUS_EXECUTION_FAILED;
  const bool unit = diag == CUBLAS_DIAG_UNIT;
  for (int s = 0; s < batch_count; ++s) {
    const double* L = A[s];
    for (int j = 0; j < n; ++j) {
      double* x = B[s] + static_cast<std::size_t>(j) * ldb;
      for (int i = 0; i < m; ++i) x[i] *= *alpha;
      if (trans == CUBLAS_OP_N) {  // L x = b, forward
        for (int i = 0; i < m; ++i) {
          double v = x[i];
          for (int k = 0; k < i; ++k) v -= L[i + static_cast<std::size_t>(k) * lda] * x[k];
          x[i] = unit ? v : v / L[i + static_cast<std::size_t>(i) * lda];
        }
      } else {  // Lᵀ x = b, backward
        for (int i = m - 1; i >= 0; --i) {
          double v = x[i];
          for (int k = i + 1; k < m; ++k) v -= L[k + static_cast<std::size_t>(i) * lda] * x[k];
          x[i] = unit ? v : v / L[i + static_cast<std::size_t>(i) * lda];
        }
      }
    }
  }
  return CUBLAS_STATUS_SUCCESS;
}

cusolverStatus_t cusolverDnCreate(cusolverDnHandle_t* handle) {
  if (handle == nullptr) return CUSOLVER_STATUS_INVALID_VALUE;
  *handle = new cusolverDnContext;
  return CUSOLVER_STATUS_SUCCESS;
}
cusolverStatus_t cusolverDnDestroy(cusolverDnHandle_t handle) {
  delete handle;
  return CUSOLVER_STATUS_SUCCESS;
}
cusolverStatus_t cusolverDnSetStream(cusolverDnHandle_t handle, cudaStream_t stream) {
  if (handle == nullptr) return CUSOLVER_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  return CUSOLVER_STATUS_SUCCESS;
}

/// Lower Cholesky in place (left-looking, like LAPACK's unblocked potrf); info[s] = the order
/// of the first leading minor that is not positive, 0 when A_s is positive definite.
cusolverStatus_t cusolverDnDpotrfBatched(cusolverDnHandle_t handle, cublasFillMode_t uplo, int n,
                                         double* A[], int lda, int* info, int batch_size) {
  if (handle == nullptr) return CUSOLVER_STATUS_NOT_INITIALIZED;
  if (uplo != CUBLAS_FILL_MODE_LOWER || n < 0 || lda < n || batch_size < 0) {
    return CUSOLVER_STATUS_INVALID_VALUE;
  }
  if (cudaStreamSynchronize(handle->stream) != cudaSuccess) {
    return CUSOLVER_STATUS_EXECUTION_FAILED;
  }
  for (int s = 0; s < batch_size; ++s) {
    double* M = A[s];
    auto at = [&](int i, int j) -> double& { return M[i + static_cast<std::size_t>(j) * lda]; };
    info[s] = 0;
    for (int j = 0; j < n && info[s] == 0; ++j) {
      double d = at(j, j);
      for (int k = 0; k < j; ++k) d -= at(j, k) * at(j, k);
      if (!(d > 0.0)) {
        info[s] = j + 1;
        break;
      }
      const double ljj = std::sqrt(d);
      at(j, j) = ljj;
      for (int i = j + 1; i < n; ++i) {
        double v = at(i, j);
        for (int k = 0; k < j; ++k) v -= at(i, k) * at(j, k);
        at(i, j) = v / ljj;
      }
    }
  }
  return CUSOLVER_STATUS_SUCCESS;
}

namespace mmm::cuda {

const MathLibraries& math_libraries() {
  static const MathLibraries libs = [] {
    MathLibraries l;
    l.blas_create = &cublasCreate;
    l.blas_destroy = &cublasDestroy;
    l.blas_set_stream = &cublasSetStream;
    l.blas_set_math_mode = &cublasSetMathMode;
    l.blas_status_name = &cublasGetStatusName;
    l.blas_dtrsm_batched = &cublasDtrsmBatched;
    l.solver_create = &cusolverDnCreate;
    l.solver_destroy = &cusolverDnDestroy;
    l.solver_set_stream = &cusolverDnSetStream;
    l.solver_dpotrf_batched = &cusolverDnDpotrfBatched;
    return l;
  }();
  return libs;
}

}  // namespace mmm::cuda
