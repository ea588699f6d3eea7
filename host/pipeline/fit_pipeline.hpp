#pragma once
// The whole pipeline of `mmm fit` (SPEC §3–8): load and validate → controls → search (or
// fixed hyperparameters) → nested bootstrap (its searches' median transforms are the model's
// under the bagged point estimate) → final fit → CV → plain bootstrap (when not nested) →
// curves → allocation. It computes; io/ writes. Nothing here touches the output folder.

#include <cstdint>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/backend/evaluator.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/channels/kind_fit.hpp"
#include "host/curves/channel_response.hpp"
#include "host/data/dataset.hpp"
#include "host/diagnostics/plausibility.hpp"
#include "host/features/controls.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/pipeline/fit_search.hpp"
#include "host/search/differential_evolution.hpp"
#include "host/search/pareto.hpp"
#include "host/validation/lambda_selection.hpp"
#include "host/validation/saturation_selection.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

/// Per-channel results of the final model.
struct ChannelResult {
  ChannelResponse response;  ///< θ, α, γ, coefficient and its bootstrap band, spend levels
  double roi = 0.0;          ///< coef · Σh / Σx over the whole data
  double roi_lower = 0.0, roi_upper = 0.0;  ///< bootstrap percentile interval (NaN without)
  bool significant = false;                 ///< is_significant (host/diagnostics/significance)
  double marginal_roi = 0.0;                ///< at the current mean weekly spend
  double total_spend = 0.0;
  double contribution = 0.0;  ///< coef · Σh
  double spend_share = 0.0;   ///< share of total spend
};

/// One trial's best candidate, refitted on all rows.
struct TrialSummary {
  std::uint64_t seed = 0;
  double loss = 0.0;
  double r2 = 0.0;
  double cv_mape = 0.0;         ///< NaN when CV is skipped
  std::vector<double> hyper3c;  ///< (θ, α, γ) per channel
  std::vector<double> roi;      ///< per channel, coef · Σh / Σx
};

struct FitReport {
  FitOptions options;
  Dataset data;  ///< media channels only: flow and stock channels are moved to kind_inputs
  /// Default and user controls, then one column per flow/stock channel (its fitted feature
  /// ln(1 + b·E) or ln(1 + b·μ·S), named after the channel).
  ControlMatrix controls;
  ModelData model;
  Hyperparameters hyperparameters;
  std::vector<double> hyper3c;       ///< (θ, α, γ) per channel, the evaluator's layout
  bool searched = false;             ///< false when --hyperparameters fixed them
  SearchResult search;               ///< the chosen trial's search
  std::vector<TrialSummary> trials;  ///< every trial (one without --trials)
  int chosen_trial = 0;
  /// --objective pareto: every evaluated candidate, the front (indices, by NRMSE) and the
  /// chosen point (the model), else empty and −1.
  std::vector<ParetoPoint> pareto;
  std::vector<int> pareto_front;
  int pareto_chosen = -1;
  long search_evaluations = 0;  ///< over all trials
  /// --ridge-lambda auto: every λ's rolling-CV loss and the chosen one (else empty).
  LambdaSelection lambda_selection;
  /// --saturation auto: each shape's rolling-CV loss and the chosen one (else empty).
  SaturationSelection saturation_selection;
  BatchResult fit;                     ///< the final full-data fit (one candidate)
  Eigen::VectorXd fitted;              ///< in-sample predictions
  Eigen::MatrixXd media_contribution;  ///< T × C: coef_c · h_c[t]
  CvReport cv;
  bool bootstrapped = false;
  BootstrapReport bootstrap;
  bool nested = false;  ///< the bootstrap re-ran the search in every resample
  /// The model's transforms are each channel's median over the nested searches
  /// (--point-estimate bagged), not the search's own choice (kept in `trials`).
  bool bagged = false;
  Eigen::MatrixXd bootstrap_hyper;  ///< nested: B × 3C (θ, α, γ) per resample, else empty
  long nested_evaluations = 0;      ///< evaluations of all the nested searches
  std::vector<ChannelResult> channels;
  AllocationResult allocation;  ///< media then flow channels (on lower bands if conservative)
  /// The curves the allocation was run on (media, then flow channels), as model.json stores
  /// them for `mmm optimize`.
  std::vector<ChannelResponse> allocation_responses;
  std::vector<KindChannelInput> kind_inputs;  ///< flow and stock channels, in data order
  KindFitReport kinds;                        ///< their fit (empty without kind channels)
  Eigen::MatrixXd kind_contribution;          ///< T × K: final ridge coef · feature
  std::string backend;
  std::vector<std::string> notices;     ///< to print on stderr (unless --quiet)
  std::vector<Diagnostic> diagnostics;  ///< plausibility warnings (printed even with --quiet)
  double seconds_total = 0.0, seconds_search = 0.0, seconds_cv = 0.0, seconds_bootstrap = 0.0;
};

/// Smallest and largest ROI of `channel` over the trials' best models (the stability figure
/// the summary prints and the trials_disagree check reads). Call only with trials.
Interval trial_roi_range(const FitReport& r, int channel);

/// Runs the pipeline. Throws InputError for bad input or options (exit 2).
FitReport run_fit(const FitOptions& options);

/// The search space for the dataset: the encoding's default box with per-channel overrides
/// from the config (an override for an unknown channel is an InputError; a γ box not given
/// keeps the encoding's default).
SearchSpace build_search_space(const ModelData& model, const std::vector<std::string>& channels,
                               const std::map<std::string, ChannelBounds>& overrides,
                               GammaEncoding encoding = GammaEncoding::SpendFraction);

}  // namespace mmm
