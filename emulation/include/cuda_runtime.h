#pragma once
// The CUDA runtime API that kernels/ uses, mapped onto HIP-CPU (a header-only HIP runtime that
// runs kernels on the host: a block's threads as fibers switching at __syncthreads, blocks in
// parallel on TBB). Used only by the emulated build (-DMMM_EMULATE_CUDA=ON), which compiles
// kernels/*.cu with g++ after cmake/RewriteCudaSource.cmake turned `<<<...>>>` launches into
// MMM_HIP_LAUNCH and `extern __shared__` arrays into HIP_DYNAMIC_SHARED.
//
// Where HIP-CPU and CUDA differ in ways the backend can observe, this file sides with CUDA:
// error names and numbers are CUDA's, cudaMemcpyAsync from pageable memory returns after the
// copy (HIP-CPU would copy later, reading host memory the caller may already have freed), a
// failed malloc is an error, and the emulated device never calls itself a GPU. The device
// count, the current device and some failures can be set by tests (emulation_hooks.hpp).

#include <hip/hip_runtime.h>

#include <cmath>
#include <cstddef>
#include <cstring>

#include "emulation/emulation_hooks.hpp"

// HIP-CPU marks kernels `simd` too (GCC SIMD clones), which GCC refuses for kernels taking a
// struct by value, as ours do (a warning, an error under -Werror); the clones are not what
// the launch calls anyway.
#undef __global__
#define __global__ __attribute__((flatten))

// CUDA's numbering, so that messages and tests read the same as on a GPU.
enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorNoKernelImageForDevice = 209,
  cudaErrorLaunchFailure = 719,
  cudaErrorUnknown = 999,
};

using cudaStream_t = hipStream_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };

constexpr unsigned int cudaStreamNonBlocking = 1;

/// The fields kernels/ reads. HIP-CPU's hipDeviceProp_t has no sharedMemPerBlockOptin.
struct cudaDeviceProp {
  char name[256];
  std::size_t totalGlobalMem;
  std::size_t sharedMemPerBlock;
  std::size_t sharedMemPerBlockOptin;
  int major;
  int minor;
};

struct cudaFuncAttributes {
  int maxThreadsPerBlock;
  std::size_t sharedSizeBytes;
};

namespace mmm::emulation::detail {
/// Records `status` as the thread's last error (cudaGetLastError) when it is one; returns it.
cudaError_t record(cudaError_t status);
/// Returns and clears the thread's last error.
cudaError_t take_last_error();
/// CUDA's status for a HIP-CPU status, recorded.
cudaError_t from_hip(hipError_t status);
/// Fails a device ordinal outside [0, device_count()).
cudaError_t check_device(int device);
const char* error_name(cudaError_t status);
const char* error_string(cudaError_t status);
/// True (and the next allocation failure consumed) when a test asked for it.
bool take_allocation_failure();
}  // namespace mmm::emulation::detail

inline cudaError_t cudaGetLastError() { return mmm::emulation::detail::take_last_error(); }
inline const char* cudaGetErrorName(cudaError_t s) { return mmm::emulation::detail::error_name(s); }
inline const char* cudaGetErrorString(cudaError_t s) {
  return mmm::emulation::detail::error_string(s);
}

inline cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return mmm::emulation::detail::record(cudaErrorInvalidValue);
  *count = mmm::emulation::device_count();
  return *count > 0 ? cudaSuccess : mmm::emulation::detail::record(cudaErrorNoDevice);
}
inline cudaError_t cudaSetDevice(int device) {
  const cudaError_t s = mmm::emulation::detail::check_device(device);
  if (s == cudaSuccess) mmm::emulation::set_current_device(device);
  return s;
}
inline cudaError_t cudaGetDevice(int* device) {
  if (device == nullptr) return mmm::emulation::detail::record(cudaErrorInvalidValue);
  *device = mmm::emulation::current_device();
  return cudaSuccess;
}
inline cudaError_t cudaRuntimeGetVersion(int* v) {
  *v = 0;
  return cudaSuccess;
}
inline cudaError_t cudaDriverGetVersion(int* v) {
  *v = 0;
  return cudaSuccess;
}

/// Every emulated ordinal is HIP-CPU's one device, the host. Its name says it is no GPU.
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  const cudaError_t s = mmm::emulation::detail::check_device(device);
  if (s != cudaSuccess) return s;
  hipDeviceProp_t hip{};
  const cudaError_t h = mmm::emulation::detail::from_hip(hipGetDeviceProperties(&hip, 0));
  if (h != cudaSuccess) return h;
  *prop = cudaDeviceProp{};
  std::strncpy(prop->name, mmm::emulation::kDeviceName, sizeof(prop->name) - 1);
  prop->totalGlobalMem = hip.totalGlobalMem;
  // Dynamic shared memory is a std::vector per block here: any size works. 227 KiB is the
  // H100's opt-in limit, so the backend takes the same paths as on the GPU it is tuned for.
  prop->sharedMemPerBlock = 48 * 1024;
  prop->sharedMemPerBlockOptin = 227 * 1024;
  prop->major = 0;
  prop->minor = 0;
  return cudaSuccess;
}

inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int flags) {
  return mmm::emulation::detail::from_hip(
      hipStreamCreateWithFlags(stream, static_cast<hipStreamFlags>(flags)));
}
inline cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  return mmm::emulation::detail::from_hip(hipStreamDestroy(stream));
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  return mmm::emulation::detail::from_hip(hipStreamSynchronize(stream));
}

inline cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes) {
  return mmm::emulation::detail::from_hip(hipMemGetInfo(free_bytes, total_bytes));
}
inline cudaError_t cudaMalloc(void** ptr, std::size_t bytes) {
  if (ptr == nullptr) return mmm::emulation::detail::record(cudaErrorInvalidValue);
  *ptr = nullptr;
  if (mmm::emulation::detail::take_allocation_failure()) {
    return mmm::emulation::detail::record(cudaErrorMemoryAllocation);
  }
  const cudaError_t s = mmm::emulation::detail::from_hip(hipMalloc(ptr, bytes));
  // HIP-CPU reports success for a failed malloc.
  if (s == cudaSuccess && *ptr == nullptr && bytes > 0) {
    return mmm::emulation::detail::record(cudaErrorMemoryAllocation);
  }
  return s;
}
inline cudaError_t cudaFree(void* ptr) { return mmm::emulation::detail::from_hip(hipFree(ptr)); }
/// Page-locked host memory: here plain host memory, as every host allocation is to the emulator.
inline cudaError_t cudaMallocHost(void** ptr, std::size_t bytes) {
  if (ptr == nullptr) return mmm::emulation::detail::record(cudaErrorInvalidValue);
  *ptr = nullptr;
  const cudaError_t s = mmm::emulation::detail::from_hip(hipHostMalloc(ptr, bytes));
  if (s == cudaSuccess && *ptr == nullptr && bytes > 0) {
    return mmm::emulation::detail::record(cudaErrorMemoryAllocation);
  }
  return s;
}
inline cudaError_t cudaFreeHost(void* ptr) {
  return mmm::emulation::detail::from_hip(hipHostFree(ptr));
}
/// Returns after the copy, as CUDA does for pageable host memory (all of mmm's host memory).
inline cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes,
                                   cudaMemcpyKind kind, cudaStream_t stream) {
  const cudaError_t s = mmm::emulation::detail::from_hip(
      hipMemcpyAsync(dst, src, bytes, static_cast<hipMemcpyKind>(kind), stream));
  if (s != cudaSuccess) return s;
  return mmm::emulation::detail::from_hip(hipStreamSynchronize(stream));
}

/// Nothing to opt in to: HIP-CPU sizes dynamic shared memory per launch.
template <typename F>
cudaError_t cudaFuncSetAttribute(F* /*kernel*/, cudaFuncAttribute /*attr*/, int /*value*/) {
  return cudaSuccess;
}
/// Succeeds unless a test made the emulated device one without a kernel image for this build.
template <typename F>
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr, F* /*kernel*/) {
  if (mmm::emulation::kernel_images_missing()) {
    return mmm::emulation::detail::record(cudaErrorNoKernelImageForDevice);
  }
  *attr = cudaFuncAttributes{1024, 0};
  return cudaSuccess;
}

// Device intrinsics: the host's IEEE operations, which round to nearest like CUDA's _rn forms
// (the build uses -ffp-contract=off, so no fma is formed behind their back).
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dmul_rn(double a, double b) { return a * b; }
// CUDA's global min/max overloads (HIP-CPU has none), for the types kernels/ uses.
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a < b ? b : a; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a < b ? b : a; }

/// `kernel<<<grid, block[, shared[, stream]]>>>(args...)` after the source rewrite. A launch
/// on a device "without a kernel image" fails as on a GPU: nothing runs, the error is the
/// next cudaGetLastError().
#define MMM_HIP_LAUNCH(kernel, config, ...) \
  MMM_HIP_LAUNCH_EXPANDED(kernel, MMM_HIP_LAUNCH_CONFIG config, __VA_ARGS__)
#define MMM_HIP_LAUNCH_CONFIG(...) MMM_HIP_LAUNCH_FIRST4(__VA_ARGS__, 0, 0)
#define MMM_HIP_LAUNCH_FIRST4(grid, block, shared, stream, ...) grid, block, shared, stream
#define MMM_HIP_LAUNCH_EXPANDED(kernel, ...)                         \
  if (mmm::emulation::kernel_images_missing()) {                     \
    mmm::emulation::detail::record(cudaErrorNoKernelImageForDevice); \
  } else                                                             \
    hipLaunchKernelGGL(kernel, __VA_ARGS__)
