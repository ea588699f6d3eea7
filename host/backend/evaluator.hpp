#pragma once
// The backend interface (SPEC §2): evaluate a batch of candidate hyperparameter vectors on one
// ModelData, optionally under row weights (CV folds, bootstrap resamples). The search driver,
// CV and bootstrap see only this interface; CpuEvaluator and CudaEvaluator implement it.

#include <string>
#include <vector>

namespace mmm {

/// Candidates in natural units, candidate-major: candidate i, channel c at
/// params[i·3C + 3c + {0,1,2}] = (θ, α, γ), γ in spend units.
struct CandidateBatch {
  int count = 0;
  int channels = 0;
  const double* params = nullptr;
};

/// Row weights, T × count column-major. count 0: every row weight 1 (no array needed);
/// count 1: one weight vector for every candidate; count == batch.count: one per candidate.
/// Weights are non-negative (0/1 masks for CV folds, resample counts for the bootstrap).
struct RowWeights {
  int count = 0;
  const double* values = nullptr;
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
