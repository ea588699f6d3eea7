#pragma once
// Everything `mmm fit` can be told, from flags or the TOML config (flags win).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/channels/channel_kind.hpp"
#include "host/common/thread_pool.hpp"  // kMaxThreads
#include "host/data/wide_csv_loader.hpp"
#include "host/distributed/communicator.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

/// Defaults of the estimator (chosen by measurement: bench/RESULTS.md, "Estimates"), and the
/// reference pipeline's, which --reference and segmented fits keep. The default point
/// estimate is the bagged one whenever the nested bootstrap runs (point_estimate).
constexpr long kDefaultBudget = 2000;
constexpr long kDefaultNestedBudget = 300;
constexpr long kReferenceBudget = 500;
/// "Not given": resolved_fit_options fills these in from the defaults above.
constexpr long kAutoBudget = -1;
constexpr long kAutoNestedBudget = -1;
/// The largest --revenue-per-kpi: with cells at most 1e15, sums over the data stay finite.
constexpr double kMaxRevenuePerKpi = 1e6;

/// Upper bound for the number of --lambda-grid values: each one is a full search.
constexpr size_t kMaxLambdaGrid = 20;

/// Upper bound for --trials: each trial is a full search.
constexpr int kMaxTrials = 1000;

/// --segment-shrinkage default (segment_hyper_search.hpp; chosen in bench/RESULTS.md).
constexpr double kDefaultSegmentShrinkage = 0.03;

struct FitOptions {
  /// The seed's reference pipeline: γ as a fraction of max raw spend, the unconstrained ridge
  /// with the negative-coefficient penalty, and the reference defaults (docs/model.md).
  bool reference = false;
  std::string data_path;
  /// The input already read into a table (a database query, `--data sqlite:…?query=…`):
  /// loaded and validated instead of the file at data_path, which then only names it.
  std::shared_ptr<const CsvTable> data_table;
  ColumnSelection columns;
  std::string out_dir;
  long budget = kAutoBudget;  ///< search evaluations (per trial); kAutoBudget: the default
  int trials = 1;             ///< independent searches (host/search/trials.hpp)
  /// How the model is chosen among the trials' best candidates: "loss" (the lowest search
  /// loss) or "cv" (the lowest rolling-CV MAPE; the loss when CV is skipped).
  std::string select = "loss";
  /// What the search's result is: "rsq" (the lowest loss) or "pareto" (a model chosen on the
  /// NRMSE × DECOMP.RSSD front of every evaluated candidate, host/search/pareto.hpp).
  std::string objective = "rsq";
  int population = 30;  ///< DE population
  int bootstrap = 100;  ///< resamples; 0 skips
  /// > 0: nested bootstrap, a search of this budget per resample; 0: hyperparameters fixed;
  /// kAutoNestedBudget: the default (nested when searching, fixed otherwise).
  long nested_budget = kAutoNestedBudget;
  /// The flag names errors quote for budget and nested_budget: the ones the user typed (the
  /// old names --budget and --nested-budget are aliases).
  std::string budget_flag = "--evaluations", nested_budget_flag = "--nested-evaluations";
  double ci = 0.90;  ///< bootstrap interval level
  /// The transforms the model is fitted at: "bagged" (each channel's median θ, α, γ over the
  /// nested bootstrap's searches, host/bootstrap/bagged_transforms.hpp), "search" (the
  /// search's own choice) or "auto" (bagged when the nested bootstrap runs, unless the choice
  /// is by rolling CV, --objective cv or --select cv, which the nested searches do not make).
  std::string point_estimate = "auto";
  /// Moving-block bootstrap block length in rows (1 ≤ L ≤ T/2); 1: i.i.d. row resampling.
  int block_length = 1;
  double ridge_lambda = kDefaultFitRidgeLambda;
  /// Set when λ came from a flag or the config: it then wins over a hyperparameters file's λ
  /// (and over the reference's λ under --reference).
  bool ridge_lambda_explicit = false;
  /// `--ridge-lambda auto` / `--lambda-grid`: λ chosen among these by the rolling-CV
  /// out-of-sample loss of the model fitted at each (host/validation/lambda_selection.hpp);
  /// empty: ridge_lambda is used as given.
  std::vector<double> lambda_grid;
  CvOptions cv;
  double budget_change_limit = 0.30;  ///< allocator bound per channel (fraction of current)
  std::string hyperparameters_path;   ///< fixed θ, α, γ: no search
  /// A sweep_top.csv whose best rows replace the first members of the DE's initial population.
  std::string init_from_path;
  std::uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;  ///< 0: every hardware thread
  bool quiet = false;
  std::map<std::string, ChannelBounds> bounds;  ///< per-channel search bounds (config)
  /// Saturation shape of the media channels: "logistic", "hill" or "auto" (chosen by rolling
  /// CV among the two; --saturation, config [model] saturation); channel_saturation overrides
  /// it per channel (those channels keep their shape under auto). Empty: not given, so the
  /// mode's default applies (default_saturation) and a --hyperparameters file's shapes are
  /// taken as they are.
  std::string saturation;
  /// Per-channel shapes (config `[channels.NAME] saturation`).
  std::map<std::string, SaturationShape> channel_saturation;
  /// Per-channel kind (config `[channels.NAME] kind`, `mu`); channels not named are media.
  std::map<std::string, ChannelKindSpec> kinds;
  /// Allocate on every channel's lower band (Hill: coef_lower; flow: lower bootstrap curve).
  bool conservative = false;
  /// Fit flow/stock channels on the KPI minus its SIN_k/COS_k least-squares fit.
  bool deseasonalize = false;
  /// Money per unit of the KPI (Meridian's revenue_per_kpi): the KPI is multiplied by it on
  /// loading, so a conversions KPI gets contributions and ROI in money. 1: the KPI is money.
  double revenue_per_kpi = 1.0;
  // Segmented fits (SPEC §9; active when columns.segments is not empty).
  std::string pooling = "partial";  ///< none | complete | partial
  /// Penalty on the global coefficients; ≤ 0 or NaN: ridge_lambda.
  double lambda_global = 0.0;
  /// Penalty on segment − global coefficients; ≤ 0 or NaN: 10 × ridge_lambda.
  double lambda_segment = 0.0;
  /// Channels with one coefficient shared by every segment (`--global-channels`).
  std::vector<std::string> global_channels;
  /// After the shared search, search each segment's own θ, α, γ (segment_hyper_search.hpp).
  bool per_segment_hyperparameters = false;
  /// Objective evaluations per segment of that search.
  long segment_budget = 1000;
  /// Shrinkage ρ of each segment's hyperparameters toward the shared ones (≥ 0).
  double segment_shrinkage = kDefaultSegmentShrinkage;
  /// How the shared γ applies to segments: "shared" (one γ in spend units for every segment)
  /// or "scaled" (each segment's γ = the shared γ × its largest weekly spend / the largest of
  /// all segments: host/segments/segment_model.hpp segment_gamma_scale).
  std::string segment_gamma = "shared";
  /// `column=value` pairs restricting the per-segment report rows (all must match).
  std::vector<std::pair<std::string, std::string>> segment_filter;
  /// The job whose ranks share the trials, the bootstrap resamples and, with --segments, the
  /// search's candidates and the per-segment searches (null: this process alone); every rank
  /// ends with the whole result.
  const Communicator* communicator = nullptr;
};

