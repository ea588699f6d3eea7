#pragma once
// `mmm fit --segments …` (SPEC §9): load the long CSV by segment → one shared search over
// (θ, α, γ) per channel, each candidate solved with the chosen pooling → final fit →
// per-segment and global ROI, marginal ROI, contributions and the pooling factor → rolling CV
// per segment (segment_cv.hpp) → bootstrap intervals. In a job of several ranks
// (FitOptions::communicator) the search's candidates, the per-segment searches and the
// bootstrap resamples are divided among the ranks, and every rank ends with the whole report.

#include <limits>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/data/segmented_loader.hpp"
#include "host/diagnostics/plausibility.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/search/differential_evolution.hpp"
#include "host/segments/segment_bootstrap.hpp"
#include "host/segments/segment_cv.hpp"
#include "host/segments/segment_model.hpp"

namespace mmm {

/// One channel in one segment (or over all segments for the GLOBAL rows).
struct SegmentChannel {
  double coef = 0.0;               ///< KPI per unit of Hill output (β / σ)
  double spend = 0.0;              ///< total spend over the segment's periods
  double contribution = 0.0;       ///< coef · Σ_t h_t
  double roi = 0.0;                ///< contribution / spend (NaN without spend)
  double mean_weekly_spend = 0.0;  ///< current spend level
  double marginal_roi = 0.0;       ///< at mean_weekly_spend (analytic, steady state)
  double spend_share = 0.0;        ///< share of the segment's total spend
  double efficiency = 0.0;         ///< roi / the channel's all-segment roi (NaN if undefined)
  double roi_lower = std::numeric_limits<double>::quiet_NaN();  ///< bootstrap interval
  double roi_upper = std::numeric_limits<double>::quiet_NaN();
  bool significant = false;  ///< is_significant(roi, roi_lower, 0): no per-segment draws kept
  /// Weekly spend the allocator proposes within the segment (its weekly budget fixed, each
  /// channel ±budget_change_limit); GLOBAL: the mean over segments.
  double recommended_spend = std::numeric_limits<double>::quiet_NaN();
};

struct SegmentReport {
  FitOptions options;
  SegmentedData data;
  SegmentProblem problem;
  Hyperparameters hyperparameters;  ///< shared (global) θ, α, γ; what a new segment uses
  /// θ, α, γ per channel of the final fit: 3C values shared by every segment (hyper_stride
  /// 0) or S · 3C with per-segment hyperparameters (hyper_stride 3C).
  std::vector<double> hyper3c;
  int hyper_stride = 0;
  bool searched = false;
  SearchResult search;
  /// Pooled loss at the shared hyperparameters (equals fit.loss unless per-segment ones won).
  double shared_loss = std::numeric_limits<double>::quiet_NaN();
  long segment_search_evaluations = 0;  ///< --per-segment-hyperparameters, all segments
  SegmentDesign design;                 ///< of the final hyperparameters
  SegmentFit fit;                       ///< with the chosen pooling
  SegmentFit unpooled;                  ///< pooling none at the same hyperparameters
  Eigen::VectorXd pooling_factor;       ///< p, see pooling_factor() (media first)
  std::vector<Eigen::VectorXd> coef;    ///< per segment, p coefficients in column units
  Eigen::VectorXd global_coef;          ///< p, β_g / σ
  std::vector<double> intercepts;       ///< per segment
  /// Per segment, √(Σ residual² / (T_s − p − 1)): the noise `mmm predict --plan` adds for a
  /// prediction interval.
  std::vector<double> residual_sd;
  std::vector<std::vector<SegmentChannel>> channels;  ///< [segment][channel]
  std::vector<SegmentChannel> global;                 ///< per channel, over all segments
  std::vector<std::string> column_names;              ///< channels then controls
  /// Per segment: the allocator's full result (weekly spends within the segment).
  std::vector<AllocationResult> allocations;
  SegmentCvReport cv;  ///< rolling-window CV of the pooled fit, per segment and pooled
  bool bootstrapped = false;
  SegmentBootstrap bootstrap;
  std::string backend;
  std::vector<std::string> notices;
  /// Plausibility warnings (host/segments/segment_figures): printed and in model.json.
  std::vector<Diagnostic> diagnostics;
  double seconds_total = 0.0, seconds_search = 0.0, seconds_cv = 0.0, seconds_bootstrap = 0.0;
  double seconds_segment_search = 0.0;

  /// Whether segment s passes --segment-filter.
  bool selected(int s) const;
  /// (θ, α, γ) per channel that segment s's design uses.
  const double* segment_hyper3c(int s) const {
    return hyper3c.data() + static_cast<size_t>(s) * hyper_stride;
  }
  /// Channel c's hyperparameters in segment s.
  ChannelHyper segment_hyper(int s, int c) const;
};

/// Runs the segmented pipeline. Throws InputError for bad input or options (exit 2).
SegmentReport run_segment_fit(const FitOptions& options);

}  // namespace mmm
