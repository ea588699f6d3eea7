#pragma once
// Bootstrap confidence intervals with fixed hyperparameters (SPEC §6): B resamples of rows
// with replacement, one batched weighted ridge solve, percentile intervals of coefficients
// and ROI.

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/distributed/communicator.hpp"
#include "host/model/model_data.hpp"

namespace mmm {

struct BootstrapOptions {
  int resamples = 100;  ///< B; 0 skips the bootstrap
  double ci = 0.90;     ///< two-sided percentile interval level
  std::uint64_t seed = 1;
  int block_length = 1;  ///< moving-block length L in rows; 1: i.i.d. rows (resampling.hpp)
  int chunk = 4096;      ///< resamples per backend call (bounds memory)
};

struct BootstrapReport {
  int resamples = 0;
  int failed = 0;        ///< resamples whose solve failed (excluded)
  Eigen::MatrixXd coef;  ///< B × C media coefficients (NaN where failed)
  Eigen::MatrixXd roi;   ///< B × C ROI = coef·Σ w h / Σ w x over the resampled rows
  /// B × p every coefficient (media, then controls) and B intercepts of each resample (NaN
  /// where failed): the joint draws behind `mmm predict --plan`'s coefficient band.
  Eigen::MatrixXd all_coef;
  Eigen::VectorXd intercept;
  std::vector<double> coef_lower, coef_upper, roi_lower, roi_upper;  ///< per channel
};

/// Percentile of the finite values of v at q ∈ [0, 1], linear interpolation between order
/// statistics (numpy's default); NaN when no value is finite.
double percentile(std::vector<double> v, double q);

/// InputError (exit 2) unless resamples ≥ 0 and 0 < ci < 1; shared by both bootstraps and
/// the fit's up-front option check.
void check_bootstrap_options(int resamples, double ci);

/// InputError (exit 2) unless 1 ≤ block_length ≤ rows / 2 (`--block-length`): a block may
/// cover at most half the series, or the resamples barely differ from the data.
void check_block_length(int block_length, int rows);

/// Records candidate i of `fits` (solved under the T row weights `weights`) as resample b:
/// its media coefficients and ROI, or a failure when its loss is not finite.
void record_resample(const ModelData& data, const double* weights, const BatchResult& fits, int i,
                     int b, BootstrapReport& report);

/// Fills the per-channel percentile intervals at level `ci` from report.coef and report.roi.
void finish_intervals(double ci, BootstrapReport& report);

/// Runs the bootstrap for fixed hyperparameters (θ, α, γ per channel). `progress` (optional)
/// gets the number of resamples done so far (by this rank). In a job of several ranks each
/// computes its rank_range of the B resamples and every rank ends with all of them: the
/// same report as one process.
BootstrapReport bootstrap_intervals(const ModelData& data, const std::vector<double>& hyper3c,
                                    const BootstrapOptions& options, Evaluator& evaluator,
                                    const std::function<void(int)>& progress = {},
                                    const Communicator& comm = single_process());

}  // namespace mmm
