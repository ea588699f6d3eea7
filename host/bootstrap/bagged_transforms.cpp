#include "host/bootstrap/bagged_transforms.hpp"

#include <cmath>

#include "host/bootstrap/bootstrap.hpp"

namespace mmm {

std::vector<double> bagged_transforms(const Eigen::MatrixXd& hyper) {
  const Eigen::Index cols = hyper.cols();
  std::vector<Eigen::Index> kept;
  for (Eigen::Index b = 0; b < hyper.rows(); ++b) {
    // γ must be positive for its log; a failed resample's row is NaN.
    bool ok = true;
    for (Eigen::Index j = 0; j < cols && ok; ++j)
      ok = std::isfinite(hyper(b, j)) && (j % 3 != 2 || hyper(b, j) > 0.0);
    if (ok) kept.push_back(b);
  }
  if (kept.empty() || cols % 3 != 0) return {};
  std::vector<double> out(static_cast<size_t>(cols));
  std::vector<double> v(kept.size());
  for (Eigen::Index j = 0; j < cols; ++j) {
    const bool gamma = j % 3 == 2;
    for (size_t k = 0; k < kept.size(); ++k)
      v[k] = gamma ? std::log(hyper(kept[k], j)) : hyper(kept[k], j);
    // The bootstrap's own percentile at ½: the middle value, or the mean of the middle two.
    const double m = percentile(v, 0.5);
    out[static_cast<size_t>(j)] = gamma ? std::exp(m) : m;
  }
  return out;
}

}  // namespace mmm
