// `mmm fit`: the whole pipeline on one wide CSV (issue 2 contract for flags and outputs).

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/database_flags.hpp"
#include "cli/fit_summary.hpp"
#include "cli/input_flags.hpp"
#include "cli/job.hpp"
#include "host/common/errors.hpp"
#include "host/io/json_file.hpp"
#include "host/io/output_files.hpp"
#include "host/io/signal_cleanup.hpp"
#include "host/outputs/fit_outputs.hpp"
#include "host/outputs/segment_outputs.hpp"
#include "host/pipeline/fit_config.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/report/chartjs_library.hpp"
#include "host/report/report_file.hpp"

namespace mmm::cli {
namespace {

struct FitFlags {
  FitOptions o;
  std::string config, channels, controls, segments, segment_filter, global_channels;
  std::string ridge_lambda, lambda_grid;
  std::string db, query;  // --db, --query: not in the config
  InputFlags input;       // --date-format, --missing-controls, --format long and its settings
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

std::vector<double> parse_lambda_grid(const std::string& text) {
  std::vector<double> grid;
  for (const std::string& item : split_list(text)) {
    FitOptions probe;
    if (item == "auto")
      throw InputError("invalid --lambda-grid value `auto`: expected numbers > 0");
    try {
      set_ridge_lambda(probe, item);
    } catch (const InputError&) {
      throw InputError("invalid --lambda-grid value `" + item + "`: expected numbers > 0");
    }
    grid.push_back(probe.ridge_lambda);
  }
  if (grid.empty()) throw InputError("invalid --lambda-grid: expected at least one value");
  return grid;
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

int run_segments(const FitOptions& o, std::optional<OutputDir>& out_slot, bool json, bool report,
                 Database* db, const std::vector<std::string>& alias_notices) {
  const SegmentReport r = run_segment_fit(o);
  // In a job every rank ends with the whole report; rank 0 alone holds --out and writes.
  if (!job().is_root()) return 0;
  OutputDir& out = *out_slot;
  const RemoveTemporariesOnSignal cleanup;  // SIGINT/SIGTERM while writing leave no temporary
  write_segment_outputs(r, out);
  if (report) add_report(out, chartjs_path());
  out.commit();
  if (db) {
    store_run(*db, "fit --segments", o.data_path, o.data_table.get(), out,
              segment_summary_json(r, o.out_dir), o.quiet);
  }
  print_run_messages(o.quiet, alias_notices, r.notices, r.diagnostics);
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
  add_input_flags(app, F.input);
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
  flag<std::string>(
      app, F, "--point-estimate", F.o.point_estimate,
      [](FitOptions& o, const std::string& v) { o.point_estimate = v; },
      "the transforms the model is fitted at: bagged (each channel's median theta, alpha, gamma "
      "over the nested bootstrap's searches; default when it runs) | search (the search's own "
      "choice; default otherwise)");
  flag<int>(
      app, F, "--block-length", F.o.block_length,
      [](FitOptions& o, const int& v) { o.block_length = v; },
      "moving-block bootstrap: resample blocks of this many consecutive rows (default 1 = "
      "i.i.d. rows; 1 to T/2)");
  flag<double>(
      app, F, "--ci", F.o.ci, [](FitOptions& o, const double& v) { o.ci = v; },
      "confidence level of the bootstrap intervals (default 0.90)");
  flag<std::string>(
      app, F, "--ridge-lambda", F.ridge_lambda,
      [](FitOptions& o, const std::string& v) { set_ridge_lambda(o, v); },
      "ridge penalty λ (default 1; 10 with --reference; with --hyperparameters, the file's λ "
      "unless given); auto: chosen by rolling CV among 0.1, 0.3, 1, 3, 10");
  flag<std::string>(
      app, F, "--saturation", F.o.saturation,
      [](FitOptions& o, const std::string& v) { o.saturation = v; },
      "saturation curve of every media channel: logistic (PyMC-Marketing's, half-saturated at "
      "gamma, no alpha; default) | hill (S-shaped when alpha > 1; default with --reference and "
      "--segments) | auto (the one with the lower rolling-CV out-of-sample loss); per channel: "
      "[channels.NAME] saturation in --config");
  flag<std::string>(
      app, F, "--lambda-grid", F.lambda_grid,
      [](FitOptions& o, const std::string& v) { o.lambda_grid = parse_lambda_grid(v); },
      "λ values a,b,… to choose among by rolling CV (as --ridge-lambda auto, another grid)");
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
      app, F, "--segment-gamma", F.o.segment_gamma,
      [](FitOptions& o, const std::string& v) { o.segment_gamma = v; },
      "with --segments: shared (one γ in spend units; default) | scaled (each segment's γ "
      "scaled by its largest weekly spend)");
  flag<std::string>(
      app, F, "--segment-filter", F.segment_filter,
      [](FitOptions& o, const std::string& v) { o.segment_filter = parse_filter(v); },
      "with --segments: report only segments with column=value[,…] (all must match)");
  app.add_option("--db", F.db,
                 "also append this run's tables to a results database: FILE.sqlite or "
                 "postgresql://… (docs/database.md)");
  app.add_option("--query", F.query,
                 "with --data sqlite:FILE or postgresql://…: the SELECT whose result is the data");
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
    apply_input_flags(F.input, o.columns);
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
    // In a job of several ranks the trials, bootstrap resamples and a segmented fit's searches
    // are divided among them;
    // every rank ends with the same results and rank 0 alone writes and prints
    // (docs/distributed.md).
    const bool root = job().is_root();
    o.communicator = &job();
    o.device = rank_device(o.device);
    o.threads = rank_threads(o.threads);
    if (!root) o.quiet = true;  // one progress bar and one set of notices: rank 0's
    std::optional<OutputDir> out_slot;
    // Checked before the work, so a bad --out fails fast.
    if (root) out_slot.emplace(o.out_dir, fit_output_files());
    // Chart.js too: a machine without it fails now, not after the search.
    if (F.report) read_chartjs(chartjs_path());
    const std::unique_ptr<Database> db = root ? open_results_database(F.db) : nullptr;
    o.data_table = database_input(o.data_path, F.query);
    if (o.columns.segments.empty()) {
      for (const char* name :
           {"--pooling", "--lambda-global", "--lambda-segment", "--segment-filter",
            "--global-channels", "--segment-budget", "--segment-shrinkage", "--segment-gamma"}) {
        if (F.given(name)) throw InputError(std::string(name) + " needs --segments");
      }
      if (F.per_segment_hyperparameters)
        throw InputError("--per-segment-hyperparameters needs --segments");
    }
    check_fit_mode(o);
    if (!o.columns.segments.empty()) {
      return run_segments(o, out_slot, F.json, F.report, db.get(), alias_notices);
    }
    const FitReport r = run_fit(o);
    if (!root) return 0;
    OutputDir& out = *out_slot;
    // SIGINT/SIGTERM while the files are written remove the temporaries and end the run by
    // that signal; the folder keeps its previous set.
    const RemoveTemporariesOnSignal cleanup;
    write_fit_outputs(r, out);
    if (F.report) add_report(out, chartjs_path());
    out.commit();
    if (db) {
      store_run(*db, "fit", o.data_path, o.data_table.get(), out, fit_summary_json(r, o.out_dir),
                o.quiet);
    }
    print_run_messages(o.quiet, alias_notices, r.notices, r.diagnostics);
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
