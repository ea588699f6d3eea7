#pragma once
// The CPU backend: SIMD kernels + a thread pool over candidates, float64 (SPEC §12).

#include <Eigen/Core>
#include <memory>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/common/thread_pool.hpp"
#include "host/model/model_data.hpp"

namespace mmm::cpu {

/// Evaluates candidates on the CPU. Only the C media rows of the augmented design
/// [1, media, controls, y] depend on the candidate, so the Gram block of the other rows is
/// formed once (per weight vector) and each candidate computes just its media rows' products.
/// Every row but the ones is centred before its products are taken (controls and y on their
/// sample means, media per candidate on their weighted means), so no variance is formed by
/// cancellation; the shifts are undone on the reported means and intercept. Results are
/// deterministic per candidate, identical for any thread count.
class CpuEvaluator : public Evaluator {
 public:
  /// Copies what it needs from `data`; threads ≤ 0 uses every hardware thread.
  CpuEvaluator(const ModelData& data, int threads);
  void evaluate(const CandidateBatch& batch, const RowWeights& weights, BatchResult& out) override;
  std::string name() const override;
  /// The thread pool's notice: empty unless fewer threads than asked for could be started.
  std::string thread_notice() const { return pool_->notice(); }

 private:
  /// Period-major blocks are T × ld doubles, period t at [t·ld, (t+1)·ld) (see cpu_gram_kernel).
  using Buffer = std::vector<double, Eigen::aligned_allocator<double>>;

  /// Per-thread scratch, sized once at construction.
  struct Workspace {
    Buffer theta, alpha, gamma;  ///< Cp values of the current candidate (padding: 0, 0, 1)
    Buffer h;                    ///< period-major T × Cp Hill-transformed media, centred
    Buffer shift;                ///< Cp channel means taken out of h
    Buffer hw;                   ///< w_t · h_t (weighted calls only)
    Buffer fixed_w;              ///< per-candidate weights: w_t · fixed_t
    Buffer fixed_gram_w;         ///< per-candidate weights: nf × nf Gram of the fixed rows
    Buffer media_media;          ///< Cp × Cp, column-major: lower block Σ w h hᵀ
    Buffer media_fixed;          ///< Cp × nf, column-major: Σ w h fᵀ
    Buffer gram;                 ///< (p+2) × (p+2) column-major, lower triangle
    Buffer work;                 ///< solve_ridge_from_gram's scratch
    std::vector<double> drawn;   ///< T: a candidate's bootstrap counts (RowWeights::resampled)
    BatchResult one;             ///< one candidate's full results in a losses-only call
  };
  void evaluate_one(const double* hyper, const double* weights, const double* fixed,
                    const double* fixed_gram, Workspace& ws, BatchResult& out, int index) const;
  /// fixed_w = w ∘ fixed (when w is not null) and its nf × nf lower-triangle Gram.
  void weight_fixed_rows(const double* w, double* fixed_w, double* fixed_gram) const;

  int T_, C_, K_;
  int Cp_;  ///< C padded to whole SIMD packets
  int nf_;  ///< fixed rows: ones, K controls, y
  double lambda_, penalty_weight_;
  int nonnegative_media_;
  /// Cp saturation shapes as ints (padding lanes Hill); empty when every channel is Hill.
  std::vector<int> saturation_;
  Buffer spend_;       ///< period-major T × Cp spend (padding lanes 0)
  Buffer fixed_;       ///< period-major T × nf: 1, shifted controls, shifted y
  Buffer fixed_gram_;  ///< nf × nf Gram of fixed_ with unit weights (lower triangle)
  Buffer shared_fixed_w_, shared_fixed_gram_w_;  ///< the same under one shared weight vector
  std::vector<double> column_shift_;             ///< p+2 values subtracted from each design row
  std::unique_ptr<ThreadPool> pool_;
  std::vector<Workspace> workspaces_;
};

}  // namespace mmm::cpu
