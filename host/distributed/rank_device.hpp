#pragma once
// Which device each rank of a job takes: `--device auto` means the node's GPU numbered by the
// rank's local rank (one rank per GPU), wrapping around when a node runs more ranks than it
// has GPUs. Explicit choices are left alone.

#include <string>

namespace mmm {

/// The --device value rank `local_rank` (of a job of `ranks` processes) uses on a node with
/// `cuda_devices` usable GPUs: `auto` becomes `cuda:<local_rank mod cuda_devices>` when
/// ranks > 1 and a GPU is usable; anything else (and every single-process run) is unchanged.
inline std::string device_for_rank(const std::string& device, int ranks, int local_rank,
                                   int cuda_devices) {
  if (device != "auto" || ranks <= 1 || cuda_devices <= 0) return device;
  return "cuda:" + std::to_string(local_rank % cuda_devices);
}

}  // namespace mmm
