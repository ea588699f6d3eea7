#pragma once
// Curves of fitted flow and stock channels (SPEC §9), one row per spend or unit level:
// flow_curves.csv and stock_curves.csv.

#include <vector>

#include "host/channels/kind_fit.hpp"
#include "host/curves/channel_response.hpp"

namespace mmm {

/// Steady-state weekly leads of a flow channel at weekly spend s: a·ln(1 + b·s / (1 − λ)).
double flow_response(double a, double b, double lambda, double weekly_spend);

/// d flow_response / d s = a·b / (1 − λ) / (1 + b·s / (1 − λ)).
double flow_marginal(double a, double b, double lambda, double weekly_spend);

/// One row of flow_curves.csv.
struct FlowCurvePoint {
  double spend = 0.0;     ///< weekly spend
  double mean = 0.0;      ///< flow_response at the fitted (a, b)
  double lower = 0.0;     ///< pointwise bootstrap percentile (1 − ci)/2 (= mean without one)
  double upper = 0.0;     ///< pointwise bootstrap percentile (1 + ci)/2
  double marginal = 0.0;  ///< d mean / d spend
};

/// `points` weekly spends from 0 to 3 × max weekly spend (as response_curves.csv), with the
/// band from the bootstrap refits (a_b, b_b) of `fit` at level `ci`.
std::vector<FlowCurvePoint> flow_curve(const KindChannelFit& fit, double ci, int points = 100);

/// One row of stock_curves.csv.
struct StockCurvePoint {
  double units = 0.0;     ///< active units S
  double mean = 0.0;      ///< a·ln(1 + b·μ·S)
  double sd_touch = 0.0;  ///< sqrt(g(S)·σ²): spread of the channel's leads from its touches
  double sd = 0.0;        ///< sqrt(σ_ε² + g(S)·σ²): predictive sd of a period's KPI
  double marginal = 0.0;  ///< d mean / d S, leads per extra unit
};

/// `points` unit counts from 0 to 3 × max units. The channel's bands are mean ± k·sd_touch,
/// k = 1, 2, 3 (68.27 / 95.45 / 99.73% under normality); a period's KPI varies by sd.
std::vector<StockCurvePoint> stock_curve(const KindChannelFit& fit, double sigma_eps2,
                                         int points = 100);

/// Ratio of the flow curve's lower (q = (1 − ci)/2) or upper band to its mean at weekly spend
/// s, clamped to [0, 1] for the lower and ≥ 1 for the upper band; 1 without bootstrap draws.
double flow_band_ratio(const KindChannelFit& fit, double ci, double weekly_spend, bool lower);

/// A fitted flow channel as the allocator sees it: Log shape, θ = λ, coef = a, and the band
/// as coef_lower/upper = a × flow_band_ratio at the current (mean) weekly spend.
ChannelResponse flow_channel_response(const KindChannelFit& fit, double ci);

}  // namespace mmm
