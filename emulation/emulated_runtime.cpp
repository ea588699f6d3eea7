// The state behind the emulated CUDA runtime (include/cuda_runtime.h): device count, current
// device, last error and the failures tests ask for (emulation_hooks.hpp).

#include <cuda_runtime.h>

#include <atomic>

namespace mmm::emulation {
namespace {

std::atomic<int> g_device_count{1};
std::atomic<int> g_allocation_failures{0};
std::atomic<bool> g_kernel_images_missing{false};
thread_local int t_current_device = 0;
thread_local cudaError_t t_last_error = cudaSuccess;

}  // namespace

int device_count() { return g_device_count.load(); }
void set_device_count(int count) { g_device_count.store(count < 0 ? 0 : count); }
int current_device() { return t_current_device; }
void set_current_device(int device) { t_current_device = device; }
void fail_next_allocations(int count) { g_allocation_failures.store(count < 0 ? 0 : count); }
bool kernel_images_missing() { return g_kernel_images_missing.load(); }
void set_kernel_images_missing(bool missing) { g_kernel_images_missing.store(missing); }

namespace detail {

cudaError_t record(cudaError_t status) {
  if (status != cudaSuccess) t_last_error = status;
  return status;
}

cudaError_t take_last_error() {
  cudaError_t status = t_last_error;
  t_last_error = cudaSuccess;
  // A kernel that failed inside HIP-CPU (it reports, it does not throw) surfaces here too.
  const hipError_t hip = hipGetLastError();
  if (status == cudaSuccess && hip != hipSuccess) status = cudaErrorLaunchFailure;
  return status;
}

cudaError_t from_hip(hipError_t status) {
  switch (status) {
    case hipSuccess:
      return cudaSuccess;
    case hipErrorInvalidValue:
      return record(cudaErrorInvalidValue);
    case hipErrorOutOfMemory:
      return record(cudaErrorMemoryAllocation);
    case hipErrorInvalidDevice:
      return record(cudaErrorInvalidDevice);
    case hipErrorNoDevice:
      return record(cudaErrorNoDevice);
    default:
      return record(cudaErrorUnknown);
  }
}

cudaError_t check_device(int device) {
  if (device < 0 || device >= device_count()) return record(cudaErrorInvalidDevice);
  return cudaSuccess;
}

bool take_allocation_failure() {
  int left = g_allocation_failures.load();
  while (left > 0 && !g_allocation_failures.compare_exchange_weak(left, left - 1)) {
  }
  return left > 0;
}

const char* error_name(cudaError_t status) {
  switch (status) {
    case cudaSuccess:
      return "cudaSuccess";
    case cudaErrorInvalidValue:
      return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation:
      return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidDeviceFunction:
      return "cudaErrorInvalidDeviceFunction";
    case cudaErrorNoDevice:
      return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice:
      return "cudaErrorInvalidDevice";
    case cudaErrorNoKernelImageForDevice:
      return "cudaErrorNoKernelImageForDevice";
    case cudaErrorLaunchFailure:
      return "cudaErrorLaunchFailure";
    default:
      return "cudaErrorUnknown";
  }
}

const char* error_string(cudaError_t status) {
  switch (status) {
    case cudaSuccess:
      return "no error";
    case cudaErrorInvalidValue:
      return "invalid argument";
    case cudaErrorMemoryAllocation:
      return "out of memory";
    case cudaErrorInvalidDeviceFunction:
      return "invalid device function";
    case cudaErrorNoDevice:
      return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice:
      return "invalid device ordinal";
    case cudaErrorNoKernelImageForDevice:
      return "no kernel image is available for execution on the device";
    case cudaErrorLaunchFailure:
      return "unspecified launch failure";
    default:
      return "unknown error";
  }
}

}  // namespace detail
}  // namespace mmm::emulation
