#pragma once
// Rolling-window time-series CV of a segmented fit (SPEC §6, §9).
//
// Folds are laid on each segment's own rows with the single model's windows (make_folds:
// train / test / step, default 52 / 13 / 13): fold k trains segment s on its rows
// [k·step, k·step + train) and tests on the next `test` rows. Segments may differ in length;
// a segment with fewer than k·step + train + test rows takes no part in fold k (neither its
// training nor its test rows: a fold is fitted on the segments that are also scored in it).
// When no segment has train + test rows, CV is skipped with a notice, as for the single model.
//
// Fold k fits the POOLED model (the problem's pooling and penalties, fixed θ, α, γ) on the
// training rows of its segments: build_segment_design with 0/1 row weights, so the per-segment
// means and the pooled σ are those of the training rows only (SPEC §6). As in the single-model
// CV, the media transforms run over each segment's whole series (adstock carries spend from
// before the window in); only the fit is masked. The test rows are predicted with the
// segment's coefficients in column units and the intercept of the training means:
//   ŷ_t = ȳ_train − Σ_j b_j x̄_train,j + Σ_j b_j x_tj,   b_j = β_sj / σ_j.
// Metrics per fold and segment (regression_metrics), per fold over all its segments, and
// mean ± sample std over folds.

#include <functional>
#include <string>
#include <vector>

#include "host/segments/segment_model.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

class ThreadPool;

/// Which segments take part in one fold, and where they train and test.
struct SegmentFoldPlan {
  int index = 0;                ///< fold number, 1-based
  std::vector<int> segments;    ///< taking part, ascending
  std::vector<CvFold> windows;  ///< per taking segment: its row windows (metrics unset)
};

/// Every fold of a segmented CV.
struct SegmentCvPlan {
  CvOptions options;
  std::vector<SegmentFoldPlan> folds;  ///< as many as the longest segment has
  /// Units of work for a progress bar: one per segment of the full fit and per segment of
  /// every fold.
  long work(int segments) const;
};

/// The folds of every segment (make_folds on each segment's row count). Throws InputError
/// for invalid windows (train < 2, test < 1, step < 1), naming the flags.
SegmentCvPlan plan_segment_cv(const SegmentProblem& problem, const CvOptions& options);

/// One fold's fit, per taking segment (in the order of SegmentFoldPlan::segments).
struct SegmentFoldFit {
  std::vector<Eigen::VectorXd> coef;  ///< p coefficients in column units (media first)
  std::vector<double> intercept;      ///< from the training means
  bool ok = false;                    ///< false when the pooled solve failed
};

/// Fits fold `fold` on its segments' training rows. `hyper_stride` as build_segment_design:
/// 0 shares hyper3c, 3C gives segment s hyper3c + s · 3C.
SegmentFoldFit fit_segment_fold(const SegmentProblem& problem, const double* hyper3c,
                                int hyper_stride, const SegmentFoldPlan& fold, ThreadPool* pool);

/// One fold scored over all its segments' test rows together.
struct PooledFold {
  int index = 0;     ///< fold number, 1-based
  int segments = 0;  ///< segments taking part
  bool ok = false;   ///< false when the fold's pooled solve failed (metrics NaN)
  /// RMSE, MAE, MAPE and NRMSE over all test rows together; R² = 1 − Σ_s RSS_s / Σ_s TSS_s
  /// with TSS around each segment's own mean of the rows scored (the fit's pooled R²).
  RegressionMetrics metrics;
};

struct SegmentCvReport {
  CvOptions options;
  /// [s]: the folds segment s takes part in (CvFold::index is the fold number, windows in the
  /// segment's own rows, metrics on its test rows; NaN in a fold whose solve failed).
  std::vector<std::vector<CvFold>> segment_folds;
  std::vector<RegressionMetrics> segment_mean;       ///< [s] over its scored folds
  std::vector<RegressionMetrics> segment_stdev;      ///< [s] sample std (0 with one fold)
  std::vector<RegressionMetrics> segment_in_sample;  ///< [s] the full-data fit on all rows
  std::vector<PooledFold> pooled_folds;
  RegressionMetrics pooled_mean, pooled_stdev;  ///< over the folds that did not fail
  RegressionMetrics pooled_in_sample;           ///< the full-data fit, pooled as PooledFold
  int failed = 0;                               ///< folds whose pooled solve failed
  bool skipped = false;                         ///< no segment is long enough for a fold
  std::vector<std::string> notices;             ///< skipped CV, short segments, failed folds

  /// Mean test MAPE of segment s over its folds; NaN when it took part in none.
  double segment_mape(int s) const;
  /// Mean over folds of the pooled MAPE; NaN when CV was skipped.
  double mape() const;
  /// Sample std over folds of the pooled MAPE; NaN when CV was skipped.
  double mape_stdev() const;
  /// Folds scored (pooled_folds that did not fail).
  int scored_folds() const;
};

/// Runs every fold of `plan` and the full-data fit (its in-sample rows). Folds run one after
/// another; within a fold the segments' designs and solves, and afterwards the scoring of each
/// segment, run in parallel on `pool`. `progress` gets units done (see SegmentCvPlan::work).
SegmentCvReport cross_validate_segments(const SegmentProblem& problem, const double* hyper3c,
                                        int hyper_stride, const SegmentCvPlan& plan,
                                        ThreadPool* pool,
                                        const std::function<void(long)>& progress = {});

}  // namespace mmm
