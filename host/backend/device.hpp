#pragma once
// Run-time device choice (SPEC §2): the `auto|cpu|cuda|cuda:N` grammar, resolved in one
// factory. A machine without a GPU reports zero devices; that is not an error.

#include <memory>
#include <string>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/model_data.hpp"

namespace mmm {

/// A parsed --device value.
struct DeviceChoice {
  enum class Kind { kAuto, kCpu, kCuda };
  Kind kind = Kind::kAuto;
  int ordinal = 0;  ///< CUDA device ordinal (cuda:N); 0 for plain `cuda`
};

/// Parses `auto`, `cpu`, `cuda` or `cuda:N`; throws InputError naming the bad value and the
/// valid alternatives.
DeviceChoice parse_device(const std::string& text);

/// What this build and machine offer (for `mmm info` and `--device auto`).
struct CudaStatus {
  bool built = false;                ///< compiled with the CUDA backend
  int device_count = 0;              ///< visible devices (0 when none or not built)
  std::vector<std::string> devices;  ///< one description per visible device
  std::string detail;                ///< driver/runtime remarks (e.g. why none is visible)
  /// The devices are HIP-CPU emulations on the host (the test-only -DMMM_EMULATE_CUDA=ON
  /// build), not GPUs: `auto` never picks them, explicit `cuda` does.
  bool emulated = false;
};
CudaStatus cuda_status();

/// A device choice resolved against what the build and machine offer.
struct ResolvedDevice {
  bool cuda = false;  ///< true: CUDA device `ordinal`; false: the CPU
  int ordinal = 0;
  /// `auto` only: "using CUDA device 0: NAME", or why the CPU was taken ("no CUDA device
  /// visible" / "no CUDA device support in this build"); empty for explicit choices.
  std::string reason;
};

/// The one rule of device choice, for the evaluator and the segmented fit alike: `cpu` → CPU;
/// `auto` → CUDA device 0 when `status` shows one that is not emulated, else the CPU; `cuda` /
/// `cuda:N` → that device, or BackendUnavailable (exit code 2) naming the flag, what is visible and
/// the way out (--device cpu) when the build has no CUDA or the ordinal is not visible. Pure: tests
/// pass a made-up CudaStatus to cover machines they do not run on.
ResolvedDevice resolve_device(const DeviceChoice& choice, const CudaStatus& status);

/// Creates the evaluator for a device choice. `auto` picks CUDA when a device is visible and
/// the CPU otherwise, and sets `notice` to say which. Explicit `cuda` without a usable device
/// (or in a build without CUDA) throws BackendUnavailable (exit code 2).
std::unique_ptr<Evaluator> make_evaluator(const DeviceChoice& choice, const ModelData& data,
                                          int threads, std::string* notice);

}  // namespace mmm
