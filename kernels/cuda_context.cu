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

}  // namespace

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

CudaContext::CudaContext(int ordinal) : ordinal_(ordinal) {
  MMM_CUDA_CHECK(cudaSetDevice(ordinal));
  cudaDeviceProp prop{};
  MMM_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
  device_name_ = prop.name;
  max_shared_bytes_ = prop.sharedMemPerBlockOptin;
  // Non-blocking: our work must not serialize with the legacy default stream of other
  // libraries in the process.
  MMM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
}

CudaContext::~CudaContext() {
  if (stream_ != nullptr) {
    MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(ordinal_));
    MMM_CUDA_CHECK_NOTHROW(cudaStreamDestroy(stream_));
  }
}

void CudaContext::activate() const { MMM_CUDA_CHECK(cudaSetDevice(ordinal_)); }

void CudaContext::synchronize() const { MMM_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

std::pair<std::size_t, std::size_t> CudaContext::memory_info() const {
  std::size_t free_bytes = 0, total_bytes = 0;
  MMM_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return {free_bytes, total_bytes};
}

}  // namespace mmm::cuda
