#include "host/curves/response_curves.hpp"

#include <cmath>
#include <string>

#include "host/common/errors.hpp"
#include "host/features/transforms.hpp"

namespace mmm {
namespace {

/// The channel's curve per unit of coef: its saturation (Hill or logistic) or ln(1 + b·E) at
/// the steady state E.
double shape_value(const ChannelResponse& r, double weekly_spend) {
  const double a = steady_state_adstock(weekly_spend, r.hyper.theta);
  if (r.shape == ResponseShape::Log) return std::log1p(r.log_b * a);
  return saturation(r.hyper.saturation, a, r.hyper.alpha, r.hyper.gamma);
}

}  // namespace

double weekly_contribution(const ChannelResponse& r, double weekly_spend) {
  return r.coef * shape_value(r, weekly_spend);
}

double marginal_roi(const ChannelResponse& r, double weekly_spend) {
  // Chain rule through the steady state a = s / (1 − θ): da/ds = 1 / (1 − θ).
  const double a = steady_state_adstock(weekly_spend, r.hyper.theta);
  if (r.shape == ResponseShape::Log)
    return r.coef * r.log_b / (1.0 + r.log_b * a) / (1.0 - r.hyper.theta);
  return r.coef * saturation_derivative(r.hyper.saturation, a, r.hyper.alpha, r.hyper.gamma) /
         (1.0 - r.hyper.theta);
}

const char* efficiency_zone(double mroi) {
  if (mroi > kEfficientMarginalRoi) return "EFFICIENT";
  if (mroi < kSaturatedMarginalRoi) return "SATURATED";
  return "DIMINISHING";
}

std::vector<CurvePoint> response_curve(const ChannelResponse& r, int points) {
  if (points < 2) {
    throw InputError("response curve of channel `" + r.name + "`: " + std::to_string(points) +
                     " points requested; expected at least 2");
  }
  std::vector<CurvePoint> curve(static_cast<std::size_t>(points));
  const double top = 3.0 * r.max_weekly_spend;
  for (int i = 0; i < points; ++i) {
    CurvePoint& p = curve[static_cast<std::size_t>(i)];
    // i · top / (points − 1) rather than accumulating a step: the last point is exactly top.
    p.spend = i == points - 1 ? top : top * static_cast<double>(i) / (points - 1);
    const double h = shape_value(r, p.spend);
    p.revenue = r.coef * h;
    p.revenue_lower = r.coef_lower * h;
    p.revenue_upper = r.coef_upper * h;
    p.marginal_roi = marginal_roi(r, p.spend);
    p.zone = efficiency_zone(p.marginal_roi);
  }
  return curve;
}

}  // namespace mmm
