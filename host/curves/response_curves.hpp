#pragma once
// Response curves and marginal ROI of a fitted channel at a constant weekly spend (SPEC §7):
// the steady state a channel reaches when the same amount is spent every week.

#include <vector>

#include "host/curves/channel_response.hpp"

namespace mmm {

/// Marginal ROI above which a channel is EFFICIENT (SPEC §7).
constexpr double kEfficientMarginalRoi = 1.5;
/// Marginal ROI below which a channel is SATURATED (SPEC §7).
constexpr double kSaturatedMarginalRoi = 0.8;

/// Weekly KPI contribution of spending `weekly_spend` (currency per week) every week:
/// coef · hill(s / (1 − θ), α, γ).
double weekly_contribution(const ChannelResponse& r, double weekly_spend);

/// d weekly_contribution / d weekly_spend, analytic: coef · hill'(s / (1 − θ)) / (1 − θ).
/// KPI units per currency unit (1.0 = one unit of KPI back per extra unit spent).
double marginal_roi(const ChannelResponse& r, double weekly_spend);

/// "EFFICIENT" (mROI > 1.5), "DIMINISHING" (0.8 ≤ mROI ≤ 1.5) or "SATURATED" (mROI < 0.8).
/// The returned string is a static literal.
const char* efficiency_zone(double marginal_roi);

/// One row of response_curves.csv (SPEC §10).
struct CurvePoint {
  double spend = 0.0;          ///< weekly spend
  double revenue = 0.0;        ///< weekly contribution at coef
  double revenue_lower = 0.0;  ///< weekly contribution at coef_lower
  double revenue_upper = 0.0;  ///< weekly contribution at coef_upper
  double marginal_roi = 0.0;   ///< d revenue / d spend at coef
  const char* zone = "";       ///< efficiency_zone(marginal_roi), a static literal
};

/// `points` weekly spends evenly spaced from 0 to 3 × max_weekly_spend inclusive (SPEC §7),
/// each with its contribution, band (coef_lower/coef_upper × hill), marginal ROI and zone.
/// Throws InputError when points < 2.
std::vector<CurvePoint> response_curve(const ChannelResponse& r, int points = 100);

}  // namespace mmm
