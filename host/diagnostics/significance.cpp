#include "host/diagnostics/significance.hpp"

#include <cmath>

namespace mmm {

double nonpositive_share(const Eigen::VectorXd& draws) {
  int finite = 0, nonpositive = 0;
  for (Eigen::Index i = 0; i < draws.size(); ++i) {
    if (!std::isfinite(draws[i])) continue;  // a failed resample is left out, as in the interval
    ++finite;
    if (draws[i] <= 0.0) ++nonpositive;
  }
  return finite > 0 ? static_cast<double>(nonpositive) / finite : 0.0;
}

bool is_significant(double roi, double roi_lower, double share) {
  return roi_lower > 0.0 && roi_lower > kSignificantLowerFraction * roi &&
         share < kSignificantZeroShare;
}

}  // namespace mmm
