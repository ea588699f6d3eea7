#include "host/backend/cpu_evaluator.hpp"

#include <algorithm>
#include <cmath>

#include "host/backend/cpu_gram_kernel.hpp"
#include "host/common/resampling.hpp"
#include "host/model/gram_ridge.hpp"

namespace mmm::cpu {

CpuEvaluator::CpuEvaluator(const ModelData& data, int threads)
    : T_(data.rows()),
      C_(data.channels()),
      K_(data.control_count()),
      Cp_(pad_to_lanes(std::max(C_, 1))),
      nf_(K_ + 2),
      lambda_(data.ridge_lambda),
      penalty_weight_(data.penalty_weight),
      nonnegative_media_(data.nonnegative_media ? 1 : 0),
      pool_(std::make_unique<ThreadPool>(threads)) {
  const int p = C_ + K_;
  const int nfp = pad_to_lanes(nf_);
  if (!data.saturation.empty()) {
    saturation_.assign(Cp_, static_cast<int>(SaturationShape::Hill));
    for (int c = 0; c < C_; ++c) saturation_[c] = static_cast<int>(data.saturation_of(c));
  }
  spend_.assign(static_cast<size_t>(T_) * Cp_, 0.0);
  for (int t = 0; t < T_; ++t)
    for (int c = 0; c < C_; ++c) spend_[static_cast<size_t>(t) * Cp_ + c] = data.spend(t, c);
  // Controls and y are shifted by their full-sample means before the Gram is formed: the
  // centered cross-products are then differences of small numbers, not of huge ones (a KPI in
  // the millions would otherwise lose digits). The shift is undone on means and intercepts.
  // Media rows get the same treatment per candidate (media_transform centres them).
  // The means are summed in row order, as kernels/cuda_entry.cu does, so that both backends
  // centre on the same bits (Eigen's vectorized mean sums in another order; a column that is
  // constant on the weighted rows then has a variance of pure rounding, which must agree too).
  auto mean = [this](auto&& value) {
    double sum = 0.0;
    for (int t = 0; t < T_; ++t) sum += value(t);
    return T_ > 0 ? sum / T_ : 0.0;
  };
  column_shift_.assign(p + 2, 0.0);
  for (int k = 0; k < K_; ++k)
    column_shift_[1 + C_ + k] = mean([&](int t) { return data.controls(t, k); });
  column_shift_[p + 1] = mean([&](int t) { return data.y(t); });
  // Fixed rows are stored with a padded stride so they can also be the packet-loaded operand
  // of their own Gram (weight_fixed_rows).
  fixed_.assign(static_cast<size_t>(T_) * nfp, 0.0);
  for (int t = 0; t < T_; ++t) {
    double* f = fixed_.data() + static_cast<size_t>(t) * nfp;
    f[0] = 1.0;
    for (int k = 0; k < K_; ++k) f[1 + k] = data.controls(t, k) - column_shift_[1 + C_ + k];
    f[K_ + 1] = data.y(t) - column_shift_[p + 1];
  }
  fixed_gram_.assign(static_cast<size_t>(nfp) * nf_, 0.0);
  weight_fixed_rows(nullptr, nullptr, fixed_gram_.data());
  shared_fixed_w_.assign(fixed_.size(), 0.0);
  shared_fixed_gram_w_.assign(fixed_gram_.size(), 0.0);

  workspaces_.resize(pool_->size());
  for (auto& ws : workspaces_) {
    ws.theta.assign(Cp_, 0.0);
    ws.alpha.assign(Cp_, 0.0);
    ws.gamma.assign(Cp_, 1.0);
    ws.shift.assign(Cp_, 0.0);
    ws.h.assign(static_cast<size_t>(T_) * Cp_, 0.0);
    ws.hw.assign(ws.h.size(), 0.0);
    ws.fixed_w.assign(fixed_.size(), 0.0);
    ws.fixed_gram_w.assign(fixed_gram_.size(), 0.0);
    ws.media_media.assign(static_cast<size_t>(Cp_) * Cp_, 0.0);
    ws.media_fixed.assign(static_cast<size_t>(Cp_) * nf_, 0.0);
    ws.gram.assign(static_cast<size_t>(p + 2) * (p + 2), 0.0);
    ws.work.assign(gram_ridge_work_size(p), 0.0);
    ws.drawn.assign(T_, 0.0);
  }
}

std::string CpuEvaluator::name() const {
  return "cpu (" + std::to_string(pool_->size()) + (pool_->size() == 1 ? " thread)" : " threads)");
}

void CpuEvaluator::weight_fixed_rows(const double* w, double* fixed_w, double* fixed_gram) const {
  const int nfp = pad_to_lanes(nf_);
  const double* b = fixed_.data();
  if (w != nullptr) {
    for (int t = 0; t < T_; ++t) {
      const size_t row = static_cast<size_t>(t) * nfp;
      for (int f = 0; f < nfp; ++f) fixed_w[row + f] = w[t] * fixed_[row + f];
    }
    b = fixed_w;
  }
  cross_products(fixed_.data(), nfp, nfp / simd_lanes(), b, nfp, nf_, T_, fixed_gram, nfp);
}

void CpuEvaluator::evaluate(const CandidateBatch& batch, const RowWeights& weights,
                            BatchResult& out) {
  if (batch.losses_only) {
    out.resize_losses(batch.count, C_ + K_);
  } else {
    out.resize(batch.count, C_ + K_);
  }
  const double* fixed = fixed_.data();
  const double* fixed_gram = fixed_gram_.data();
  if (weights.count == 1 && weights.resampled == nullptr) {
    // One weight vector for the whole batch: its fixed-row Gram is shared too.
    weight_fixed_rows(weights.values, shared_fixed_w_.data(), shared_fixed_gram_w_.data());
    fixed = shared_fixed_w_.data();
    fixed_gram = shared_fixed_gram_w_.data();
  }
  const int stride = 3 * C_;
  const bool each = weights.count > 1 || weights.resampled != nullptr;
  pool_->parallel_for(batch.count, [&](int begin, int end, int worker) {
    Workspace& ws = workspaces_[worker];
    for (int i = begin; i < end; ++i) {
      const double* hyper = batch.params + static_cast<size_t>(i) * stride;
      // A losses-only call still solves in full, into the worker's one-candidate result.
      BatchResult& dest = batch.losses_only ? ws.one : out;
      const int at = batch.losses_only ? 0 : i;
      if (batch.losses_only) ws.one.resize(1, C_ + K_);
      if (each) {
        const double* w = ws.drawn.data();
        if (weights.resampled != nullptr) {
          const ResampledRows& r = *weights.resampled;
          resample_block_counts(r.seed, r.index[i], static_cast<std::uint32_t>(T_),
                                static_cast<std::uint32_t>(r.block_length), ws.drawn.data());
        } else {
          w = weights.values + static_cast<size_t>(i) * T_;
        }
        weight_fixed_rows(w, ws.fixed_w.data(), ws.fixed_gram_w.data());
        evaluate_one(hyper, w, ws.fixed_w.data(), ws.fixed_gram_w.data(), ws, dest, at);
      } else {
        evaluate_one(hyper, weights.count == 1 ? weights.values : nullptr, fixed, fixed_gram, ws,
                     dest, at);
      }
      if (batch.losses_only) out.loss[i] = ws.one.loss[0];
    }
  });
}

void CpuEvaluator::evaluate_one(const double* hyper, const double* weights, const double* fixed,
                                const double* fixed_gram, Workspace& ws, BatchResult& out,
                                int index) const {
  const int p = C_ + K_;
  const int ld = p + 2;
  const int nfp = pad_to_lanes(nf_);
  // Padding lanes keep θ = α = 0, γ = 1 (finite, so no NaN); nothing reads their h.
  for (int c = 0; c < C_; ++c) {
    ws.theta[c] = hyper[3 * c];
    ws.alpha[c] = hyper[3 * c + 1];
    ws.gamma[c] = hyper[3 * c + 2];
  }
  media_transform(spend_.data(), C_, Cp_, T_, ws.theta.data(), ws.alpha.data(), ws.gamma.data(),
                  saturation_.empty() ? nullptr : saturation_.data(), weights, ws.h.data(),
                  ws.hw.data(), ws.shift.data());
  const double* hb = weights != nullptr ? ws.hw.data() : ws.h.data();
  // Media × media, lower triangle at packet granularity: packet r needs columns
  // [0, min(C, L(r+1))). Packets pair up from the bottom so that two rows of packets share each
  // broadcast over the columns both need; the lower one of a pair does its extra ones alone.
  const int L = simd_lanes();
  const int packets = Cp_ / L;
  double* mm = ws.media_media.data();
  for (int r = packets - 1; r >= 0; r -= 2) {
    const int end = std::min(C_, L * (r + 1));
    if (r == 0) {
      cross_products(ws.h.data(), Cp_, 1, hb, Cp_, end, T_, mm, Cp_);
      break;
    }
    const int shared = L * r, top = L * (r - 1);
    cross_products(ws.h.data() + top, Cp_, 2, hb, Cp_, shared, T_, mm + top, Cp_);
    cross_products(ws.h.data() + shared, Cp_, 1, hb + shared, Cp_, end - shared, T_,
                   mm + shared + shared * Cp_, Cp_);
  }
  cross_products(ws.h.data(), Cp_, packets, fixed, nfp, nf_, T_, ws.media_fixed.data(), Cp_);

  // Scatter into the lower triangle of the (p+2)² Gram; fixed row f sits at design index
  // 0 (f = 0, the ones) or C + f (controls, then y).
  double* G = ws.gram.data();
  const double* mf = ws.media_fixed.data();
  auto fixed_index = [&](int f) { return f == 0 ? 0 : C_ + f; };
  for (int g = 0; g < nf_; ++g)
    for (int f = g; f < nf_; ++f) G[fixed_index(f) + fixed_index(g) * ld] = fixed_gram[f + g * nfp];
  for (int i = 0; i < C_; ++i) G[1 + i] = mf[i];
  for (int j = 0; j < C_; ++j) {
    double* col = G + (1 + j) * ld;
    for (int i = j; i < C_; ++i) col[1 + i] = mm[j * Cp_ + i];
    for (int f = 1; f < nf_; ++f) col[C_ + f] = mf[f * Cp_ + j];
  }

  const GramRidgeShape shape{p, C_, lambda_, penalty_weight_, nonnegative_media_};
  const size_t off = static_cast<size_t>(index) * p;
  double kpi_mean = 0.0;
  GramRidgeOutput o{out.coef_scaled.data() + off,
                    out.coef.data() + off,
                    out.mean.data() + off,
                    out.scale.data() + off,
                    &out.intercept[index],
                    &out.r2[index],
                    &kpi_mean};
  out.loss[index] = solve_ridge_from_gram(G, ld, shape, ws.work.data(), o);
  // Undo the conditioning shifts: means move back, and the intercept absorbs the shifts.
  double intercept = out.intercept[index] + column_shift_[p + 1];
  for (int j = 0; j < p; ++j) {
    const double s = j < C_ ? ws.shift[j] : column_shift_[1 + j];
    out.mean[off + j] += s;
    intercept = std::fma(-out.coef[off + j], s, intercept);
  }
  out.intercept[index] = intercept;
  if (nonnegative_media_) {
    out.loss[index] += excess_media_share(out.coef.data() + off, out.mean.data() + off, C_,
                                          kpi_mean + column_shift_[p + 1]);
  }
}

}  // namespace mmm::cpu
