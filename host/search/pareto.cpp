#include "host/search/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mmm {

double nrmse_from_r2(double r2, double kpi_variance, double kpi_range) {
  const double rss_per_row = std::max(1.0 - r2, 0.0) * kpi_variance;
  return kpi_range > 0.0 ? std::sqrt(rss_per_row) / kpi_range
                         : std::numeric_limits<double>::infinity();
}

double decomp_rssd(const double* coef, const double* mean, const std::vector<double>& spend_share) {
  double total = 0.0;
  for (size_t c = 0; c < spend_share.size(); ++c) total += std::max(coef[c] * mean[c], 0.0);
  double sum = 0.0;
  for (size_t c = 0; c < spend_share.size(); ++c) {
    const double effect = total > 0.0 ? std::max(coef[c] * mean[c], 0.0) / total : 0.0;
    sum += (effect - spend_share[c]) * (effect - spend_share[c]);
  }
  return std::sqrt(sum);
}

std::vector<int> pareto_front(const std::vector<ParetoPoint>& points) {
  std::vector<int> order;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isfinite(points[i].nrmse) && std::isfinite(points[i].decomp_rssd)) {
      order.push_back(static_cast<int>(i));
    }
  }
  // Sweep by NRMSE (ties: lower RSSD first); a point joins the front when its RSSD is below
  // every RSSD seen so far.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (points[a].nrmse != points[b].nrmse) return points[a].nrmse < points[b].nrmse;
    if (points[a].decomp_rssd != points[b].decomp_rssd)
      return points[a].decomp_rssd < points[b].decomp_rssd;
    return a < b;
  });
  std::vector<int> front;
  double best_rssd = std::numeric_limits<double>::infinity();
  for (int i : order) {
    if (points[i].decomp_rssd < best_rssd) {
      front.push_back(i);
      best_rssd = points[i].decomp_rssd;
    }
  }
  return front;
}

int choose_on_front(const std::vector<ParetoPoint>& points, const std::vector<int>& front) {
  if (front.empty()) return -1;
  double n_lo = INFINITY, n_hi = -INFINITY, r_lo = INFINITY, r_hi = -INFINITY;
  for (int i : front) {
    n_lo = std::min(n_lo, points[i].nrmse);
    n_hi = std::max(n_hi, points[i].nrmse);
    r_lo = std::min(r_lo, points[i].decomp_rssd);
    r_hi = std::max(r_hi, points[i].decomp_rssd);
  }
  auto scaled = [](double v, double lo, double hi) { return hi > lo ? (v - lo) / (hi - lo) : 0.0; };
  int best = front[0];
  double best_score = INFINITY;
  for (int i : front) {  // front is ordered by NRMSE: the first of equal scores has the lower
    const double score =
        scaled(points[i].nrmse, n_lo, n_hi) + scaled(points[i].decomp_rssd, r_lo, r_hi);
    if (score < best_score) {
      best_score = score;
      best = i;
    }
  }
  return best;
}

}  // namespace mmm
