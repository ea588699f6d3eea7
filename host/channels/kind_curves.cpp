#include "host/channels/kind_curves.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "host/bootstrap/bootstrap.hpp"
#include "host/common/errors.hpp"

namespace mmm {
namespace {

double level(int i, int points, double top) {
  return i == points - 1 ? top : top * static_cast<double>(i) / (points - 1);
}

void check_points(const KindChannelFit& fit, int points) {
  if (points < 2) {
    throw InputError("curve of channel `" + fit.name + "`: " + std::to_string(points) +
                     " points requested; expected at least 2");
  }
}

/// Pointwise bootstrap percentile of a_b·ln(1 + b_b·E) at weekly spend s.
double band(const KindChannelFit& fit, double s, double q) {
  std::vector<double> v(fit.boot_a.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = flow_response(fit.boot_a[i], fit.boot_b[i], fit.lambda, s);
  return percentile(v, q);
}

}  // namespace

double flow_response(double a, double b, double lambda, double weekly_spend) {
  return a * std::log1p(b * weekly_spend / (1.0 - lambda));
}

double flow_marginal(double a, double b, double lambda, double weekly_spend) {
  const double slope = b / (1.0 - lambda);
  return a * slope / (1.0 + slope * weekly_spend);
}

std::vector<FlowCurvePoint> flow_curve(const KindChannelFit& fit, double ci, int points) {
  check_points(fit, points);
  std::vector<FlowCurvePoint> out(static_cast<std::size_t>(points));
  const bool banded = !fit.boot_a.empty();
  for (int i = 0; i < points; ++i) {
    FlowCurvePoint& p = out[static_cast<std::size_t>(i)];
    p.spend = level(i, points, 3.0 * fit.max_input);
    p.mean = flow_response(fit.a, fit.b, fit.lambda, p.spend);
    p.lower = banded ? band(fit, p.spend, 0.5 * (1.0 - ci)) : p.mean;
    p.upper = banded ? band(fit, p.spend, 0.5 * (1.0 + ci)) : p.mean;
    p.marginal = flow_marginal(fit.a, fit.b, fit.lambda, p.spend);
  }
  return out;
}

std::vector<StockCurvePoint> stock_curve(const KindChannelFit& fit, double sigma_eps2, int points) {
  check_points(fit, points);
  std::vector<StockCurvePoint> out(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i) {
    StockCurvePoint& p = out[static_cast<std::size_t>(i)];
    p.units = level(i, points, 3.0 * fit.max_input);
    p.mean = fit.a * std::log1p(fit.b * fit.mu * p.units);
    const double touch = stock_variance_gain(fit.a, fit.b, fit.mu, p.units) * fit.sigma2;
    p.sd_touch = std::sqrt(touch);
    p.sd = std::sqrt(sigma_eps2 + touch);
    p.marginal = fit.a * fit.b * fit.mu / (1.0 + fit.b * fit.mu * p.units);
  }
  return out;
}

double flow_band_ratio(const KindChannelFit& fit, double ci, double weekly_spend, bool lower) {
  const double mean = flow_response(fit.a, fit.b, fit.lambda, weekly_spend);
  if (fit.boot_a.empty() || !(std::abs(mean) > 0.0)) return 1.0;
  const double q = lower ? 0.5 * (1.0 - ci) : 0.5 * (1.0 + ci);
  const double ratio = band(fit, weekly_spend, q) / mean;
  if (!std::isfinite(ratio)) return 1.0;
  return lower ? std::clamp(ratio, 0.0, 1.0) : std::max(ratio, 1.0);
}

ChannelResponse flow_channel_response(const KindChannelFit& fit, double ci) {
  ChannelResponse r;
  r.name = fit.name;
  r.shape = ResponseShape::Log;
  r.hyper.theta = fit.lambda;
  r.log_b = fit.b;
  r.coef = fit.a;
  r.coef_lower = fit.a * flow_band_ratio(fit, ci, fit.mean_input, true);
  r.coef_upper = fit.a * flow_band_ratio(fit, ci, fit.mean_input, false);
  r.mean_weekly_spend = fit.mean_input;
  r.max_weekly_spend = fit.max_input;
  return r;
}

}  // namespace mmm
