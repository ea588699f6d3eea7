#pragma once
// Bootstrap intervals of a segmented fit (SPEC §6, §9): B resamples, each drawing every
// segment's rows with replacement (Philox counts, as the single-model bootstrap), the pooled
// ridge refitted at fixed θ, α, γ; percentile intervals of per-segment and global ROI.

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "host/distributed/communicator.hpp"
#include "host/segments/segment_model.hpp"

namespace mmm {

struct SegmentBootstrapOptions {
  int resamples = 100;
  double ci = 0.90;
  std::uint64_t seed = 1;
  /// 0: hyper3c is shared by every segment; 3C: segment s uses hyper3c + s · hyper_stride.
  int hyper_stride = 0;
};

struct SegmentBootstrap {
  int resamples = 0;
  int failed = 0;                                      ///< resamples whose solve failed (left out)
  Eigen::MatrixXd roi_lower, roi_upper;                ///< S × C, ROI = coef · Σ w h / Σ w x
  Eigen::MatrixXd coef_lower, coef_upper;              ///< S × C, KPI per unit of Hill output
  Eigen::VectorXd global_roi_lower, global_roi_upper;  ///< C, Σ_s contribution / Σ_s spend
  Eigen::VectorXd global_coef_lower, global_coef_upper;  ///< C, β_g / σ
  Eigen::MatrixXd global_draws;  ///< B × p global coefficients (column units; NaN if failed)
  /// Per segment, B × (1 + p): the resample's intercept, then its p coefficients in column
  /// units (a NaN row: failed). The joint draws behind `mmm predict --plan`'s bands.
  std::vector<Eigen::MatrixXd> segment_draws;
};

/// Runs the bootstrap with the problem's pooling. `progress` gets resamples done (this rank's,
/// in a job). In a job of several ranks each computes the resamples of its rank_range and
/// every rank receives all draws before the percentiles: a resample depends only on its index
/// (its counts on (seed, segment, index)), so the result is one process's.
SegmentBootstrap bootstrap_segments(const SegmentProblem& problem, const double* hyper3c,
                                    const SegmentBootstrapOptions& options, ThreadPool* pool,
                                    const std::function<void(int)>& progress = {},
                                    const Communicator& comm = single_process());

}  // namespace mmm
