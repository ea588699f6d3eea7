#pragma once
// The CPU backend: Eigen + a thread pool over candidates, float64 (SPEC §12).

#include <Eigen/Dense>
#include <memory>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/common/thread_pool.hpp"
#include "host/model/model_data.hpp"

namespace mmm::cpu {

class CpuEvaluator : public Evaluator {
 public:
  /// Copies what it needs from `data`; threads ≤ 0 uses every hardware thread.
  CpuEvaluator(const ModelData& data, int threads);
  void evaluate(const CandidateBatch& batch, const RowWeights& weights, BatchResult& out) override;
  std::string name() const override;

 private:
  /// Per-thread scratch: the augmented design (p+2) × T, its Gram and the solver's work.
  struct Workspace {
    Eigen::MatrixXd design;  ///< rows: 1, media h (rewritten per candidate), controls, y
    Eigen::MatrixXd weighted;
    Eigen::MatrixXd gram;
    std::vector<double> work;
    Eigen::ArrayXd theta, alpha, log_gamma;  ///< C values of the current candidate
    Eigen::ArrayXXd z;                       ///< C × T Hill exponents
  };
  void evaluate_one(const double* hyper, const double* weights, Workspace& ws, BatchResult& out,
                    int index) const;

  Eigen::MatrixXd spend_t_;        ///< C × T: one column per period, so adstock runs across channels
  Eigen::MatrixXd fixed_rows_;     ///< (p+2) × T template: ones, zero media, shifted controls, y
  Eigen::VectorXd column_shift_;   ///< p+2 values subtracted from each design row (conditioning)
  int T_, C_, K_;
  double lambda_, penalty_weight_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<Workspace> workspaces_;
};

}  // namespace mmm::cpu
