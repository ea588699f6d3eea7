#include "host/backend/cpu_evaluator.hpp"

#include "host/features/transforms.hpp"
#include "host/model/gram_ridge.hpp"

namespace mmm::cpu {

CpuEvaluator::CpuEvaluator(const ModelData& data, int threads)
    : T_(data.rows()),
      C_(data.channels()),
      K_(data.control_count()),
      lambda_(data.ridge_lambda),
      penalty_weight_(data.penalty_weight),
      pool_(std::make_unique<ThreadPool>(threads)) {
  const int p = C_ + K_;
  spend_t_ = data.spend.transpose();
  // Controls and y are shifted by their full-sample means before the Gram is formed: the
  // centered cross-products are then differences of small numbers, not of huge ones (a KPI in
  // the millions would otherwise lose digits). The shift is undone on means and intercepts.
  column_shift_ = Eigen::VectorXd::Zero(p + 2);
  fixed_rows_.setZero(p + 2, T_);
  fixed_rows_.row(0).setOnes();
  for (int k = 0; k < K_; ++k) {
    column_shift_(1 + C_ + k) = data.controls.col(k).mean();
    fixed_rows_.row(1 + C_ + k) = data.controls.col(k).transpose().array() - column_shift_(1 + C_ + k);
  }
  column_shift_(p + 1) = data.y.mean();
  fixed_rows_.row(p + 1) = data.y.transpose().array() - column_shift_(p + 1);
  workspaces_.resize(pool_->size());
  for (auto& ws : workspaces_) {
    ws.design = fixed_rows_;
    ws.gram.setZero(p + 2, p + 2);
    ws.work.assign(gram_ridge_work_size(p), 0.0);
    ws.adstock.resize(C_, T_);
    ws.z.resize(C_, T_);
  }
}

std::string CpuEvaluator::name() const {
  return "cpu (" + std::to_string(pool_->size()) + (pool_->size() == 1 ? " thread)" : " threads)");
}

void CpuEvaluator::evaluate(const CandidateBatch& batch, const RowWeights& weights,
                            BatchResult& out) {
  const int p = C_ + K_;
  out.resize(batch.count, p);
  const int stride = 3 * C_;
  pool_->parallel_for(batch.count, [&](int begin, int end, int worker) {
    Workspace& ws = workspaces_[worker];
    for (int i = begin; i < end; ++i) {
      const double* w = nullptr;
      if (weights.count == 1) w = weights.values;
      if (weights.count > 1) w = weights.values + static_cast<size_t>(i) * T_;
      evaluate_one(batch.params + static_cast<size_t>(i) * stride, w, ws, out, i);
    }
  });
}

void CpuEvaluator::evaluate_one(const double* hyper, const double* weights, Workspace& ws,
                                BatchResult& out, int index) const {
  const int p = C_ + K_;
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor>> hp(hyper, C_, 3);
  ws.theta = hp.col(0);
  ws.alpha = hp.col(1);
  ws.log_gamma = hp.col(2).array().log();

  // Adstock across channels at once: one period's C values are contiguous.
  Eigen::ArrayXXd& a = ws.adstock;
  a.col(0) = spend_t_.col(0).array();
  for (int t = 1; t < T_; ++t) a.col(t) = spend_t_.col(t).array() + ws.theta * a.col(t - 1);
  // Hill as 1 / (1 + exp(α (ln γ − ln a))) over the whole contiguous C × T block, so Eigen's
  // vectorized log and exp are used (transforms.hpp has the scalar twin of this formula).
  ws.z = a.max(kTinySpend).log();
  ws.z = ((-(ws.z.colwise() - ws.log_gamma)).colwise() * ws.alpha)
             .max(-kHillExponentClamp)
             .min(kHillExponentClamp);
  ws.design.middleRows(1, C_) = (1.0 + ws.z.exp()).inverse().matrix();

  // Weighted Gram of the augmented design (lower triangle).
  ws.gram.setZero();
  if (weights == nullptr) {
    ws.gram.selfadjointView<Eigen::Lower>().rankUpdate(ws.design);
  } else {
    Eigen::Map<const Eigen::VectorXd> w(weights, T_);
    ws.weighted = ws.design * w.cwiseSqrt().asDiagonal();
    ws.gram.selfadjointView<Eigen::Lower>().rankUpdate(ws.weighted);
  }

  const GramRidgeShape shape{p, C_, lambda_, penalty_weight_};
  const size_t off = static_cast<size_t>(index) * p;
  GramRidgeOutput o{out.coef_scaled.data() + off, out.coef.data() + off, out.mean.data() + off,
                    out.scale.data() + off, &out.intercept[index], &out.r2[index]};
  out.loss[index] = solve_ridge_from_gram(ws.gram.data(), p + 2, shape, ws.work.data(), o);
  // Undo the conditioning shift: means move back, and the intercept absorbs the shifts.
  double intercept = out.intercept[index] + column_shift_(p + 1);
  for (int j = 0; j < p; ++j) {
    out.mean[off + j] += column_shift_(1 + j);
    intercept -= out.coef[off + j] * column_shift_(1 + j);
  }
  out.intercept[index] = intercept;
}

}  // namespace mmm::cpu
