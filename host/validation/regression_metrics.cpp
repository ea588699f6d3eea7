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

}  // namespace mmm
