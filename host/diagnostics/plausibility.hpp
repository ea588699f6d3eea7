#pragma once
// Plausibility checks of a finished fit: figures a marketer would reject on sight (a negative
// baseline, media worth more than the whole KPI, a plan decided by the change limit) are
// turned into warnings instead of being printed as if they were estimates. Each check is a
// pure function of plain numbers, so it can be tested on a constructed degenerate fit; the
// pipeline only gathers the numbers (host/pipeline/fit_figures).

#include <array>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace mmm {

/// One warning about a fit: a stable code for programs, a sentence for people, and the
/// numbers it is about (written next to code and message in model.json).
struct Diagnostic {
  std::string code;     ///< e.g. "negative_baseline"
  std::string message;  ///< one line, no "warning:" prefix
  std::string channel;  ///< the channel it is about; empty for the whole fit
  std::vector<std::pair<std::string, double>> figures;  ///< name → value (NaN → null in JSON)
};

/// What the checks need to know about one media channel. NaN marks a missing figure (no
/// bootstrap, no search); a check skips what it cannot see.
struct ChannelFigures {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::string name;
  double roi = kNaN, roi_lower = kNaN, roi_upper = kNaN;  ///< ROI and its bootstrap interval
  double theta = kNaN, alpha = kNaN, gamma = kNaN;        ///< γ in adstocked spend units
  /// The search coordinates u of (θ, α, γ) in the search box [−5, 5]; NaN when the search
  /// did not run (--hyperparameters). Whatever maps u to the natural values, u = ±5 is the
  /// box's edge, so the edge check is written on u.
  std::array<double, 3> search_u = {kNaN, kNaN, kNaN};
  double max_adstock = kNaN;           ///< largest weekly adstocked spend over the data
  double mean_nonzero_adstock = kNaN;  ///< mean adstocked spend over weeks where it is > 0
  /// Smallest and largest ROI over the trials' best models (NaN with one trial).
  double trial_roi_min = kNaN, trial_roi_max = kNaN;
};

/// One allocated channel: its current and recommended weekly spend.
struct AllocatedFigures {
  std::string name;
  double current = 0.0, recommended = 0.0;
};

/// Everything the plausibility checks look at, gathered from a fit.
struct FitFigures {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double mean_baseline = kNaN;  ///< mean weekly intercept + controls part (decomposition BASELINE)
  double mean_kpi = kNaN;       ///< mean weekly KPI
  double total_media = kNaN;    ///< Σ over weeks and channels of the media contributions
  double total_kpi = kNaN;      ///< Σ over weeks of the KPI
  std::vector<ChannelFigures> channels;
  std::vector<double> fold_r2;  ///< out-of-sample R² per CV fold (test rows' own mean)
  std::vector<AllocatedFigures> allocation;
  double change_limit = 0.30;   ///< the allocation's ±fraction per channel
  std::string period = "week";  ///< one row of the data in words (period_name): messages
};

/// Thresholds of the checks, named so the README and the tests quote the same numbers.
constexpr double kEdgeDistance = 0.1;       ///< |u| ≥ 5 − this is "at the box edge"
constexpr double kWideIntervalRatio = 4.0;  ///< interval width above this × |ROI| is "wide"
constexpr double kNegligibleRoi = 1e-6;     ///< |ROI| below this is ~0: no width check
constexpr double kGammaAboveMax = 10.0;     ///< γ above this × max adstock: on/off Hill
constexpr double kGammaBelowMean = 0.01;    ///< γ below this × mean nonzero adstock: flat Hill
constexpr double kLimitedShare = 0.5;
/// Trials disagree on a channel when its ROI range over them exceeds this × the chosen ROI.
constexpr double kTrialSpreadRatio = 0.5;  ///< more than this share at ±limit: limit decides

/// Mean baseline below 0: intercept and controls take revenue away that media puts back.
std::vector<Diagnostic> check_baseline(const FitFigures& f);
/// Total media contribution above the total KPI (more than 100% of it).
std::vector<Diagnostic> check_media_share(const FitFigures& f);
/// A search coordinate within kEdgeDistance of ±5: one warning per channel, with the value
/// and coordinate (`<name>_coordinate`) of each parameter at an edge.
std::vector<Diagnostic> check_box_edges(const FitFigures& f);
/// An ROI interval wider than kWideIntervalRatio × |ROI|, and an ROI outside its interval.
std::vector<Diagnostic> check_intervals(const FitFigures& f);
/// More than half of the allocated channels (with current spend > 0) at ±change_limit.
std::vector<Diagnostic> check_allocation_limit(const FitFigures& f);
/// CV folds whose out-of-sample R² is below 0 (worse than the test rows' own mean).
std::vector<Diagnostic> check_cv_folds(const FitFigures& f);
/// γ above kGammaAboveMax × max adstock or below kGammaBelowMean × mean nonzero adstock.
std::vector<Diagnostic> check_gamma_range(const FitFigures& f);

/// Trials whose best models disagree: a channel's ROI range over the trials above
/// kTrialSpreadRatio × its reported ROI (the search, not the data, then decides that ROI).
std::vector<Diagnostic> check_trial_spread(const FitFigures& f);

/// Every check above, in that order.
std::vector<Diagnostic> plausibility_checks(const FitFigures& f);

}  // namespace mmm
