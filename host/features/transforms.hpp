#pragma once
// The elementwise model math both backends share (SPEC §4–5): candidate decoding, geometric
// adstock, the saturation shapes (Hill, logistic) and their derivatives. Written once so CPU
// and CUDA cannot drift.

#include <cmath>

#include "host/common/hd.hpp"

namespace mmm {

/// Exponent clamp for the Hill transform: exp(±700) stays finite in double precision, and
/// 1/(1+e^700) ≈ 1e-304 is indistinguishable from the exact 0 of a = 0.
constexpr double kHillExponentClamp = 700.0;
/// Adstock values are floored here before the log, so zero spend gives h ≈ e^{−α·690} (below
/// 1e-150, zero for every practical purpose) through the same branch-free formula that the
/// vectorized CPU loop and the CUDA kernels use; log is never taken of 0.
constexpr double kTinySpend = 1e-300;

/// Logistic function s(u) = 1 / (1 + e^−u), the reference decoding of the search box.
MMM_HD inline double logistic(double u) { return 1.0 / (1.0 + exp(-u)); }

/// Maps a search coordinate u ∈ [−5, 5] into [lo, hi] through the logistic (SPEC §5).
MMM_HD inline double decode_coordinate(double u, double lo, double hi) {
  return lo + (hi - lo) * logistic(u);
}

/// Inverse of decode_coordinate, clamped to the search box; used to seed a search from
/// known hyperparameters.
MMM_HD inline double encode_coordinate(double value, double lo, double hi) {
  // Pinned bounds (lo == hi) decode to lo from any u; 0 keeps the encoding finite.
  if (!(hi > lo)) return 0.0;
  double s = (value - lo) / (hi - lo);
  const double eps = 1e-12;
  s = s < eps ? eps : (s > 1 - eps ? 1 - eps : s);
  double u = log(s / (1 - s));
  return u < -5 ? -5 : (u > 5 ? 5 : u);
}

/// Hill saturation h = a^α / (a^α + γ^α), computed as 1 / (1 + exp(α (ln γ − ln a))) so that
/// only one exp and one log are needed (γ's log is hoisted by callers that loop).
MMM_HD inline double hill_from_log(double log_a, double alpha, double log_gamma) {
  double z = alpha * (log_gamma - log_a);
  z = z > kHillExponentClamp ? kHillExponentClamp
                             : (z < -kHillExponentClamp ? -kHillExponentClamp : z);
  return 1.0 / (1.0 + exp(z));
}

/// Hill saturation of an adstocked value a ≥ 0 in spend units.
MMM_HD inline double hill(double a, double alpha, double gamma) {
  return hill_from_log(log(a > kTinySpend ? a : kTinySpend), alpha, log(gamma));
}

/// dh/da of the Hill curve: α a^{α−1} γ^α / (a^α + γ^α)² = α h (1 − h) / a.
MMM_HD inline double hill_derivative(double a, double alpha, double gamma) {
  if (a < gamma * 1e-9) {
    // At zero the slope is 0 for α > 1, 1/γ for α = 1 and unbounded for α < 1; report the
    // slope just right of zero (a = 1e-9 γ) instead of an infinity.
    a = gamma * 1e-9;
  }
  double h = hill(a, alpha, gamma);
  return alpha * h * (1.0 - h) / a;
}

/// The saturation curve of a media channel. The values travel to the CUDA kernels as ints.
enum class SaturationShape : int {
  /// h = a^α / (a^α + γ^α) (SPEC §4): S-shaped for α > 1, concave for α ≤ 1 (α = 1 is
  /// Michaelis–Menten).
  Hill = 0,
  /// PyMC-Marketing's LogisticSaturation h = (1 − e^{−λa}) / (1 + e^{−λa}) = tanh(λa/2), with
  /// λ = ln 3 / γ so that h(γ) = ½: γ keeps its meaning (and its search box) as the
  /// half-saturation point in spend units. Always concave; α is not used.
  Logistic = 1,
};

/// ln 3: the logistic rate λ = ln 3 / γ puts its half-saturation at γ.
constexpr double kLn3 = 1.0986122886681098;

/// The logistic curve's λ/2 for half-saturation γ (tanh's argument per unit of adstock).
MMM_HD inline double logistic_half_rate(double gamma) { return 0.5 * kLn3 / gamma; }

/// Logistic saturation of an adstocked value a ≥ 0 from λ/2 (logistic_half_rate): tanh, not
/// (1 − e^{−λa}) / (1 + e^{−λa}), which loses all of its digits to cancellation for a ≪ γ.
MMM_HD inline double logistic_from_half_rate(double a, double half_rate) {
  return tanh(half_rate * a);
}

/// Logistic saturation of an adstocked value a ≥ 0 with half-saturation γ (spend units).
MMM_HD inline double logistic_saturation(double a, double gamma) {
  return logistic_from_half_rate(a, logistic_half_rate(gamma));
}

/// dh/da of the logistic curve: (λ/2)(1 − h²), finite everywhere (λ/2 at a = 0).
MMM_HD inline double logistic_derivative(double a, double gamma) {
  const double k = logistic_half_rate(gamma);
  const double h = logistic_from_half_rate(a, k);
  return k * (1.0 - h) * (1.0 + h);
}

/// The per-channel constant a saturation shape needs, taken once per candidate by callers
/// that loop over periods: ln γ for Hill, λ/2 for logistic.
MMM_HD inline double saturation_constant(SaturationShape shape, double gamma) {
  return shape == SaturationShape::Logistic ? logistic_half_rate(gamma) : log(gamma);
}

/// Saturation of an adstocked value a ≥ 0 from saturation_constant(shape, γ); the Hill branch
/// is exactly hill(a, α, γ) and the logistic one logistic_saturation(a, γ).
MMM_HD inline double saturate(SaturationShape shape, double a, double alpha, double constant) {
  if (shape == SaturationShape::Logistic) return logistic_from_half_rate(a, constant);
  return hill_from_log(log(a > kTinySpend ? a : kTinySpend), alpha, constant);
}

/// Saturation of an adstocked value a ≥ 0 in spend units (α ignored by the logistic).
MMM_HD inline double saturation(SaturationShape shape, double a, double alpha, double gamma) {
  return saturate(shape, a, alpha, saturation_constant(shape, gamma));
}

/// dh/da of the saturation curve.
MMM_HD inline double saturation_derivative(SaturationShape shape, double a, double alpha,
                                           double gamma) {
  return shape == SaturationShape::Logistic ? logistic_derivative(a, gamma)
                                            : hill_derivative(a, alpha, gamma);
}

/// Steady-state adstock of a constant weekly spend s: s / (1 − θ) (SPEC §7).
MMM_HD inline double steady_state_adstock(double weekly_spend, double theta) {
  return weekly_spend / (1.0 - theta);
}

}  // namespace mmm
