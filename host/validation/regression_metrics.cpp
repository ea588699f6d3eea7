#include "host/validation/regression_metrics.hpp"

#include <cmath>
#include <limits>

namespace mmm {

RegressionMetrics regression_metrics(const Eigen::VectorXd& y, const Eigen::VectorXd& pred) {
  RegressionMetrics m;
  const Eigen::Index n = y.size();
  if (n == 0) return m;
  const Eigen::ArrayXd err = (y - pred).array();
  const double ss_res = err.square().sum();
  const double ss_tot = (y.array() - y.mean()).square().sum();
  m.r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : std::numeric_limits<double>::quiet_NaN();
  m.rmse = std::sqrt(ss_res / n);
  m.mae = err.abs().mean();
  double ape = 0.0;
  int counted = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (y(i) != 0.0) {
      ape += std::abs(err(i) / y(i));
      ++counted;
    }
  }
  m.mape = counted ? ape / counted : std::numeric_limits<double>::quiet_NaN();
  const double range = y.maxCoeff() - y.minCoeff();
  m.nrmse = range > 0 ? m.rmse / range : std::numeric_limits<double>::quiet_NaN();
  return m;
}

namespace {

// The five fields as an array, so that mean and deviation are one loop.
void fields(const RegressionMetrics& m, double out[5]) {
  out[0] = m.r2;
  out[1] = m.rmse;
  out[2] = m.mae;
  out[3] = m.mape;
  out[4] = m.nrmse;
}

RegressionMetrics from_fields(const double v[5]) { return {v[0], v[1], v[2], v[3], v[4]}; }

}  // namespace

RegressionMetrics metrics_mean(const std::vector<RegressionMetrics>& metrics) {
  double sum[5] = {0, 0, 0, 0, 0}, v[5];
  if (metrics.empty()) return from_fields(sum);
  const double n = static_cast<double>(metrics.size());
  for (const RegressionMetrics& m : metrics) {
    fields(m, v);
    for (int k = 0; k < 5; ++k) sum[k] += v[k] / n;
  }
  return from_fields(sum);
}

RegressionMetrics metrics_stdev(const std::vector<RegressionMetrics>& metrics) {
  double out[5] = {0, 0, 0, 0, 0}, mean[5], v[5];
  if (metrics.size() < 2) return from_fields(out);
  fields(metrics_mean(metrics), mean);
  const double n = static_cast<double>(metrics.size());
  for (const RegressionMetrics& m : metrics) {
    fields(m, v);
    for (int k = 0; k < 5; ++k) out[k] += (v[k] - mean[k]) * (v[k] - mean[k]);
  }
  for (int k = 0; k < 5; ++k) out[k] = std::sqrt(out[k] / (n - 1.0));
  return from_fields(out);
}

}  // namespace mmm
