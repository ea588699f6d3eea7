#pragma once
// The fused evaluation kernel (issue 14 part 3): one thread block — one warp, 32 threads — per
// candidate does the whole evaluation without writing the design to global memory:
//  1. its row weights into shared memory: copied, or drawn on the device from (seed, resample)
//     with the host's Philox resampling code (host/common/resampling.hpp);
//  2. adstock + saturation (Hill or logistic) of its media, a tile of periods at a time in shared
//  memory (the adstock
//     serial per channel, the Hill transform spread over every (period, channel) of the
//     tile), and each channel's (weighted) mean, the shift that centres it (pass 1);
//  3. the media rows of the weighted Gram, centred, accumulated tile by tile into shared
//     memory (pass 2); the weight multiplied into h once per period; the fixed-column block
//     (ones, controls, y) copied from a Gram computed once per weight vector, or accumulated
//     here under per-candidate weights;
//  4. the ridge solve of host/model/gram_ridge.hpp run by the block as a team (the Cholesky's
//     trailing updates, the triangular solves and the active-set steps split over the warp),
//     then the conditioning shifts undone and the loss, as CpuEvaluator::evaluate_one does.
// Every sum runs over t in order with the CPU backend's fma operands, so the two backends
// agree to rounding (CudaParity.* tests 1e-9 relative). Only when T exceeds one tile are the
// tiles' transforms computed twice (once for the means, once for the Gram).

#include <cstddef>
#include <cstdint>

#include "kernels/cuda_context.cuh"
#include "kernels/gram_kernels.cuh"

namespace mmm::cuda {

/// Threads per block of the fused kernel: one warp per candidate.
constexpr int kFusedThreads = 32;

/// Arguments of launch_fused_evaluate. Device pointers unless stated otherwise.
struct FusedArgs {
  int periods = 0;   ///< T
  int channels = 0;  ///< C
  int controls = 0;  ///< K
  int count = 0;     ///< candidates (one block each)
  double lambda = 0.0;
  double penalty_weight = 0.0;
  int nonnegative_media = 0;
  const double* spend = nullptr;   ///< T × C period-major
  const double* fixed = nullptr;   ///< T × (K+2) period-major: 1, shifted controls, shifted y
  const double* shift = nullptr;   ///< p+2 values subtracted from the fixed columns
  const double* params = nullptr;  ///< count × 3C candidate-major (θ, α, γ per channel)
  /// C saturation shapes (SaturationShape as int); null: every channel Hill.
  const int* saturation = nullptr;
  /// Row weights, one of: none (all null: unit weights); `weights` (candidate i's T weights at
  /// i · weight_stride; stride 0: one vector for all); `resample` (candidate i's weights are
  /// the counts of bootstrap resample resample[i] of `resample_seed`, block length
  /// `block_length`, drawn on the device).
  const double* weights = nullptr;
  std::size_t weight_stride = 0;
  const std::uint32_t* resample = nullptr;
  std::uint64_t resample_seed = 0;
  int block_length = 1;
  /// The fixed-column block of the Gram (ld × ld, lower triangle) under the batch's common
  /// weights, copied into each candidate's Gram; null under per-candidate weights, where each
  /// block accumulates its own.
  const double* fixed_gram = nullptr;
  const GramEntry* entries = nullptr;  ///< the Gram entries the block accumulates
  int entry_count = 0;
  int tile = 1;            ///< periods per shared-memory tile (fused_plan)
  double* loss = nullptr;  ///< out: count
  /// Out, all null for a loss-only call: count values, or count × p candidate-major.
  double* r2 = nullptr;
  double* intercept = nullptr;
  double* coef = nullptr;
  double* coef_scaled = nullptr;
  double* mean = nullptr;
  double* scale = nullptr;
};

/// Shared-memory plan of one fused launch: periods per tile and bytes per block.
struct FusedPlan {
  int tile = 0;
  std::size_t bytes = 0;
};

/// The plan for a problem within `budget` bytes of shared memory per block (at least the
/// Gram, the solve's scratch and one period): as many periods per tile as fit, at most T.
/// `weighted`: the call has row weights (the tile then also holds w·h and w·fixed).
FusedPlan fused_plan(int periods, int channels, int controls, bool weighted, std::size_t budget);

/// Queues the fused kernel on ctx's stream (checked launch, asynchronous). Throws CudaError
/// when `plan.bytes` exceeds what the device lets a block use.
void launch_fused_evaluate(const CudaContext& ctx, const FusedArgs& args, const FusedPlan& plan);

}  // namespace mmm::cuda
