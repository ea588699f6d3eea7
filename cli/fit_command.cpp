// `mmm fit`: the whole pipeline on one wide CSV (issue 2 contract for flags and outputs).

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/io/config_file.hpp"
#include "host/io/fit_outputs.hpp"
#include "host/io/json_file.hpp"
#include "host/io/output_files.hpp"
#include "host/io/segment_outputs.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/report/chartjs_library.hpp"
#include "host/report/report_file.hpp"

namespace mmm::cli {
namespace {

struct FitFlags {
  FitOptions o;
  std::string config, channels, controls, segments, segment_filter, global_channels;
  bool json = false, report = false;
  long budget_alias = 0, nested_budget_alias = 0;  // --budget, --nested-budget (old names)
  bool conservative = false, deseasonalize = false, per_segment_hyperparameters = false;
  // Flags set on the command line override the config; these remember which were given.
  std::vector<std::pair<CLI::Option*, std::function<void(FitOptions&)>>> overrides;
  bool given(const std::string& name) const {
    for (const auto& [opt, apply] : overrides) {
      if (opt->count() > 0 && opt->check_name(name)) return true;
    }
    return false;
  }
};

template <typename T>
CLI::Option* flag(CLI::App& app, FitFlags& f, const std::string& name, T& storage,
                  std::function<void(FitOptions&, const T&)> apply, const std::string& help) {
  CLI::Option* opt = app.add_option(name, storage, help);
  f.overrides.emplace_back(opt, [&storage, apply](FitOptions& o) { apply(o, storage); });
  return opt;
}

void print_summary(const FitReport& r, const std::string& out_dir) {
  std::printf("data: %s — %d rows (%s … %s), %d channels, %d controls\n", r.data.source.c_str(),
              r.model.rows(), r.data.dates.front().to_string().c_str(),
              r.data.dates.back().to_string().c_str(), r.model.channels(), r.model.control_count());
  if (r.searched && r.trials.size() > 1) {
    std::printf(
        "search: %zu trials × %ld evaluations in %.3f s on %s; trial %d chosen (%s), "
        "best loss %.6g\n",
        r.trials.size(), r.options.budget, r.seconds_search, r.backend.c_str(), r.chosen_trial + 1,
        std::isfinite(r.trials[r.chosen_trial].cv_mape) ? "lowest CV MAPE" : "lowest loss",
        r.search.best_loss);
  } else if (r.searched) {
    std::printf("search: %ld evaluations in %.3f s on %s, best loss %.6g\n", r.search.evaluations,
                r.seconds_search, r.backend.c_str(), r.search.best_loss);
  } else {
    std::printf("hyperparameters: fixed from %s (no search)\n",
                r.options.hyperparameters_path.c_str());
  }
  std::printf("fit: loss %.6g, R² %.4f", r.fit.loss[0], r.fit.r2[0]);
  if (!r.cv.skipped) {
    std::printf(", CV MAPE %.2f%% ± %.2f%% over %zu folds", 100 * r.cv.mean.mape,
                100 * r.cv.stdev.mape, r.cv.folds.size());
  }
  std::printf("\n");
  const int level = static_cast<int>(std::lround(100 * r.options.ci));
  std::printf("%-16s %9s %23s %9s %7s %6s %12s %12s\n", "channel", "ROI",
              (std::to_string(level) + "% CI").c_str(), "mROI", "theta", "alpha", "gamma",
              "recommended");
  for (size_t c = 0; c < r.channels.size(); ++c) {
    const ChannelResult& ch = r.channels[c];
    char ci[64] = "(no bootstrap)";
    if (r.bootstrapped)
      std::snprintf(ci, sizeof ci, "[%.3f, %.3f]%s", ch.roi_lower, ch.roi_upper,
                    ch.significant ? " *" : "");
    std::printf("%-16s %9.3f %23s %9.3f %7.3f %6.3f %12.6g %12.6g\n", ch.response.name.c_str(),
                ch.roi, ci, ch.marginal_roi, ch.response.hyper.theta, ch.response.hyper.alpha,
                ch.response.hyper.gamma, r.allocation.channels[c].recommended_spend);
  }
  if (r.trials.size() > 1) {
    // The stability figure: each channel's ROI from every trial's best model.
    std::string line;
    for (size_t c = 0; c < r.channels.size(); ++c) {
      const Interval range = trial_roi_range(r, static_cast<int>(c));
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s%s %.3g–%.3g", line.empty() ? "" : ", ",
                    r.channels[c].response.name.c_str(), range.lo, range.hi);
      line += buf;
    }
    std::printf("ROI over %zu trials: %s\n", r.trials.size(), line.c_str());
  }
  std::string kind_files;
  size_t allocated = r.channels.size();  // flow channels follow the media ones in the allocation
  for (size_t k = 0; k < r.kinds.channels.size(); ++k) {
    const KindChannelFit& f = r.kinds.channels[k];
    if (f.kind == ChannelKind::Flow) {
      const double rec = r.allocation.channels[allocated++].recommended_spend;
      std::printf("flow  %-10s a %.6g, b %.6g, lambda %.3f, recommended %.6g\n", f.name.c_str(),
                  f.a, f.b, f.lambda, rec);
      if (kind_files.find("flow") == std::string::npos) kind_files += ", flow_curves.csv";
    } else {
      std::printf("stock %-10s a %.6g, b %.6g, mu %.6g, sigma %.6g (units are not allocated)\n",
                  f.name.c_str(), f.a, f.b, f.mu, std::sqrt(f.sigma2));
      if (kind_files.find("stock") == std::string::npos) kind_files += ", stock_curves.csv";
    }
  }
  if (!r.kind_inputs.empty()) {
    std::printf(
        "flow/stock fit: residual sd %.6g, in-sample band coverage ±1σ %.1f%%, ±2σ "
        "%.1f%%, ±3σ %.1f%%\n",
        std::sqrt(r.kinds.sigma_eps2), 100 * r.kinds.coverage[0], 100 * r.kinds.coverage[1],
        100 * r.kinds.coverage[2]);
  }
  std::printf("allocation%s: weekly budget %.6g, predicted lift %+.6g (%+.2f%%)\n",
              r.options.conservative ? " (conservative: lower bands)" : "", r.allocation.budget,
              r.allocation.lift, r.allocation.lift_percent);
  std::printf(
      "wrote %s (model_results.csv, response_curves.csv, budget_allocation.csv, cv_folds.csv, "
      "decomposition.csv, search_trace.csv%s, model.json) in %.2f s\n",
      out_dir.c_str(), kind_files.c_str(), r.seconds_total);
}

void print_segment_summary(const SegmentReport& r, const std::string& out_dir) {
  const int S = r.problem.count(), C = r.problem.channels();
  std::printf("data: %s — %d segments (%s), %ld rows, %d channels, %d controls\n",
              r.data.source.c_str(), S, r.data.names.front().c_str(), r.problem.total_rows(), C,
              r.problem.parameters() - C);
  if (r.searched) {
    std::printf("search: %ld evaluations in %.3f s on %s, best loss %.6g\n", r.search.evaluations,
                r.seconds_search, r.backend.c_str(), r.search.best_loss);
  } else {
    std::printf("hyperparameters: fixed from %s (no search)\n",
                r.options.hyperparameters_path.c_str());
  }
  std::printf(
      "fit: pooling %s (lambda %.6g, global %.6g, segment %.6g), loss %.6g, pooled R² %.4f\n",
      pooling_name(r.problem.pooling), r.problem.penalties.lambda,
      r.problem.penalties.lambda_global, r.problem.penalties.lambda_segment, r.fit.loss,
      r.fit.r2_pooled);
  if (r.options.per_segment_hyperparameters) {
    std::printf(
        "per-segment hyperparameters: %ld evaluations in %.3f s, loss %.6g with shared ones → "
        "%.6g (%s)\n",
        r.segment_search_evaluations, r.seconds_segment_search, r.shared_loss, r.fit.loss,
        r.hyper_stride != 0 ? "kept" : "not lower: shared ones kept");
  } else if (r.hyper_stride != 0) {
    std::printf("per-segment hyperparameters: fixed from %s\n",
                r.options.hyperparameters_path.c_str());
  }
  if (r.cv.skipped) {
    std::printf("cv: skipped (no segment has --cv-train + --cv-test = %d rows)\n",
                r.options.cv.train + r.options.cv.test);
  } else if (r.cv.scored_folds() == 0) {
    std::printf("cv: every fold had a singular fit; no CV figures\n");
  } else {
    std::printf(
        "cv: MAPE %.2f%% ± %.2f%% over %d folds (pooled over segments; per segment in "
        "cv_folds.csv)\n",
        100 * r.cv.mape(), 100 * r.cv.mape_stdev(), r.cv.scored_folds());
  }
  if (!r.problem.penalties.global_columns.empty()) {
    std::string list;
    for (int c : r.problem.penalties.global_columns)
      list += (list.empty() ? "" : ", ") + r.data.segments[0].channels[c];
    std::printf("global channels (one coefficient in every segment): %s\n", list.c_str());
  }
  const int level = static_cast<int>(std::lround(100 * r.options.ci));
  // With per-segment hyperparameters the columns show the shared ones (what a new segment uses).
  std::printf("%-22s %9s %23s %9s %7s %7s %6s %12s\n", "channel (all segments)", "ROI",
              (std::to_string(level) + "% CI").c_str(), "mROI", "pooling", "theta", "alpha",
              "gamma");
  for (int c = 0; c < C; ++c) {
    const ChannelHyper& h = r.hyperparameters.channels[c];
    const SegmentChannel& g = r.global[c];
    char ci[64] = "(no bootstrap)";
    if (r.bootstrapped)
      std::snprintf(ci, sizeof ci, "[%.3f, %.3f]%s", g.roi_lower, g.roi_upper,
                    g.significant ? " *" : "");
    std::printf("%-22s %9.3f %23s %9.3f %7.3f %7.3f %6.3f %12.6g\n",
                r.data.segments[0].channels[c].c_str(), g.roi, ci, g.marginal_roi,
                r.pooling_factor[c], h.theta, h.alpha, h.gamma);
  }
  std::printf(
      "wrote %s (model_results.csv, segment_performance.csv, response_curves.csv, "
      "budget_allocation.csv, cv_folds.csv, decomposition.csv, search_trace.csv, model.json) "
      "in %.2f s\n",
      out_dir.c_str(), r.seconds_total);
}

std::vector<std::pair<std::string, std::string>> parse_filter(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : split_list(text)) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      throw InputError("invalid --segment-filter `" + item + "`; expected column=value[,…]");
    }
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

