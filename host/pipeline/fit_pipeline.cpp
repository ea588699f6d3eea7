#include "host/pipeline/fit_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "host/allocation/conservative_allocation.hpp"
#include "host/backend/device.hpp"
#include "host/bootstrap/bagged_transforms.hpp"
#include "host/bootstrap/nested_bootstrap.hpp"
#include "host/channels/kind_curves.hpp"
#include "host/common/errors.hpp"
#include "host/common/progress.hpp"
#include "host/curves/response_curves.hpp"
#include "host/data/input_loader.hpp"
#include "host/diagnostics/significance.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/sweep_files.hpp"
#include "host/pipeline/fit_figures.hpp"
#include "host/pipeline/fit_transforms.hpp"
#include "host/validation/lambda_selection.hpp"

namespace mmm {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

SearchSpace build_search_space(const ModelData& model, const std::vector<std::string>& channels,
                               const std::map<std::string, ChannelBounds>& overrides,
                               GammaEncoding encoding) {
  SearchSpace space = default_search_space(model.max_spend());
  if (encoding == GammaEncoding::AdstockedMax) {
    std::vector<std::vector<double>> spend(static_cast<size_t>(model.channels()));
    for (int c = 0; c < model.channels(); ++c)
      spend[c].assign(model.spend.col(c).data(), model.spend.col(c).data() + model.rows());
    space = adstocked_search_space(spend);
  }
  for (const auto& [name, bounds] : overrides) {
    size_t c = 0;
    while (c < channels.size() && channels[c] != name) ++c;
    if (c == channels.size()) {
      throw InputError("config: bounds given for unknown channel `" + name + "`");
    }
    const Interval gamma_default = space.bounds[c].gamma_fraction;
    space.bounds[c] = bounds;
    if (!bounds.gamma_given) space.bounds[c].gamma_fraction = gamma_default;
  }
  return space;
}

namespace {

/// The shapes of a --hyperparameters fit: the file's (a model.json refit reproduces its model).
/// A shape asked for by --saturation or the config that the file contradicts is an error,
/// not a silent choice between the two.
std::vector<SaturationShape> fixed_saturation(const FitOptions& o, const Hyperparameters& h,
                                              const std::vector<std::string>& channels) {
  const std::vector<SaturationShape> asked = media_saturation(o, channels);
  const bool any_asked = !o.saturation.empty() || !o.channel_saturation.empty();
  std::vector<SaturationShape> shapes;
  for (size_t c = 0; c < channels.size(); ++c) {
    const SaturationShape file = h.channels[c].saturation;
    if (any_asked && asked[c] != file) {
      throw InputError(o.hyperparameters_path + ": channel `" + channels[c] + "` has saturation " +
                       saturation_name(file) + ", but --saturation/config asks for " +
                       saturation_name(asked[c]) +
                       "; drop the option (the file fixes the transforms) or edit the file");
    }
    shapes.push_back(file);
  }
  return shapes;
}

/// Moves the flow and stock channels named in the options out of the media channels.
void split_kind_channels(const FitOptions& o, FitReport& r) {
  std::vector<bool> is_kind(r.data.channels.size(), false);
  for (const auto& [name, spec] : o.kinds) {
    const auto it = std::find(r.data.channels.begin(), r.data.channels.end(), name);
    if (it == r.data.channels.end()) {
      std::string known;
      for (const auto& c : r.data.channels) known += (known.empty() ? "" : ", ") + c;
      throw InputError((spec.origin.empty() ? std::string("config") : spec.origin) +
                       ": kind given for channel `" + name + "`, which is not a channel of " +
                       r.data.source + "; channels: " + known);
    }
    if (spec.kind == ChannelKind::Media) continue;
    if (o.bounds.count(name)) {
      throw InputError("config: bounds given for " + std::string(kind_name(spec.kind)) +
                       " channel `" + name + "`; theta/alpha/gamma apply to media channels only");
    }
    is_kind[static_cast<size_t>(it - r.data.channels.begin())] = true;
  }
  std::vector<std::string> media;
  std::vector<Eigen::Index> keep;
  for (size_t c = 0; c < r.data.channels.size(); ++c) {
    const Eigen::VectorXd x = r.data.spend.col(static_cast<Eigen::Index>(c));
    if (!is_kind[c]) {
      media.push_back(r.data.channels[c]);
      keep.push_back(static_cast<Eigen::Index>(c));
      continue;
    }
    KindChannelInput in{r.data.channels[c], o.kinds.at(r.data.channels[c]), x};
    r.kind_inputs.push_back(in);
  }
  if (r.kind_inputs.empty()) return;
  if (media.empty()) {
    throw InputError(r.data.source +
                     ": every channel is flow or stock; at least one media (spend) channel is "
                     "needed for the media model");
  }
  Eigen::MatrixXd spend(r.data.spend.rows(), static_cast<Eigen::Index>(keep.size()));
  for (size_t j = 0; j < keep.size(); ++j)
    spend.col(static_cast<Eigen::Index>(j)) = r.data.spend.col(keep[j]);
  r.data.spend = spend;
  r.data.channels = media;
}

/// --init-from: the sweep's best rows as the first members of the search's population.
std::vector<double> initial_population(const FitOptions& o, const SearchSpace& space,
                                       FitReport& r) {
  std::vector<double> seeds;
  if (o.init_from_path.empty() || !o.hyperparameters_path.empty()) return seeds;
  const auto rows = read_sweep_top(o.init_from_path, r.data.channels, o.population);
  seeds.resize(rows.size() * static_cast<size_t>(space.dimension()));
  for (size_t i = 0; i < rows.size(); ++i) space.encode(rows[i], &seeds[i * space.dimension()]);
  bool logistic = false;
  for (int c = 0; c < space.channels(); ++c)
    logistic = logistic || space.shape(c) == SaturationShape::Logistic;
  // The sweep evaluates Hill candidates; their γ is a half-saturation point as the logistic's
  // is, so θ and γ still make a sensible start.
  r.notices.push_back("search: " + std::to_string(rows.size()) +
                      " members of the initial population from " + o.init_from_path +
                      (logistic ? " (the sweep's candidates are Hill curves: their theta and "
                                  "gamma start the logistic channels' search, alpha is unused)"
                                : ""));
  return seeds;
}

bool is_fourier(const std::string& name) {
  return name.rfind("SIN_", 0) == 0 || name.rfind("COS_", 0) == 0;
}

/// Columns of `m` whose names pass (or fail, with keep = false) is_fourier.
Eigen::MatrixXd fourier_split(const ControlMatrix& m, bool fourier) {
  std::vector<Eigen::Index> cols;
  for (size_t j = 0; j < m.names.size(); ++j)
    if (is_fourier(m.names[j]) == fourier) cols.push_back(static_cast<Eigen::Index>(j));
  Eigen::MatrixXd out(m.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j)
    out.col(static_cast<Eigen::Index>(j)) = m.values.col(cols[j]);
  return out;
}

ControlMatrix with_kind_features(const ControlMatrix& controls, const FitReport& r,
                                 const KindFitReport& kinds) {
  ControlMatrix out = controls;
  const Eigen::Index k0 = controls.values.cols();
  out.values.conservativeResize(Eigen::NoChange,
                                k0 + static_cast<Eigen::Index>(kinds.channels.size()));
  for (size_t k = 0; k < kinds.channels.size(); ++k) {
    out.names.push_back(r.kind_inputs[k].name);
    out.values.col(k0 + static_cast<Eigen::Index>(k)) = kinds.channels[k].feature;
  }
  return out;
}

/// The nested bootstrap (each resample's own search) into r.bootstrap and r.bootstrap_hyper.
/// A job's ranks divide the resamples; each ends with all of them.
void run_nested_bootstrap(const FitOptions& o, const SearchSpace& space, Evaluator& evaluator,
                          const Communicator& comm, FitReport& r) {
  NestedBootstrapOptions no;
  no.resamples = o.bootstrap;
  no.ci = o.ci;
  no.seed = o.seed;
  no.block_length = o.block_length;
  no.budget = o.nested_budget;
  no.population = o.population;
  no.pareto = o.objective == "pareto";
  const long total = static_cast<long>(o.bootstrap) * o.nested_budget;
  ProgressBar bar("nested bootstrap", total, !o.quiet && ProgressBar::stderr_is_terminal());
  NestedBootstrapReport nested = nested_bootstrap_intervals(
      r.model, space, no, evaluator, [&](long done, long) { bar.update(done); }, comm);
  bar.finish();
  r.nested_evaluations = nested.evaluations;
  r.bootstrap_hyper = nested.hyper;
  r.bootstrap = std::move(nested);
  r.bootstrapped = true;
  r.nested = true;
}

/// --point-estimate bagged: the model's transforms become each channel's median over the
/// resamples' searches. The search's own choice stays in r.trials; r.search.best is set to the
/// bagged transforms' coordinates, so the box-edge check judges the model reported.
void apply_bagged_transforms(const SearchSpace& space, FitReport& r) {
  const std::vector<double> bagged = bagged_transforms(r.bootstrap_hyper);
  if (bagged.size() != r.hyper3c.size()) {
    r.notices.push_back(
        "--point-estimate bagged: no nested resample gave transforms; the search's are used");
    return;
  }
  r.hyper3c = bagged;
  const int C = r.model.channels();
  for (int c = 0; c < C; ++c) {
    ChannelHyper& h = r.hyperparameters.channels[static_cast<size_t>(c)];
    h.theta = bagged[static_cast<size_t>(3 * c)];
    h.alpha = bagged[static_cast<size_t>(3 * c + 1)];
    h.gamma = bagged[static_cast<size_t>(3 * c + 2)];
  }
  if (r.searched) {
    r.search.best.resize(static_cast<size_t>(space.dimension()));
    space.encode(r.hyperparameters.channels, r.search.best.data());
  }
  r.bagged = true;
}

/// The media pipeline on r.data with the given control block: search (or fixed
/// hyperparameters), final fit, CV, bootstrap and per-channel results.
void fit_media(const FitOptions& o, const ControlMatrix& controls, FitReport& r) {
  r.controls = controls;
  r.model = make_model_data(r.data, r.controls, o.ridge_lambda);
  r.model.nonnegative_media = !o.reference;
  r.model.saturation = media_saturation(o, r.data.channels);
  check_data_fits_model(r.data, r.model);
  const int C = r.model.channels();
  if (!o.init_from_path.empty() && !o.hyperparameters_path.empty()) {
    throw InputError("--init-from seeds the search, but --hyperparameters skips it; give one");
  }
  r.hyperparameters = Hyperparameters{};
  r.hyper3c.clear();
  r.channels.clear();
  if (!o.hyperparameters_path.empty()) {
    // A hyperparameters file (or model.json) fixes λ too, so that a refit reproduces the model,
    // unless λ was asked for explicitly (flag or config).
    r.hyperparameters = read_hyperparameters_file(o.hyperparameters_path, r.data.channels);
    if (o.ridge_lambda_explicit) r.hyperparameters.ridge_lambda = o.ridge_lambda;
    r.model.ridge_lambda = r.hyperparameters.ridge_lambda;
    r.model.saturation = fixed_saturation(o, r.hyperparameters, r.data.channels);
  }

  std::string device_notice;
  auto evaluator = make_evaluator(parse_device(o.device), r.model, o.threads, &device_notice);
  if (!device_notice.empty() &&
      std::find(r.notices.begin(), r.notices.end(), device_notice) == r.notices.end())
    r.notices.push_back(device_notice);
  r.backend = evaluator->name();

  SearchSpace space =
      build_search_space(r.model, r.data.channels, o.bounds,
                         o.reference ? GammaEncoding::SpendFraction : GammaEncoding::AdstockedMax);
  space.saturation = r.model.saturation;
  const std::vector<double> seeds = initial_population(o, space, r);
  const auto t_search = Clock::now();
  r.searched = false;
  r.lambda_selection = LambdaSelection{};
  r.saturation_selection = SaturationSelection{};
  const bool chosen = o.saturation == "auto"
                          ? choose_saturation(o, space, seeds, evaluator, r)
                          : !o.lambda_grid.empty() && choose_lambda(o, space, seeds, evaluator, r);
  if (!chosen) choose_transforms(o, space, seeds, *evaluator, r);
  r.seconds_search += since(t_search);

  // The nested bootstrap runs before the final fit: with the default bagged point estimate its
  // searches choose the transforms the model is fitted at.
  const Communicator& comm = o.communicator != nullptr ? *o.communicator : single_process();
  r.bootstrapped = false;
  r.nested = false;
  r.bagged = false;
  const bool nested = o.bootstrap > 0 && o.nested_budget > 0;
  if (nested) {
    const auto t_boot = Clock::now();
    run_nested_bootstrap(o, space, *evaluator, comm, r);
    r.seconds_bootstrap += since(t_boot);
    if (o.point_estimate == "bagged") apply_bagged_transforms(space, r);
  }

  evaluator->evaluate(CandidateBatch{1, C, r.hyper3c.data()}, RowWeights{}, r.fit);
  if (!std::isfinite(r.fit.loss[0])) {
    throw std::runtime_error(
        "the final ridge fit failed (singular system); try a larger --ridge-lambda");
  }
  r.fitted = predict_kpi(r.model, r.hyper3c.data(), r.fit.coef.data(), r.fit.intercept[0]);
  const Eigen::MatrixXd h = transform_media(r.model.spend, r.hyper3c.data(), r.model.saturation);
  r.media_contribution = h * Eigen::Map<const Eigen::VectorXd>(r.fit.coef.data(), C).asDiagonal();

  const auto t_cv = Clock::now();
  r.cv = cross_validate(r.model, r.hyper3c, o.cv, *evaluator);
  r.seconds_cv += since(t_cv);

  if (!nested && o.bootstrap > 0) {
    const auto t_boot = Clock::now();
    BootstrapOptions bo;
    bo.resamples = o.bootstrap;
    bo.ci = o.ci;
    bo.seed = o.seed;
    bo.block_length = o.block_length;
    ProgressBar bar("bootstrap", o.bootstrap, !o.quiet && ProgressBar::stderr_is_terminal());
    r.bootstrap = bootstrap_intervals(
        r.model, r.hyper3c, bo, *evaluator, [&](int done) { bar.update(done); }, comm);
    bar.finish();
    r.bootstrapped = true;
    r.seconds_bootstrap += since(t_boot);
  }

  const double total_spend_all = r.model.spend.sum();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int c = 0; c < C; ++c) {
    ChannelResult cr;
    ChannelResponse& resp = cr.response;
    resp.name = r.data.channels[c];
    resp.hyper = r.hyperparameters.channels[c];
    resp.coef = r.fit.coef[c];
    resp.coef_lower = r.bootstrapped ? r.bootstrap.coef_lower[c] : resp.coef;
    resp.coef_upper = r.bootstrapped ? r.bootstrap.coef_upper[c] : resp.coef;
    resp.mean_weekly_spend = r.model.spend.col(c).mean();
    resp.max_weekly_spend = r.model.spend.col(c).maxCoeff();
    cr.total_spend = r.model.spend.col(c).sum();
    cr.contribution = r.media_contribution.col(c).sum();
    cr.roi = cr.total_spend > 0 ? cr.contribution / cr.total_spend : nan;
    cr.roi_lower = r.bootstrapped ? r.bootstrap.roi_lower[c] : nan;
    cr.roi_upper = r.bootstrapped ? r.bootstrap.roi_upper[c] : nan;
    cr.significant = r.bootstrapped && is_significant(cr.roi, cr.roi_lower,
                                                      nonpositive_share(r.bootstrap.coef.col(c)));
    cr.marginal_roi = marginal_roi(resp, resp.mean_weekly_spend);
    cr.spend_share = total_spend_all > 0 ? cr.total_spend / total_spend_all : 0.0;
    r.channels.push_back(cr);
  }
}

/// Flow and stock channels (SPEC §9): a first profile fit without the media model, the media
/// model with those features as controls, then the profile fit again with the fitted Hill
/// columns held fixed, and the media model once more on the refined features.
void fit_with_kinds(const FitOptions& o, const ControlMatrix& controls, FitReport& r) {
  const Eigen::VectorXd y =
      o.deseasonalize ? remove_seasonality(r.data.kpi, fourier_split(controls, true)) : r.data.kpi;
  // Cleaned of seasonality, the KPI is fitted without the Fourier columns.
  const Eigen::MatrixXd base = o.deseasonalize ? fourier_split(controls, false) : controls.values;
  KindFitOptions ko;
  ko.passes = 2;
  const KindFitReport first = fit_kind_channels(y, base, r.kind_inputs, ko);
  fit_media(o, with_kind_features(controls, r, first), r);

  const Eigen::MatrixXd h = transform_media(r.model.spend, r.hyper3c.data(), r.model.saturation);
  Eigen::MatrixXd base2(base.rows(), base.cols() + h.cols());
  base2 << base, h;
  ko.passes = 3;
  ko.bootstrap = o.bootstrap;
  ko.seed = o.seed;
  ko.block_length = o.block_length;
  r.kinds = fit_kind_channels(y, base2, r.kind_inputs, ko);
  fit_media(o, with_kind_features(controls, r, r.kinds), r);

  const int C = r.model.channels();
  const Eigen::Index K0 = controls.values.cols();
  r.kind_contribution.resize(r.model.rows(), static_cast<Eigen::Index>(r.kind_inputs.size()));
  for (size_t k = 0; k < r.kind_inputs.size(); ++k) {
    const Eigen::Index j = K0 + static_cast<Eigen::Index>(k);
    r.kind_contribution.col(static_cast<Eigen::Index>(k)) =
        r.fit.coef[static_cast<size_t>(C + j)] * r.controls.values.col(j);
  }
}

}  // namespace

