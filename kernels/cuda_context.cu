#include <cstdio>
#include <cstring>

#include "kernels/cuda_context.cuh"

namespace mmm::cuda {
namespace detail {
namespace {

/// "kernels/x.cu" rather than the build machine's absolute path: the message is for people
/// reading the source tree.
const char* source_path(const char* file) {
  const char* best = file;
  for (const char* p = std::strstr(file, "kernels/"); p != nullptr;
       p = std::strstr(p + 1, "kernels/")) {
    best = p;
  }
  return best;
}

std::string describe(cudaError_t status, const char* call, const char* file, int line) {
  return std::string(call) + " failed: " + cudaGetErrorName(status) + " (" +
         cudaGetErrorString(status) + ") at " + source_path(file) + ":" + std::to_string(line);
}

std::string describe_library(const char* library, int status, const char* status_name,
                             const char* call, const char* file, int line) {
  return std::string(call) + " failed: " + library + " status " + std::to_string(status) + " (" +
         (status_name != nullptr ? status_name : "unknown") + ") at " + source_path(file) + ":" +
         std::to_string(line);
}

}  // namespace

void throw_library_error(const char* library, int status, const char* status_name, const char* call,
                         const char* file, int line) {
  throw CudaError(describe_library(library, status, status_name, call, file, line), cudaSuccess);
}

void warn_library_error(const char* library, int status, const char* status_name, const char* call,
                        const char* file, int line) {
  std::fprintf(stderr, "warning: %s\n",
               describe_library(library, status, status_name, call, file, line).c_str());
}

const char* cusolver_status_name(cusolverStatus_t status) {
  switch (status) {
    case CUSOLVER_STATUS_SUCCESS:
      return "CUSOLVER_STATUS_SUCCESS";
    case CUSOLVER_STATUS_NOT_INITIALIZED:
      return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED:
      return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE:
      return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH:
      return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_MAPPING_ERROR:
      return "CUSOLVER_STATUS_MAPPING_ERROR";
    case CUSOLVER_STATUS_EXECUTION_FAILED:
      return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR:
      return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case CUSOLVER_STATUS_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_NOT_SUPPORTED";
    default:
      return "other cuSOLVER status";
  }
}

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  // Clear a non-sticky error so that it is not reported again by an unrelated later check.
  cudaGetLastError();
  throw CudaError(describe(status, call, file, line), status);
}

void warn_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  cudaGetLastError();
  std::fprintf(stderr, "warning: %s\n", describe(status, call, file, line).c_str());
}

}  // namespace detail

DeviceGuard::DeviceGuard(int ordinal) {
  MMM_CUDA_CHECK(cudaGetDevice(&previous_));
  if (previous_ != ordinal) {
    MMM_CUDA_CHECK(cudaSetDevice(ordinal));
    switched_ = true;
  }
}

DeviceGuard::~DeviceGuard() {
  if (switched_) MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(previous_));
}

CudaContext::CudaContext(int ordinal) : ordinal_(ordinal) {
  const DeviceGuard active(ordinal);
  cudaDeviceProp prop{};
  MMM_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
  device_name_ = prop.name;
  max_shared_bytes_ = prop.sharedMemPerBlockOptin;
  // Non-blocking: our work must not serialize with the legacy default stream of other
  // libraries in the process.
  MMM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
}

CudaContext::~CudaContext() {
  if (stream_ == nullptr) return;
  int previous = 0;
  const bool switch_device = cudaGetDevice(&previous) == cudaSuccess && previous != ordinal_;
  if (switch_device) MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(ordinal_));
  if (cusolver_ != nullptr) MMM_CUDA_LIB_CHECK_NOTHROW(math_libraries().solver_destroy(cusolver_));
  if (cublas_ != nullptr) MMM_CUDA_LIB_CHECK_NOTHROW(math_libraries().blas_destroy(cublas_));
  MMM_CUDA_CHECK_NOTHROW(cudaStreamDestroy(stream_));
  if (switch_device) MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(previous));
}

cublasHandle_t CudaContext::cublas() {
  if (cublas_ == nullptr) {
    const DeviceGuard active = activate();
    cublasHandle_t handle = nullptr;
    MMM_CUDA_LIB_CHECK(math_libraries().blas_create(&handle));
    cublas_ = handle;
    MMM_CUDA_LIB_CHECK(math_libraries().blas_set_stream(cublas_, stream_));
    // float64 throughout (SPEC §12): the default mode, not the opt-in TF32 or FP64-emulation
    // modes, and said explicitly so that nobody's environment changes it.
    MMM_CUDA_LIB_CHECK(math_libraries().blas_set_math_mode(cublas_, CUBLAS_DEFAULT_MATH));
  }
  return cublas_;
}

cusolverDnHandle_t CudaContext::cusolver() {
  if (cusolver_ == nullptr) {
    const DeviceGuard active = activate();
    cusolverDnHandle_t handle = nullptr;
    MMM_CUDA_LIB_CHECK(math_libraries().solver_create(&handle));
    cusolver_ = handle;
    MMM_CUDA_LIB_CHECK(math_libraries().solver_set_stream(cusolver_, stream_));
  }
  return cusolver_;
}

void CudaContext::synchronize() const { MMM_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

std::pair<std::size_t, std::size_t> CudaContext::memory_info() const {
  const DeviceGuard active = activate();
  std::size_t free_bytes = 0, total_bytes = 0;
  MMM_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return {free_bytes, total_bytes};
}

}  // namespace mmm::cuda