/// report.html from the files this run just wrote (before commit, so it joins the set).
void add_report(OutputDir& out, const std::string& chartjs_file) {
  const std::string label = (std::filesystem::path(out.path()) / "model.json").string();
  const nlohmann::json model = parse_json_text(out.written("model.json").value(), label);
  out.add("report.html",
          fit_report_html(
              model, label, [&out](const std::string& name) { return out.written(name); },
              chartjs_file));
}

int run_segments(const FitOptions& o, OutputDir& out, bool json, bool report,
                 const std::vector<std::string>& alias_notices) {
  const SegmentReport r = run_segment_fit(o);
  write_segment_outputs(r, out);
  if (report) add_report(out, chartjs_path());
  out.commit();
  if (!o.quiet) {
    for (const auto& n : alias_notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    for (const auto& n : r.notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
  }
  // Warnings are about the result, not progress: printed even with --quiet.
  for (const auto& d : r.diagnostics) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  if (json) {
    std::printf("%s\n", segment_summary_json(r, o.out_dir).dump().c_str());
  } else {
    print_segment_summary(r, o.out_dir);
    if (report) std::printf("report: %s/report.html\n", o.out_dir.c_str());
  }
  return 0;
}

}  // namespace

Runner add_fit_command(CLI::App& app) {
  auto f = std::make_shared<FitFlags>();
  FitFlags& F = *f;
  app.add_option("--config", F.config, "TOML config (SPEC §11); flags override it")
      ->check(CLI::ExistingFile);
  flag<std::string>(
      app, F, "--data", F.o.data_path, [](FitOptions& o, const std::string& v) { o.data_path = v; },
      "wide CSV: a date column, a KPI column, spend columns, optional controls");
  flag<std::string>(
      app, F, "--date-col", F.o.columns.date_column,
      [](FitOptions& o, const std::string& v) { o.columns.date_column = v; },
      "date column (default: first of date, week_start, week, … found, any case)");
  flag<std::string>(
      app, F, "--kpi-col", F.o.columns.kpi_column,
      [](FitOptions& o, const std::string& v) { o.columns.kpi_column = v; },
      "KPI column (default: first of revenue, kpi, sales, y, … found, any case)");
  flag<std::string>(
      app, F, "--channels", F.channels,
      [](FitOptions& o, const std::string& v) { o.columns.channels = split_list(v); },
      "spend columns a,b,… (default: every other numeric column)");
  flag<std::string>(
      app, F, "--controls", F.controls,
      [](FitOptions& o, const std::string& v) { o.columns.controls = split_list(v); },
      "user control columns a,b,… (added to trend, seasonality and quarter flags)");
  flag<std::string>(
      app, F, "--out", F.o.out_dir, [](FitOptions& o, const std::string& v) { o.out_dir = v; },
      "output folder (created if missing; files replaced atomically)");
  // "Budget" reads as money to a marketer: the search sizes are --evaluations and
  // --nested-evaluations; the old names stay as aliases that say so.
  flag<long>(
      app, F, "--evaluations", F.o.budget, [](FitOptions& o, const long& v) { o.budget = v; },
      "search evaluations per trial, a search size, not money (default 2000; 500 with "
      "--reference)");
  flag<long>(
      app, F, "--budget", F.budget_alias, [](FitOptions& o, const long& v) { o.budget = v; },
      "old name of --evaluations");
  flag<double>(
      app, F, "--revenue-per-kpi", F.o.revenue_per_kpi,
      [](FitOptions& o, const double& v) { o.revenue_per_kpi = v; },
      "money per unit of the KPI (e.g. revenue per conversion): contributions and ROI in money "
      "(default 1: the KPI is money)");
  flag<int>(
      app, F, "--trials", F.o.trials, [](FitOptions& o, const int& v) { o.trials = v; },
      "independent searches, each of --evaluations evaluations; their ROI spread is reported "
      "(default 1)");
  flag<std::string>(
      app, F, "--objective", F.o.objective,
      [](FitOptions& o, const std::string& v) { o.objective = v; },
      "rsq (the lowest loss; default) | cv (the lowest out-of-sample error over the rolling CV "
      "folds) | pareto (a model on the NRMSE × DECOMP.RSSD front, pareto.csv)");
  flag<std::string>(
      app, F, "--select", F.o.select, [](FitOptions& o, const std::string& v) { o.select = v; },
      "how the model is chosen among the trials: loss | cv (lowest rolling-CV MAPE)");
  flag<int>(
      app, F, "--population", F.o.population, [](FitOptions& o, const int& v) { o.population = v; },
      "differential-evolution population (default 30)");
  flag<int>(
      app, F, "--bootstrap", F.o.bootstrap, [](FitOptions& o, const int& v) { o.bootstrap = v; },
      "bootstrap resamples for the CIs (default 100; 0 skips)");
  flag<long>(
      app, F, "--nested-evaluations", F.o.nested_budget,
      [](FitOptions& o, const long& v) { o.nested_budget = v; },
      "nested bootstrap: re-run the search with this many evaluations in every resample "
      "(default 300 when searching; 0 = hyperparameters fixed, the --reference bootstrap)");
  flag<long>(
      app, F, "--nested-budget", F.nested_budget_alias,
      [](FitOptions& o, const long& v) { o.nested_budget = v; },
      "old name of --nested-evaluations");
  flag<int>(
      app, F, "--block-length", F.o.block_length,
      [](FitOptions& o, const int& v) { o.block_length = v; },
      "moving-block bootstrap: resample blocks of this many consecutive rows (default 1 = "
      "i.i.d. rows; 1 to T/2)");
  flag<double>(
      app, F, "--ci", F.o.ci, [](FitOptions& o, const double& v) { o.ci = v; },
      "confidence level of the bootstrap intervals (default 0.90)");
  flag<double>(
      app, F, "--ridge-lambda", F.o.ridge_lambda,
      [](FitOptions& o, const double& v) {
        o.ridge_lambda = v;
        o.ridge_lambda_explicit = true;
      },
      "ridge penalty λ (default 1; 10 with --reference; with --hyperparameters, the file's λ "
      "unless given)");
  flag<int>(
      app, F, "--cv-train", F.o.cv.train, [](FitOptions& o, const int& v) { o.cv.train = v; },
      "CV training window in rows (default 52)");
  flag<int>(
      app, F, "--cv-test", F.o.cv.test, [](FitOptions& o, const int& v) { o.cv.test = v; },
      "CV test window in rows (default 13)");
  flag<int>(
      app, F, "--cv-step", F.o.cv.step, [](FitOptions& o, const int& v) { o.cv.step = v; },
      "CV window step in rows (default 13)");
  flag<double>(
      app, F, "--budget-change-limit", F.o.budget_change_limit,
      [](FitOptions& o, const double& v) { o.budget_change_limit = v; },
      "max change per channel in the allocation, as a fraction (default 0.30)");
  flag<std::string>(
      app, F, "--hyperparameters", F.o.hyperparameters_path,
      [](FitOptions& o, const std::string& v) { o.hyperparameters_path = v; },
      "JSON with fixed theta/alpha/gamma per channel (or a model.json): no search");
  flag<std::string>(
      app, F, "--init-from", F.o.init_from_path,
      [](FitOptions& o, const std::string& v) { o.init_from_path = v; },
      "sweep_top.csv of `mmm sweep`: its best rows start the search's population");
  flag<std::uint64_t>(
      app, F, "--seed", F.o.seed, [](FitOptions& o, const std::uint64_t& v) { o.seed = v; },
      "random seed (search and bootstrap; default 1)")
      ->check(CLI::NonNegativeNumber);
  flag<std::string>(
      app, F, "--device", F.o.device, [](FitOptions& o, const std::string& v) { o.device = v; },
      "auto | cpu | cuda | cuda:N (default auto)");
  flag<int>(
      app, F, "--threads", F.o.threads, [](FitOptions& o, const int& v) { o.threads = v; },
      "CPU threads (default: all hardware threads)");
  app.add_flag("--conservative", F.conservative,
               "allocate the budget on each channel's lower band (bootstrap), not its mean");
  app.add_flag("--deseasonalize", F.deseasonalize,
               "fit flow/stock channels on the KPI cleaned of its SIN/COS seasonality");
  flag<std::string>(
      app, F, "--segments", F.segments,
      [](FitOptions& o, const std::string& v) { o.columns.segments = split_list(v); },
      "segment columns a,b,… of a long CSV (one row per period and segment; SPEC §9)");
  flag<std::string>(
      app, F, "--pooling", F.o.pooling, [](FitOptions& o, const std::string& v) { o.pooling = v; },
      "with --segments: none | complete | partial (default partial)");
  flag<double>(
      app, F, "--lambda-global", F.o.lambda_global,
      [](FitOptions& o, const double& v) { o.lambda_global = v; },
      "with --segments: penalty on the global coefficients (default: --ridge-lambda)")
      ->check(CLI::PositiveNumber);
  flag<double>(
      app, F, "--lambda-segment", F.o.lambda_segment,
      [](FitOptions& o, const double& v) { o.lambda_segment = v; },
      "with --segments: penalty on segment minus global coefficients (default 10 × "
      "--ridge-lambda)")
      ->check(CLI::PositiveNumber);
  flag<std::string>(
      app, F, "--global-channels", F.global_channels,
      [](FitOptions& o, const std::string& v) { o.global_channels = split_list(v); },
      "with --segments: channels a,b,… with one coefficient shared by every segment");
  app.add_flag("--per-segment-hyperparameters", F.per_segment_hyperparameters,
               "with --segments: after the shared search, search each segment's own theta, "
               "alpha, gamma");
  flag<long>(
      app, F, "--segment-budget", F.o.segment_budget,
      [](FitOptions& o, const long& v) { o.segment_budget = v; },
      "with --per-segment-hyperparameters: evaluations per segment (default 1000)");
  flag<double>(
      app, F, "--segment-shrinkage", F.o.segment_shrinkage,
      [](FitOptions& o, const double& v) { o.segment_shrinkage = v; },
      "with --per-segment-hyperparameters: pull of each segment's theta/alpha/gamma toward the "
      "shared ones (0: none)");
  flag<std::string>(
      app, F, "--segment-filter", F.segment_filter,
      [](FitOptions& o, const std::string& v) { o.segment_filter = parse_filter(v); },
      "with --segments: report only segments with column=value[,…] (all must match)");
  app.add_flag("--reference", F.o.reference,
               "the reference pipeline: gamma as a fraction of max spend, unconstrained ridge "
               "with the negative-coefficient penalty (scikit-learn parity)");
  app.add_flag("--quiet", F.o.quiet, "no progress bars or notices on stderr");
  app.add_flag("--json", F.json, "print one JSON summary object on stdout");
  app.add_flag("--report", F.report,
               "also write report.html, the fit's charts in one offline page (needs Debian "
               "libjs-chart.js)");
  return [f] {
    FitFlags& F = *f;
    FitOptions o;
    if (!F.config.empty()) apply_config_file(F.config, o);
    // Notices of old flag names join the run's notices (printed after it succeeds, so an
    // input error stays the one line on stderr).
    std::vector<std::string> alias_notices;
    for (const auto& [name, old] :
         {std::pair<const char*, const char*>{"--evaluations", "--budget"},
          {"--nested-evaluations", "--nested-budget"}}) {
      if (F.given(name) && F.given(old))
        throw InputError(std::string(old) + " is the old name of " + name + "; give one of them");
      if (F.given(old)) {
        alias_notices.push_back(std::string(old) + " is now " + name +
                                " (a number of search evaluations, not money)");
      }
    }
    for (auto& [opt, apply] : F.overrides) {
      if (opt->count() > 0) apply(o);
    }
    o.quiet = F.o.quiet;
    if (F.given("--budget")) o.budget_flag = "--budget";
    if (F.given("--nested-budget")) o.nested_budget_flag = "--nested-budget";
    // -1 is the "not given" value internally; given explicitly, any negative is an error.
    if ((F.given("--nested-evaluations") || F.given("--nested-budget")) && o.nested_budget < 0) {
      throw InputError("invalid " + o.nested_budget_flag + " " + std::to_string(o.nested_budget) +
                       ": expected ≥ 0 evaluations per resample (0: plain bootstrap)");
    }
    if (F.o.reference) o.reference = true;
    o = resolved_fit_options(o);
    if (F.conservative) o.conservative = true;
    if (F.deseasonalize) o.deseasonalize = true;
    if (F.per_segment_hyperparameters) o.per_segment_hyperparameters = true;
    if (o.data_path.empty())
      throw InputError("mmm fit: --data is required (or [data] path in --config)");
    if (o.out_dir.empty())
      throw InputError("mmm fit: --out is required (or [run] out in --config)");
    OutputDir out(o.out_dir,
                  fit_output_files());  // checked before the work, so a bad --out fails fast
    // Chart.js too: a machine without it fails now, not after the search.
    if (F.report) read_chartjs(chartjs_path());
    if (!o.columns.segments.empty()) {
      // Features built for single-market fits that the segmented pipeline does not carry yet:
      // refuse them rather than silently ignore them.
      if (o.nested_budget > 0)
        throw InputError(o.nested_budget_flag + " is not supported with --segments");
      if (o.block_length != 1) throw InputError("--block-length is not supported with --segments");
      if (!o.init_from_path.empty())
        throw InputError("--init-from is not supported with --segments");
      if (!o.kinds.empty())
        throw InputError("flow/stock channel kinds are not supported with --segments");
      if (o.conservative || o.deseasonalize)
        throw InputError("--conservative and --deseasonalize are not supported with --segments");
      if (o.revenue_per_kpi != 1.0)
        throw InputError("--revenue-per-kpi is not supported with --segments");
      if (o.objective != "rsq")
        throw InputError("--objective " + o.objective + " is not supported with --segments");
      return run_segments(o, out, F.json, F.report, alias_notices);
    }
    for (const char* name : {"--pooling", "--lambda-global", "--lambda-segment", "--segment-filter",
                             "--global-channels", "--segment-budget", "--segment-shrinkage"}) {
      if (F.given(name)) throw InputError(std::string(name) + " needs --segments");
    }
    if (F.per_segment_hyperparameters)
      throw InputError("--per-segment-hyperparameters needs --segments");
    if (o.pooling != "partial" || o.lambda_global > 0 || o.lambda_segment > 0 ||
        !o.global_channels.empty() || o.per_segment_hyperparameters ||
        o.segment_budget != FitOptions().segment_budget ||
        o.segment_shrinkage != FitOptions().segment_shrinkage) {
      throw InputError(
          "config: [segments] pooling/lambda_global/lambda_segment/global_channels/"
          "per_segment_hyperparameters/segment_budget/segment_shrinkage need [segments] columns "
          "(or --segments)");
    }
    const FitReport r = run_fit(o);
    write_fit_outputs(r, out);
    if (F.report) add_report(out, chartjs_path());
    out.commit();
    if (!o.quiet) {
      for (const auto& n : alias_notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
      for (const auto& n : r.notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    }
    // Warnings are about the result, not progress: --quiet keeps them.
    for (const auto& d : r.diagnostics) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
    if (F.json) {
      std::printf("%s\n", fit_summary_json(r, o.out_dir).dump().c_str());
    } else {
      print_summary(r, o.out_dir);
      if (F.report) std::printf("report: %s/report.html\n", o.out_dir.c_str());
    }
    return 0;
  };
}

}  // namespace mmm::cli