/// Applies `--ridge-lambda TEXT` (or the config's model.ridge_lambda as text): `auto` chooses
/// λ by rolling CV among default_lambda_grid(); a number fixes it. InputError otherwise.
void set_ridge_lambda(FitOptions& o, const std::string& text);

/// InputError (exit 2) unless 0 ≤ threads ≤ kMaxThreads (0: every hardware thread).
void check_thread_count(int threads);

/// The options with every "auto" default filled in: the default estimator's budget, nested
/// bootstrap and λ; under --reference, or for a segmented fit (columns.segments), the
/// reference pipeline's (budget 500, hyperparameters fixed in the bootstrap, λ 10). A
/// --hyperparameters fit has no search to nest. Idempotent.
FitOptions resolved_fit_options(FitOptions options);

/// InputError (exit 2) for option values no data can make valid (budget, population,
/// bootstrap and CI level, threads, nested budget, λ, allocation limit). Shared by the single
/// and the segmented fit; checked before any data is read into a model.
void check_fit_options(const FitOptions& options);

/// The saturation of a fit that names none: logistic for the default estimator (measured:
/// bench/RESULTS.md, "Saturation shape"), Hill for --reference and segmented fits (the
/// reference pipeline's, and the only shape those carry).
std::string default_saturation(const FitOptions& options);

/// The saturation shape of each media channel: `channel_saturation`'s where it names the
/// channel, `saturation`'s otherwise (Hill for "auto", the shape the choice starts from).
/// InputError for a per-channel shape given for a channel that is not a media channel of the data
/// (`channels`).
std::vector<SaturationShape> media_saturation(const FitOptions& options,
                                              const std::vector<std::string>& channels);

/// InputError (exit 2) for options of the other mode: a segmented fit (columns.segments) with
/// a single-market feature it does not carry (nested bootstrap, block bootstrap, --init-from,
/// flow/stock kinds, --conservative, --deseasonalize, --revenue-per-kpi, an objective other
/// than rsq), or a single-market fit with segment settings. Call after resolved_fit_options.
void check_fit_mode(const FitOptions& options);

}  // namespace mmm
