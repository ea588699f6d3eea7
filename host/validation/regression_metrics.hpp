#pragma once
// Goodness-of-fit figures reported per CV fold and in sample (SPEC §6).

#include <Eigen/Dense>
#include <vector>

namespace mmm {

struct RegressionMetrics {
  double r2 = 0.0;
  double rmse = 0.0;
  double mae = 0.0;
  double mape = 0.0;   ///< mean |error| / |y| as a fraction (0.08 = 8%), rows with y = 0 masked
  double nrmse = 0.0;  ///< RMSE / (max y − min y) over the same rows (Robyn's definition)
};

/// Metrics of `pred` against `y` (same length ≥ 1).
RegressionMetrics regression_metrics(const Eigen::VectorXd& y, const Eigen::VectorXd& pred);

/// Field-wise mean of `metrics` (e.g. over CV folds); zeros when empty.
RegressionMetrics metrics_mean(const std::vector<RegressionMetrics>& metrics);

/// Field-wise sample standard deviation (n − 1) of `metrics`; 0 with fewer than two.
RegressionMetrics metrics_stdev(const std::vector<RegressionMetrics>& metrics);

}  // namespace mmm
