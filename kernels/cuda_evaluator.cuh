#pragma once
// The CUDA backend (SPEC §2, §12): evaluates batches of candidates on one device in float64,
// with the same shared transforms and ridge solve as the CPU backend (parity 1e-9 relative).

#include <string>
#include <vector>

#include "host/backend/cuda_evaluator_options.hpp"
#include "host/backend/evaluator.hpp"
#include "kernels/cuda_context.cuh"
#include "kernels/fused_evaluator.cuh"
#include "kernels/gram_kernels.cuh"

namespace mmm::cuda {

/// The model problem as plain arrays (kernels/ sees no Eigen): built from ModelData by
/// cuda_entry.cu with the same column shift as the CPU backend.
struct ResidentProblem {
  int periods = 0;   ///< T
  int channels = 0;  ///< C
  int controls = 0;  ///< K
  double ridge_lambda = 0.0;
  double penalty_weight = 0.0;
  int nonnegative_media = 0;  ///< ModelData::nonnegative_media
  std::vector<double> spend;  ///< T × C period-major: spend[t·C + c]
  /// C saturation shapes (SaturationShape as int); empty: every channel Hill.
  std::vector<int> saturation;
  /// T × (K+2) period-major: 1, controls − their mean, y − its mean.
  std::vector<double> fixed;
  /// p+2 values subtracted from each augmented column [1, media, controls, y] (0 for the ones
  /// and the media); undone on the reported means and intercepts.
  std::vector<double> shift;
};

/// Evaluates candidates on one CUDA device. The problem is uploaded once and stays resident;
/// per-candidate workspaces grow to the largest batch seen (bounded by `max_chunk` and by
/// free device memory), and larger batches are processed in chunks. By default one fused
/// kernel does the whole evaluation (kernels/fused_evaluator.cuh); the unfused three-kernel
/// path (kernels/gram_kernels.cuh) is the second reference, and the fallback when the fused
/// kernel's shared memory would exceed the device's. Parameters go up and results come back
/// through page-locked staging buffers, only the losses for a losses-only batch; results are
/// not zero-filled on the host. Not thread-safe: one evaluate() at a time, like the CPU
/// evaluator.
class CudaEvaluator : public Evaluator {
 public:
  /// Default bound on candidates per chunk: enough blocks to fill an H100 many times over,
  /// with ~3.5 GiB of workspace for T = 208, C = 20, K = 10 (≈ 53 KB per candidate).
  static constexpr int kDefaultMaxChunk = 1 << 16;

  /// Uploads `problem` to device `ordinal`. Throws CudaError on any CUDA failure.
  CudaEvaluator(const ResidentProblem& problem, int ordinal, int max_chunk = kDefaultMaxChunk,
                const CudaEvaluatorOptions& options = {});
  ~CudaEvaluator() override;

  /// See Evaluator::evaluate. Throws std::invalid_argument for a batch that does not match
  /// the problem (channel count, weight count) and CudaError for device failures; a failed
  /// factorization is not an error (that candidate's loss is +inf).
  void evaluate(const CandidateBatch& batch, const RowWeights& weights, BatchResult& out) override;
  /// "cuda:N (device name)", plus ", unfused" when the unfused path runs.
  std::string name() const override;
  /// Whether the fused kernel runs (false: asked for the unfused path, or it did not fit).
  bool fused() const { return fused_; }

 private:
  /// Per-candidate device arrays for `capacity` candidates.
  struct Workspace {
    int capacity = 0;
    DeviceBuffer<double> params, media, media_shift, gram, work;  ///< the last four unfused only
    DeviceBuffer<double> loss, r2, intercept, coef, coef_scaled, mean, scale;
    DeviceBuffer<std::uint32_t> resample;  ///< resample number per candidate (fused only)
    /// Page-locked staging: parameters and resample numbers up, the outputs back (3 + 4p per
    /// candidate, laid out as the device arrays are).
    PinnedBuffer<double> stage_params, stage_out;
    PinnedBuffer<std::uint32_t> stage_resample;
  };
  /// Grows the workspaces for a batch of `count` (per-candidate weights too when
  /// `weights_each`) and returns the chunk size to use. Workspace and weights are sized
  /// together, so that the weights never find the memory already taken.
  int reserve(int count, bool weights_each);
  /// How many of `wanted` candidates of `bytes_each` fit in free device memory (≥ 1, or throws).
  int fit(int wanted, std::size_t bytes_each) const;
  /// Queues the fixed-column Gram under `weights` (null: unit weights) into `gram`.
  void fixed_gram(const double* weights, double* gram) const;
  void evaluate_chunk(const CandidateBatch& batch, const RowWeights& weights, int begin, int n,
                      BatchResult& out);
  /// Queues the unfused kernels (media transform, Gram, solve) for a chunk already uploaded.
  void queue_unfused(int n, const double* w, std::size_t weight_stride, bool weights_each,
                     int weight_count);
  /// Queues the fused kernel for a chunk already uploaded.
  void queue_fused(int n, const double* w, std::size_t weight_stride, bool resampled,
                   const ResampledRows* rows, bool weights_each, bool losses_only);

  CudaContext ctx_;
  int T_, C_, K_, p_, ld_;
  double lambda_, penalty_weight_;
  int nonnegative_media_;
  int max_chunk_;
  bool fused_;
  FusedPlan plan_unweighted_, plan_weighted_;
  DeviceBuffer<double> spend_, fixed_, shift_;
  DeviceBuffer<int> saturation_;     ///< C shapes; empty (null) when every channel is Hill
  DeviceBuffer<GramEntry> entries_;  ///< media entries first, then the fixed-column block
  int media_entries_ = 0, fixed_entries_ = 0;
  DeviceBuffer<double> unit_fixed_gram_;    ///< fixed block under unit weights (constant)
  DeviceBuffer<double> shared_weights_;     ///< T: the batch's shared weight vector
  DeviceBuffer<double> shared_fixed_gram_;  ///< fixed block under shared_weights_
  Workspace ws_;
  int requested_ = 0;  ///< largest chunk a workspace was fitted for (memory may have given less)
  DeviceBuffer<double> weights_;  ///< T × weights_capacity_: per-candidate weights of a chunk
  int weights_capacity_ = 0;
};

}  // namespace mmm::cuda
