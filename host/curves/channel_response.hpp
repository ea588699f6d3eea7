#pragma once
// A fitted channel's weekly response to spend, the input of response curves and budget
// allocation (SPEC §7–8).

#include <string>

#include "host/model/hyperparameters.hpp"

namespace mmm {

/// The saturation curve of a channel's steady-state adstock E = s / (1 − θ).
enum class ResponseShape {
  /// Media channels: coef · saturation(E) with hyper's shape, hill(E, α, γ) or the logistic
  /// with half-saturation γ (the name is the one model.json's "shape" keeps).
  Hill,
  Log,  ///< coef · ln(1 + log_b · E) (flow channels, SPEC §9; θ is their adstock decay λ)
};

/// What is needed to turn a weekly spend into a weekly KPI contribution for one channel.
struct ChannelResponse {
  std::string name;
  ResponseShape shape = ResponseShape::Hill;
  ChannelHyper hyper;       ///< θ, α, γ (γ in spend units); Log uses θ only
  double log_b = 0.0;       ///< Log: b per currency unit of adstocked spend
  double coef = 0.0;        ///< KPI per unit of Hill output (COEFFICIENT_WEIGHT), or a for Log
  double coef_lower = 0.0;  ///< bootstrap percentile band of coef (= coef without bootstrap)
  double coef_upper = 0.0;
  double mean_weekly_spend = 0.0;  ///< current spend level (mean over the data)
  double max_weekly_spend = 0.0;   ///< largest weekly spend in the data
};

/// The same channel valued at its lower band: coef → max(0, min(coef_lower, coef)). Used by
/// the budget allocator under --conservative, so a channel whose band is wide is valued lower.
/// The floor at 0 is what "conservative" can claim: a band reaching below 0 says the channel
/// may do nothing, not that spending on it destroys revenue; valued negative, the allocator
/// would book cutting it as a gain.
inline ChannelResponse conservative_response(ChannelResponse r) {
  if (r.coef_lower < r.coef) r.coef = r.coef_lower;
  if (r.coef < 0.0) r.coef = 0.0;
  return r;
}

}  // namespace mmm