Interval trial_roi_range(const FitReport& r, int channel) {
  Interval range{r.trials.at(0).roi[static_cast<size_t>(channel)],
                 r.trials.at(0).roi[static_cast<size_t>(channel)]};
  for (const TrialSummary& t : r.trials) {
    range.lo = std::min(range.lo, t.roi[static_cast<size_t>(channel)]);
    range.hi = std::max(range.hi, t.roi[static_cast<size_t>(channel)]);
  }
  return range;
}

FitReport run_fit(const FitOptions& options) {
  const auto t0 = Clock::now();
  const FitOptions o = resolved_fit_options(options);
  check_fit_options(o);
  FitReport r;
  r.options = o;
  r.data = load_input(o.data_path, o.data_table.get(), o.columns);
  if (o.revenue_per_kpi != 1.0) {
    // Every figure in KPI units (coefficients, contributions, ROI, curves, the plan) is then
    // in money; R², MAPE and the transforms do not change (the ridge is linear in y).
    r.data.kpi *= o.revenue_per_kpi;
    r.data.notices.push_back("KPI `" + r.data.kpi_column + "` multiplied by --revenue-per-kpi " +
                             std::to_string(o.revenue_per_kpi) +
                             ": contributions and ROI are in money");
  }
  if (o.bootstrap > 0) check_block_length(o.block_length, static_cast<int>(r.data.kpi.size()));
  r.notices = r.data.notices;
  split_kind_channels(o, r);
  const ControlMatrix controls = build_controls(r.data);
  if (r.kind_inputs.empty()) {
    if (o.deseasonalize) {
      r.notices.push_back("--deseasonalize has no effect: no flow or stock channels");
    }
    fit_media(o, controls, r);
  } else {
    fit_with_kinds(o, controls, r);
  }
  if (r.cv.skipped) r.notices.push_back(r.cv.notice);
  if (r.bootstrapped && r.bootstrap.failed > 0) {
    r.notices.push_back(std::to_string(r.bootstrap.failed) + " of " + std::to_string(o.bootstrap) +
                        " bootstrap resamples had a singular fit and were left out");
  }

  std::vector<ChannelResponse> responses;
  for (const auto& ch : r.channels) responses.push_back(ch.response);
  for (const auto& f : r.kinds.channels) {
    if (f.kind != ChannelKind::Flow) continue;  // stock channels hold units, not money
    responses.push_back(flow_channel_response(f, o.ci));
  }
  if (o.conservative) {
    if (!r.bootstrapped) {
      r.notices.push_back("--conservative without a bootstrap: the bands are the mean curves");
    }
  }
  AllocationOptions ao;
  ao.change_limit = o.budget_change_limit;
  r.allocation =
      o.conservative ? allocate_conservative(responses, ao) : allocate_budget(responses, ao);
  r.allocation_responses = responses;
  r.diagnostics = plausibility_checks(fit_figures(r));
  r.seconds_total = since(t0);
  return r;
}

}  // namespace mmm
