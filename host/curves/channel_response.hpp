#pragma once
// A fitted channel's weekly response to spend, the input of response curves and budget
// allocation (SPEC §7–8).

#include <string>

#include "host/model/hyperparameters.hpp"

namespace mmm {

/// What is needed to turn a weekly spend into a weekly KPI contribution for one channel.
struct ChannelResponse {
  std::string name;
  ChannelHyper hyper;       ///< θ, α, γ (γ in spend units)
  double coef = 0.0;        ///< KPI per unit of Hill output (COEFFICIENT_WEIGHT)
  double coef_lower = 0.0;  ///< bootstrap percentile band of coef (= coef without bootstrap)
  double coef_upper = 0.0;
  double mean_weekly_spend = 0.0;  ///< current spend level (mean over the data)
  double max_weekly_spend = 0.0;   ///< largest weekly spend in the data
};

}  // namespace mmm
