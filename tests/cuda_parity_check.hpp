#pragma once
// The CUDA parity check shared by the CUDA tests (test_cuda_parity.cpp, test_cuda_fused.cpp):
// every output of every candidate of a CUDA batch against the CPU backend's, to 1e-9.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "host/backend/evaluator.hpp"

namespace mmm {

/// CUDA equals CPU to this, relative (SPEC §12).
constexpr double kParity = 1e-9;

/// Worst normalized CUDA − CPU difference over a batch, with where it occurred.
struct Worst {
  double error = 0.0;
  std::string where;
  void see(double diff, double magnitude, const std::string& what, int i) {
    const double e = magnitude > 0 ? std::abs(diff) / magnitude : std::abs(diff);
    if (!(e <= error)) {  // also catches NaN
      error = e;
      where = what + " of candidate " + std::to_string(i);
    }
  }
};

/// Compares every output of every candidate. Errors are scaled by the magnitude the value is
/// computed from: a coefficient in column units is b/σ, so its error is measured against
/// |coef| + ‖b‖∞/σ; the intercept ȳ − Σ coef·mean against the sum of its terms; the loss
/// against itself, plus, when the default model's media-share term is active (loss above
/// 1 − R²), that term's own magnitude Σ_media (|coef| + ‖b‖∞/σ)·|mean| / ȳ (a near-constant
/// Hill column's tiny σ magnifies b's last-bit differences there exactly as in coef).
inline void expect_parity(const BatchResult& gpu, const BatchResult& cpu, const std::string& label,
                          int media = 0) {
  ASSERT_EQ(gpu.count, cpu.count) << label;
  ASSERT_EQ(gpu.parameters, cpu.parameters) << label;
  const int p = cpu.parameters;
  Worst w;
  int failed = 0;
  for (int i = 0; i < cpu.count; ++i) {
    if (!std::isfinite(cpu.loss[i]) || !std::isfinite(gpu.loss[i])) {
      EXPECT_EQ(std::isfinite(cpu.loss[i]), std::isfinite(gpu.loss[i]))
          << label << ": candidate " << i << " cpu loss " << cpu.loss[i] << ", cuda "
          << gpu.loss[i];
      ++failed;
      continue;
    }
    const double* b = cpu.coef_scaled.data() + static_cast<size_t>(i) * p;
    double bmax = 0.0, terms = std::abs(cpu.intercept[i]);
    for (int j = 0; j < p; ++j) bmax = std::max(bmax, std::abs(b[j]));
    double loss_scale = std::abs(cpu.loss[i]);
    if (cpu.loss[i] > (1.0 - cpu.r2[i]) * (1 + 1e-12) + 1e-300) {
      double ybar = cpu.intercept[i], share_terms = 0.0;
      for (int j = 0; j < p; ++j) {
        const size_t k = static_cast<size_t>(i) * p + j;
        ybar += cpu.coef[k] * cpu.mean[k];
        if (j < media) {
          share_terms += (std::abs(cpu.coef[k]) + bmax / cpu.scale[k]) * std::abs(cpu.mean[k]);
        }
      }
      loss_scale += share_terms / std::abs(ybar);
    }
    w.see(gpu.loss[i] - cpu.loss[i], loss_scale, "loss", i);
    w.see(gpu.r2[i] - cpu.r2[i], std::max(1.0, std::abs(cpu.r2[i])), "r2", i);
    for (int j = 0; j < p; ++j) {
      const size_t k = static_cast<size_t>(i) * p + j;
      const double sd = cpu.scale[k];
      terms += std::abs(cpu.coef[k]) * (std::abs(cpu.mean[k]) + sd);
      w.see(gpu.coef_scaled[k] - b[j], bmax, "coef_scaled[" + std::to_string(j) + "]", i);
      w.see(gpu.coef[k] - cpu.coef[k], std::abs(cpu.coef[k]) + bmax / sd,
            "coef[" + std::to_string(j) + "]", i);
      w.see(gpu.mean[k] - cpu.mean[k], std::abs(cpu.mean[k]) + sd,
            "mean[" + std::to_string(j) + "]", i);
      w.see(gpu.scale[k] - sd, sd, "scale[" + std::to_string(j) + "]", i);
    }
    w.see(gpu.intercept[i] - cpu.intercept[i], terms, "intercept", i);
  }
  EXPECT_LT(failed, cpu.count) << label << ": every candidate failed, nothing was compared";
  EXPECT_LE(w.error, kParity) << label << ": worst relative difference at " << w.where;
}

}  // namespace mmm
