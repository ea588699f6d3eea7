#pragma once
// What a test may change about the emulated CUDA device (-DMMM_EMULATE_CUDA=ON builds only):
// plain C++, so that tests reach it without CUDA types. The defaults are one healthy device.

namespace mmm::emulation {

/// The emulated device's name, as cudaGetDeviceProperties reports it: not a GPU's.
inline constexpr const char* kDeviceName = "emulated (HIP-CPU, not a GPU)";

/// Visible emulated devices (default 1); every one runs on the host CPU.
int device_count();
void set_device_count(int count);

/// The calling thread's current device (cudaGetDevice / cudaSetDevice).
int current_device();
void set_current_device(int device);

/// The next `count` device allocations fail with cudaErrorMemoryAllocation (0 clears).
void fail_next_allocations(int count);

/// When true, the device behaves as a GPU this build has no kernel image for:
/// cudaFuncGetAttributes and every launch fail with cudaErrorNoKernelImageForDevice.
bool kernel_images_missing();
void set_kernel_images_missing(bool missing);

}  // namespace mmm::emulation
