#pragma once
// The CUDA evaluator's choices, as plain C++: cuda_switch.hpp passes them through and
// kernels/cuda_evaluator.cuh reads them (no Eigen, no CUDA types here).

#include <cstddef>

namespace mmm {

/// How the CUDA evaluator computes (tests and benchmarks choose; the program takes the defaults).
struct CudaEvaluatorOptions {
  /// The fused kernel (kernels/fused_evaluator.cu: one warp per candidate, nothing but the
  /// results in global memory). false: the unfused path (media transform, Gram and solve
  /// kernels with global intermediates), kept as a second reference. The fused path also falls
  /// back to it when a problem's Gram and solve do not fit in a block's shared memory.
  bool fused = true;
  /// Shared memory per block that the fused kernel plans its period tiles in (bytes); more
  /// than this is used only when the Gram and the solve need it. Tests shrink it to get
  /// several tiles from a short series.
  std::size_t fused_shared_bytes = 32 * 1024;
};

}  // namespace mmm
