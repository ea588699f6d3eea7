#pragma once
// Robyn's two objectives and their Pareto front (`--objective pareto`): NRMSE, how well a
// candidate fits, and DECOMP.RSSD, how far its channels' shares of the media effect are from
// their shares of spend. A fit that explains the KPI slightly better by giving one channel ten
// times its spend share is rarely the truth; the front makes that trade visible and one model
// on it is chosen by a stated rule.

#include <vector>

namespace mmm {

/// One evaluated candidate.
struct ParetoPoint {
  double nrmse = 0.0;        ///< sqrt(RSS / n) / (max y − min y)
  double decomp_rssd = 0.0;  ///< sqrt(Σ_c (effect share_c − spend share_c)²)
  double loss = 0.0;         ///< the search's loss
  std::vector<double> hyper3c;
};

/// NRMSE from R²: RSS = (1 − R²)·n·var(y), so sqrt((1 − R²)·var(y)) / range(y).
double nrmse_from_r2(double r2, double kpi_variance, double kpi_range);

/// DECOMP.RSSD of C channels: effect share_c = coef_c·mean_c / Σ_k coef_k·mean_k (coef in
/// KPI units per unit of the channel's column, mean its column mean, so coef·mean is the
/// channel's mean weekly contribution); spend_share sums to 1. With no positive effect at all
/// every effect share is 0.
double decomp_rssd(const double* coef, const double* mean, const std::vector<double>& spend_share);

/// Indices of the points no other point dominates (lower or equal in both objectives, lower in
/// one), ordered by NRMSE. Points with a non-finite objective are left out.
std::vector<int> pareto_front(const std::vector<ParetoPoint>& points);

/// The model chosen on the front: the one closest to the front's ideal corner, each objective
/// scaled to [0, 1] over the front (min of scaled NRMSE + scaled RSSD; ties: lower NRMSE).
/// Returns an index into `points`; −1 for an empty front.
int choose_on_front(const std::vector<ParetoPoint>& points, const std::vector<int>& front);

}  // namespace mmm
