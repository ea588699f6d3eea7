#pragma once
// The backend interface (SPEC §2): evaluate a batch of candidate hyperparameter vectors on one
// ModelData, optionally under row weights (CV folds, bootstrap resamples). The search driver,
// CV and bootstrap see only this interface; CpuEvaluator and CudaEvaluator implement it.

#include <cstdint>
#include <string>
#include <vector>

namespace mmm {

/// Candidates in natural units, candidate-major: candidate i, channel c at
/// params[i·3C + 3c + {0,1,2}] = (θ, α, γ), γ in spend units.
struct CandidateBatch {
  int count = 0;
  int channels = 0;
  const double* params = nullptr;
  /// The caller reads only the losses (a search): BatchResult then holds `loss` alone, and a
  /// device backend copies back nothing else.
  bool losses_only = false;
};

/// Bootstrap resamples as row weights that a backend draws itself (host/common/resampling.hpp,
/// the same Philox counts on either backend): candidate i's weights are the counts of resample
/// index[i] of `seed` with moving-block length `block_length` (1: i.i.d. rows). A device
/// backend receives one integer per candidate instead of T doubles.
struct ResampledRows {
  std::uint64_t seed = 1;
  int block_length = 1;
  const std::uint32_t* index = nullptr;  ///< one resample number per candidate
};

/// Row weights, T × count column-major. count 0: every row weight 1 (no array needed);
/// count 1: one weight vector for every candidate; count == batch.count: one per candidate.
/// Weights are non-negative (0/1 masks for CV folds, resample counts for the bootstrap).
/// Or, with `resampled` set (values null, count == batch.count): each candidate's bootstrap
/// counts, drawn by the backend.
struct RowWeights {
  int count = 0;
  const double* values = nullptr;
  const ResampledRows* resampled = nullptr;
};

/// Per-candidate results. Arrays of p values are candidate-major (candidate i at i·p).
struct BatchResult {
  int count = 0;
  int parameters = 0;               ///< p = media + controls
  std::vector<double> loss;         ///< objective to minimize; +inf if the solve failed
  std::vector<double> r2;           ///< weighted in-sample R²
  std::vector<double> coef;         ///< p per candidate: coefficients in column units (b / σ)
  std::vector<double> coef_scaled;  ///< p per candidate: coefficients of standardized columns
  std::vector<double> mean;         ///< p per candidate: weighted column means
  std::vector<double> scale;        ///< p per candidate: column standard deviations
  std::vector<double> intercept;    ///< one per candidate, in KPI units

  void resize(int n, int p) {
    count = n;
    parameters = p;
    loss.assign(n, 0.0);
    r2.assign(n, 0.0);
    intercept.assign(n, 0.0);
    coef.assign(static_cast<size_t>(n) * p, 0.0);
    coef_scaled.assign(static_cast<size_t>(n) * p, 0.0);
    mean.assign(static_cast<size_t>(n) * p, 0.0);
    scale.assign(static_cast<size_t>(n) * p, 0.0);
  }
  /// Sizes for a losses-only call: `loss` holds n values (left as they are: the backend
  /// writes each one), the other arrays are empty.
  void resize_losses(int n, int p) {
    count = n;
    parameters = p;
    loss.resize(n);
    for (auto* v : {&r2, &coef, &coef_scaled, &mean, &scale, &intercept}) v->clear();
  }
  /// Sizes for a full call without zero-filling (for a backend that writes every element).
  void resize_unfilled(int n, int p) {
    count = n;
    parameters = p;
    const size_t np = static_cast<size_t>(n) * p;
    for (auto* v : {&loss, &r2, &intercept}) v->resize(n);
    for (auto* v : {&coef, &coef_scaled, &mean, &scale}) v->resize(np);
  }
};

/// Evaluates candidates: transforms → weighted Gram → standardized ridge → R², loss.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  /// Fills `out` (resized to batch.count) for every candidate of the batch.
  virtual void evaluate(const CandidateBatch& batch, const RowWeights& weights,
                        BatchResult& out) = 0;
  /// Short backend description for logs and model.json, e.g. "cpu (2 threads)".
  virtual std::string name() const = 0;
};

}  // namespace mmm
