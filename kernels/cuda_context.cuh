#pragma once
// CUDA resources of one run (STYLE "CUDA resources and errors"): the typed error every checked
// call throws, move-only device buffers, and the context that owns the device, its stream and
// the cuBLAS/cuSOLVER handles. Algorithms borrow the context; they never create streams or
// handles of their own.

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/cuda_math_libraries.cuh"

namespace mmm::cuda {

/// A failed CUDA runtime call or kernel launch. The message names the call, the status (name
/// and description) and the source location, e.g.
/// "cudaMalloc(&ptr, bytes) failed: cudaErrorMemoryAllocation (out of memory) at
/// kernels/cuda_context.cu:40". Not an InputError: the CLI reports it with exit code 1.
class CudaError : public std::runtime_error {
 public:
  CudaError(const std::string& what, cudaError_t status)
      : std::runtime_error(what), status_(status) {}
  /// The CUDA status that caused the error (cudaSuccess for non-runtime failures).
  cudaError_t status() const { return status_; }

 private:
  cudaError_t status_;
};

namespace detail {
/// Throws CudaError for a failed `call` (the stringified expression) at file:line.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file,
                                   int line);
/// Prints a one-line warning to stderr instead of throwing: for destructors, where a throw
/// would terminate the program (and a failure there cannot be acted on anyway).
void warn_cuda_error(cudaError_t status, const char* call, const char* file, int line);

/// Throws CudaError (status cudaSuccess) for a failed cuBLAS or cuSOLVER `call`.
[[noreturn]] void throw_library_error(const char* library, int status, const char* status_name,
                                      const char* call, const char* file, int line);
/// The warning form of throw_library_error, for destructors.
void warn_library_error(const char* library, int status, const char* status_name, const char* call,
                        const char* file, int line);
/// "CUSOLVER_STATUS_INVALID_VALUE" etc. (cuSOLVER has no such function of its own).
const char* cusolver_status_name(cusolverStatus_t status);

inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) throw_cuda_error(status, call, file, line);
}
inline void check_nothrow(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) warn_cuda_error(status, call, file, line);
}
inline void check(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw_library_error("cuBLAS", status, math_libraries().blas_status_name(status), call, file,
                        line);
}
inline void check(cusolverStatus_t status, const char* call, const char* file, int line) {
  if (status != CUSOLVER_STATUS_SUCCESS)
    throw_library_error("cuSOLVER", status, cusolver_status_name(status), call, file, line);
}
inline void check_nothrow(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    warn_library_error("cuBLAS", status, math_libraries().blas_status_name(status), call, file,
                       line);
}
inline void check_nothrow(cusolverStatus_t status, const char* call, const char* file, int line) {
  if (status != CUSOLVER_STATUS_SUCCESS)
    warn_library_error("cuSOLVER", status, cusolver_status_name(status), call, file, line);
}
}  // namespace detail

}  // namespace mmm::cuda

/// Checks a cuBLAS or cuSOLVER call (overloaded on the status type); throws CudaError naming
/// the call, the library status and file:line on failure.
#define MMM_CUDA_LIB_CHECK(call) ::mmm::cuda::detail::check((call), #call, __FILE__, __LINE__)
/// Checks a cuBLAS or cuSOLVER call in a destructor: warns on stderr instead of throwing.
#define MMM_CUDA_LIB_CHECK_NOTHROW(call) \
  ::mmm::cuda::detail::check_nothrow((call), #call, __FILE__, __LINE__)

/// Checks a CUDA runtime call; throws mmm::cuda::CudaError naming it on failure.
#define MMM_CUDA_CHECK(call) ::mmm::cuda::detail::check((call), #call, __FILE__, __LINE__)
/// Checks a CUDA runtime call in a destructor: warns on stderr instead of throwing.
#define MMM_CUDA_CHECK_NOTHROW(call) \
  ::mmm::cuda::detail::check_nothrow((call), #call, __FILE__, __LINE__)
/// Checks the launch of `kernel` (its configuration; execution errors surface at the next
/// synchronizing call, which is checked too).
#define MMM_CUDA_CHECK_LAUNCH(kernel) \
  ::mmm::cuda::detail::check(cudaGetLastError(), "launch of " #kernel, __FILE__, __LINE__)

namespace mmm::cuda {

/// Makes `ordinal` the calling thread's current device for its lifetime and then restores the
/// device that was current before: the current device is per host thread and belongs to the
/// caller (a program embedding mmm may have its own), so no entry of the backend leaves it
/// changed.
class DeviceGuard {
 public:
  /// Throws CudaError when the current device cannot be read or `ordinal` cannot be set.
  explicit DeviceGuard(int ordinal);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
  bool switched_ = false;
};

/// A move-only array of `T` in device memory, freed on destruction. Size 0 holds no memory.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  /// Allocates `count` elements (uninitialized).
  explicit DeviceBuffer(std::size_t count) { reset(count); }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)),
        count_(std::exchange(o.count_, 0)),
        device_(o.device_) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
      device_ = o.device_;
    }
    return *this;
  }

  /// Frees the current memory, then allocates `count` elements (uninitialized) on the
  /// current device.
  void reset(std::size_t count) {
    release();
    if (count == 0) return;
    MMM_CUDA_CHECK(cudaGetDevice(&device_));
    void* p = nullptr;
    MMM_CUDA_CHECK(cudaMalloc(&p, count * sizeof(T)));
    ptr_ = static_cast<T*>(p);
    count_ = count;
  }
  /// Frees the memory (no-throw), with the device it was allocated on current: cudaFree needs
  /// it, and owners are destroyed from whatever device the caller has current.
  void release() noexcept {
    if (ptr_ != nullptr) {
      int current = 0;
      const bool switch_device = cudaGetDevice(&current) == cudaSuccess && current != device_;
      if (switch_device) MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(device_));
      MMM_CUDA_CHECK_NOTHROW(cudaFree(ptr_));
      if (switch_device) MMM_CUDA_CHECK_NOTHROW(cudaSetDevice(current));
    }
    ptr_ = nullptr;
    count_ = 0;
  }

  T* get() { return ptr_; }
  const T* get() const { return ptr_; }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return count_ * sizeof(T); }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
  int device_ = 0;  ///< where ptr_ lives
};

