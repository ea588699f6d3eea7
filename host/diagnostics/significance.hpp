#pragma once
// The significance mark of a channel (IS_SIGNIFICANT, `*` in the summary). "The interval lies
// above 0" stops meaning anything once coefficients are held ≥ 0, since every ROI is then ≥ 0
// and a lower bound of 1e-12 passes; so the mark also asks that the lower bound be a visible
// fraction of the estimate and that the resamples rarely drop the channel.

#include <Eigen/Dense>

namespace mmm {

/// The lower bound must exceed this fraction of the ROI estimate.
constexpr double kSignificantLowerFraction = 0.01;
/// At most this share of the bootstrap coefficient draws may be ≤ 0.
constexpr double kSignificantZeroShare = 0.05;

/// Share of the finite values of `draws` that are ≤ 0 (a resample that zeroed or reversed
/// the channel); 0 when none is finite.
double nonpositive_share(const Eigen::VectorXd& draws);

/// True when roi_lower > 0, roi_lower > kSignificantLowerFraction × roi, and
/// nonpositive_share < kSignificantZeroShare. False for NaN figures (no bootstrap).
bool is_significant(double roi, double roi_lower, double nonpositive_share);

}  // namespace mmm
