#pragma once
// The three batched kernels of the CUDA evaluator, behind host launchers:
//  1. media transform: per (candidate, channel), adstock + Hill over all periods (the shared
//     transforms.hpp math) and the channel's (weighted) mean, the shift that centres it;
//  2. weighted Gram: per candidate, G = Σ_t w_t m_t m_tᵀ of the augmented design row
//     m_t = [1, h_t − shift, controls_t, y_t] (controls and y already shifted);
//  3. ridge solve: per candidate, solve_ridge_from_gram (host/model/gram_ridge.hpp, the very
//     code the CPU backend runs), then the shifts undone on means and intercept.
// Centring matters: a saturated channel has h ≈ 1 with a spread of 1e-6, and its variance
// taken as Σwh² − n·mean² would lose nearly all digits to cancellation (and parity with it).
// Gram matrices are (p+2) × (p+2) column-major with ld = p+2, p = C + K; only the lower
// triangle is written and read.

#include <cstddef>

#include "kernels/cuda_context.cuh"

namespace mmm::cuda {

/// Arguments of launch_media_transform. Device pointers.
struct MediaArgs {
  int periods = 0;                 ///< T
  int channels = 0;                ///< C
  int count = 0;                   ///< candidates
  const double* spend = nullptr;   ///< T × C period-major (t·C + c)
  const double* params = nullptr;  ///< count × 3C candidate-major (θ, α, γ per channel)
  /// C saturation shapes (SaturationShape as int); null: every channel Hill.
  const int* saturation = nullptr;
  /// Null for unit weights; otherwise candidate i's T weights start at i · weight_stride.
  const double* weights = nullptr;
  std::size_t weight_stride = 0;  ///< 0: one vector shared by all candidates; T: one each
  double* media = nullptr;        ///< out: count × T × C, candidate i at i·T·C, then t·C + c
  double* shift = nullptr;        ///< out: count × C channel means (weighted when weights are)
};

/// Queues the media-transform kernel on ctx's stream (checked launch, asynchronous).
void launch_media_transform(const CudaContext& ctx, const MediaArgs& args);

/// One lower-triangle entry G(row, col), row ≥ col, of the augmented Gram.
struct GramEntry {
  int row;
  int col;
};

/// Arguments of launch_weighted_gram. Device pointers unless stated otherwise.
struct GramArgs {
  int periods = 0;                ///< T
  int channels = 0;               ///< C
  int controls = 0;               ///< K
  int count = 0;                  ///< candidates (one block each)
  const double* fixed = nullptr;  ///< T × (K+2) period-major: 1, shifted controls, shifted y
  /// Transformed media as written by launch_media_transform, and the shifts to take out of
  /// them; null: only entries among the fixed columns (ones, controls, y) may be listed.
  const double* media = nullptr;
  const double* media_shift = nullptr;
  /// Null for unit weights; otherwise candidate i's T weights start at i · weight_stride.
  const double* weights = nullptr;
  std::size_t weight_stride = 0;       ///< 0: one vector shared by all candidates; T: one each
  const GramEntry* entries = nullptr;  ///< entries accumulated for every candidate
  int entry_count = 0;
  /// Entries copied from `copy_source` (an ld × ld Gram shared by the batch) instead of
  /// being accumulated: the fixed-column block when the weights are the same for all.
  const GramEntry* copied = nullptr;
  int copied_count = 0;
  const double* copy_source = nullptr;
  double* gram = nullptr;  ///< out: count Grams of ld × ld doubles
};

/// Queues the weighted-Gram kernel on ctx's stream (checked launch, asynchronous).
void launch_weighted_gram(const CudaContext& ctx, const GramArgs& args);

/// Arguments of launch_ridge_solve. Device pointers; p-long outputs are candidate-major.
struct SolveArgs {
  int count = 0;
  int parameters = 0;  ///< p
  int media = 0;       ///< C
  double lambda = 0.0;
  double penalty_weight = 0.0;
  int nonnegative_media = 0;
  const double* gram = nullptr;   ///< count Grams of (p+2)² doubles
  const double* shift = nullptr;  ///< p+2 values subtracted from the fixed columns (0 for media)
  const double* media_shift = nullptr;  ///< count × C values subtracted from the media columns
  double* work = nullptr;               ///< count × gram_ridge_work_size(p) doubles of scratch
  double* loss = nullptr;               ///< count
  double* r2 = nullptr;                 ///< count
  double* intercept = nullptr;          ///< count, in KPI units (shift undone)
  double* coef = nullptr;               ///< count × p
  double* coef_scaled = nullptr;        ///< count × p
  double* mean = nullptr;               ///< count × p (shift undone)
  double* scale = nullptr;              ///< count × p
};

/// Queues the per-candidate ridge solve on ctx's stream (checked launch, asynchronous).
void launch_ridge_solve(const CudaContext& ctx, const SolveArgs& args);

/// cudaSuccess when this build holds code that device `ordinal` can run (SASS for its
/// architecture or PTX it can JIT), else the status a launch there would fail with. The
/// caller's current device is kept. Does not throw (a device that cannot be made current
/// gives that failure's status).
cudaError_t kernel_image_status(int ordinal);

}  // namespace mmm::cuda
