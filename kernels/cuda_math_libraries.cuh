#pragma once
// cuSOLVER and cuBLAS, opened with dlopen at first use instead of linked. Linked, they (with
// the libcublasLt, libcusparse and nvJitLink they pull in) are mapped and relocated at start-up
// by every run of mmm — CPU runs, `mmm info`, tests — which measured ~265 MB peak RSS and
// ~0.15 s for `mmm info` (5–15 MB without them). Only the batched segment solve needs them.

#include <cublas_v2.h>
#include <cusolverDn.h>

namespace mmm::cuda {

/// The entry points mmm uses (names are ours: cublas_v2.h renames the API with macros).
struct MathLibraries {
  decltype(&::cublasCreate) blas_create = nullptr;
  decltype(&::cublasDestroy) blas_destroy = nullptr;
  decltype(&::cublasSetStream) blas_set_stream = nullptr;
  decltype(&::cublasSetMathMode) blas_set_math_mode = nullptr;
  decltype(&::cublasGetStatusName) blas_status_name = nullptr;
  decltype(&::cublasDtrsmBatched) blas_dtrsm_batched = nullptr;
  decltype(&::cusolverDnCreate) solver_create = nullptr;
  decltype(&::cusolverDnDestroy) solver_destroy = nullptr;
  decltype(&::cusolverDnSetStream) solver_set_stream = nullptr;
  decltype(&::cusolverDnDpotrfBatched) solver_dpotrf_batched = nullptr;
};

/// Opens libcublas.so.<CUBLAS_VER_MAJOR> and libcusolver.so.<CUSOLVER_VER_MAJOR> once (thread
/// safe) and resolves every entry point; throws std::runtime_error naming the library or
/// symbol that is missing (the message also tells to use --device cpu).
const MathLibraries& math_libraries();

}  // namespace mmm::cuda