/// A move-only array of `T` in page-locked host memory (cudaMallocHost), freed on destruction:
/// the staging buffers of transfers, which the DMA engines then read and write directly
/// (pageable memory is copied through a driver buffer first). Size 0 holds no memory.
template <typename T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer() { release(); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  /// Frees the current memory, then allocates `count` elements (uninitialized).
  void reset(std::size_t count) {
    release();
    if (count == 0) return;
    void* p = nullptr;
    MMM_CUDA_CHECK(cudaMallocHost(&p, count * sizeof(T)));
    ptr_ = static_cast<T*>(p);
    count_ = count;
  }
  void release() noexcept {
    if (ptr_ != nullptr) MMM_CUDA_CHECK_NOTHROW(cudaFreeHost(ptr_));
    ptr_ = nullptr;
    count_ = 0;
  }
  T* get() { return ptr_; }
  std::size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

/// One device and its stream, created once per run. Every public entry of an algorithm holds
/// activate()'s guard while it works, because the current device is per host thread and the
/// search driver may call from any thread; the guard gives the caller's device back.
class CudaContext {
 public:
  /// Creates a non-blocking stream on device `ordinal` (the caller's current device is kept).
  explicit CudaContext(int ordinal);
  ~CudaContext();
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;

  /// Makes this context's device current on the calling thread until the returned guard
  /// goes out of scope.
  [[nodiscard]] DeviceGuard activate() const { return DeviceGuard(ordinal_); }
  /// Waits for all work queued on the stream; throws CudaError if any of it failed.
  void synchronize() const;
  /// Free and total device memory in bytes (cudaMemGetInfo).
  std::pair<std::size_t, std::size_t> memory_info() const;

  int ordinal() const { return ordinal_; }
  cudaStream_t stream() const { return stream_; }
  /// The device's marketing name, e.g. "NVIDIA H100 80GB HBM3".
  const std::string& device_name() const { return device_name_; }
  /// Largest dynamic shared memory a kernel may opt in to, in bytes.
  std::size_t max_shared_bytes() const { return max_shared_bytes_; }
  /// The cuBLAS handle, bound to the stream; created on first use (the evaluator needs none)
  /// and destroyed with the context. Like the context, for one thread at a time.
  cublasHandle_t cublas();
  /// The cuSOLVER dense handle, bound to the stream; created on first use.
  cusolverDnHandle_t cusolver();

 private:
  int ordinal_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  cusolverDnHandle_t cusolver_ = nullptr;
  std::string device_name_;
  std::size_t max_shared_bytes_ = 0;
};

/// Copies `count` elements host → device on the context's stream.
template <typename T>
void upload(const CudaContext& ctx, T* device, const T* host, std::size_t count) {
  if (count == 0) return;
  MMM_CUDA_CHECK(
      cudaMemcpyAsync(device, host, count * sizeof(T), cudaMemcpyHostToDevice, ctx.stream()));
}

/// Copies `count` elements device → host on the context's stream (complete after
/// ctx.synchronize()).
template <typename T>
void download(const CudaContext& ctx, T* host, const T* device, std::size_t count) {
  if (count == 0) return;
  MMM_CUDA_CHECK(
      cudaMemcpyAsync(host, device, count * sizeof(T), cudaMemcpyDeviceToHost, ctx.stream()));
}

}  // namespace mmm::cuda
