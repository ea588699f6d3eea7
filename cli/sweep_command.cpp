// `mmm sweep`: evaluate a large space-filling design of candidates in bounded memory, keep the
// top-K and a loss profile, checkpoint, and resume after an interruption (SPEC §5).

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/database_flags.hpp"
#include "cli/input_flags.hpp"
#include "cli/job.hpp"
#include "host/common/errors.hpp"
#include "host/common/test_hook.hpp"
#include "host/io/output_files.hpp"
#include "host/io/signal_cleanup.hpp"
#include "host/io/sweep_files.hpp"
#include "host/outputs/sweep_all_writer.hpp"
#include "host/outputs/sweep_outputs.hpp"
#include "host/pipeline/fit_config.hpp"
#include "host/pipeline/sweep_pipeline.hpp"

namespace mmm::cli {
namespace {

/// Set by SIGINT or SIGTERM; the sweep stops after the chunk in flight and writes what it
/// has. SIGTERM is what `timeout`, `docker stop` and Slurm send before they kill: without it
/// the work since the start would be lost.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free int");

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

/// Installs the SIGINT and SIGTERM handlers for its lifetime; a second signal of the same kind
/// kills the process as usual.
class StopSignalGuard {
 public:
  StopSignalGuard() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignalGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignalGuard(const StopSignalGuard&) = delete;
  StopSignalGuard& operator=(const StopSignalGuard&) = delete;

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

struct SweepFlags {
  SweepOptions o;
  std::string config, channels, controls, design = "sobol";
  std::string db, query;
  bool json = false;
  InputFlags input;
  CLI::Option *data, *date_col, *kpi_col, *channels_opt, *controls_opt, *out, *n, *lambda, *seed,
      *device, *threads;
};

void print_summary(const SweepReport& r, const std::string& out_dir) {
  std::printf("data: %s — %d rows, %d channels, %d controls\n", r.data.source.c_str(),
              r.model.rows(), r.model.channels(), r.model.control_count());
  const std::uint64_t done = r.next_index - r.start_index;
  std::printf(
      "sweep: %llu candidates (%s, seed %llu; %llu of %llu done) in %.2f s on %s, %.0f "
      "candidates/s\n",
      static_cast<unsigned long long>(done), r.checkpoint.design.c_str(),
      static_cast<unsigned long long>(r.checkpoint.seed),
      static_cast<unsigned long long>(r.next_index),
      static_cast<unsigned long long>(r.checkpoint.n), r.seconds, r.backend.c_str(),
      r.seconds > 0 ? static_cast<double>(done) / r.seconds : 0.0);
  if (!r.top.empty()) {
    std::printf("best: loss %.6g, R² %.4f (candidate %llu); top %zu kept\n", r.top.front().loss,
                r.top.front().r2, static_cast<unsigned long long>(r.top.front().index),
                r.top.size());
  }
  std::printf("wrote %s (sweep_top.csv, sweep_summary.csv, sweep_state.json)\n", out_dir.c_str());
}

}  // namespace

Runner add_sweep_command(CLI::App& app) {
  auto f = std::make_shared<SweepFlags>();
  SweepFlags& F = *f;
  app.add_option("--config", F.config,
                 "TOML config of `mmm fit` (data, model, seed, run, "
                 "channel bounds); flags override it")
      ->check(CLI::ExistingFile);
  F.data = app.add_option("--data", F.o.data_path, "wide CSV (as for `mmm fit`)");
  F.date_col = app.add_option("--date-col", F.o.columns.date_column, "date column");
  F.kpi_col = app.add_option("--kpi-col", F.o.columns.kpi_column, "KPI column");
  F.channels_opt = app.add_option("--channels", F.channels, "spend columns a,b,…");
  F.controls_opt = app.add_option("--controls", F.controls, "user control columns a,b,…");
  add_input_flags(app, F.input);
  F.out = app.add_option("--out", F.o.out_dir,
                         "output folder: sweep_top.csv, sweep_summary.csv, sweep_state.json");
  app.add_option("--design", F.design, "sobol | lhs | grid (default sobol)");
  F.n = app.add_option("--n", F.o.n, "candidates (default 100000; a grid: its size)");
  app.add_option("--top", F.o.top, "best candidates to keep (default 1000)");
  app.add_option("--grid-points", F.o.grid_points, "grid: points per axis (default 3)");
  F.lambda =
      app.add_option("--ridge-lambda", F.o.ridge_lambda, "ridge penalty λ (default 1, as mmm fit)");
  F.seed =
      app.add_option("--seed", F.o.seed, "design seed (default 1)")->check(CLI::NonNegativeNumber);
  F.device = app.add_option("--device", F.o.device, "auto | cpu | cuda | cuda:N (default auto)");
  F.threads = app.add_option("--threads", F.o.threads, "CPU threads (default: all)");
  app.add_option("--db", F.db,
                 "also append this run's tables to a results database: FILE.sqlite or "
                 "postgresql://… (docs/database.md)");
  app.add_option("--query", F.query,
                 "with --data sqlite:FILE or postgresql://…: the SELECT whose result is the data");
  app.add_flag("--all", F.o.all, "also write every candidate to sweep_all.csv.gz");
  app.add_flag("--resume", F.o.resume, "continue the sweep checkpointed in --out");
  app.add_option("--checkpoint-every", F.o.checkpoint_every,
                 "seconds between checkpoints while the sweep runs, so a kill or power cut "
                 "loses at most this much work (default 60; 0: only at the end or on "
                 "SIGINT/SIGTERM)");
  app.add_flag("--quiet", F.o.quiet, "no progress bar or notices on stderr");
  app.add_flag("--json", F.json, "print one JSON summary object on stdout");
  // For tests: simulate an interruption, and force small chunks.
  app.add_option("--stop-after", F.o.stop_after, "stop after this many candidates")->group("");
  app.add_option("--chunk", F.o.chunk, "candidates per backend call")->group("");
  return [f] {
    SweepFlags& F = *f;
    SweepOptions o = F.o;
    if (!F.config.empty()) {
      FitOptions fo;
      apply_config_file(F.config, fo);
      if (F.data->count() == 0) o.data_path = fo.data_path;
      if (F.date_col->count() == 0) o.columns.date_column = fo.columns.date_column;
      if (F.kpi_col->count() == 0) o.columns.kpi_column = fo.columns.kpi_column;
      if (F.channels_opt->count() == 0) o.columns.channels = fo.columns.channels;
      if (F.controls_opt->count() == 0) o.columns.controls = fo.columns.controls;
      if (F.out->count() == 0) o.out_dir = fo.out_dir;
      if (F.lambda->count() == 0) {
        // A sweep scores every candidate at one λ; choosing λ by CV is a fit's job.
        if (!fo.lambda_grid.empty()) {
          throw InputError(F.config + ": model.ridge_lambda \"auto\" / model.lambda_grid is for " +
                           "mmm fit; mmm sweep needs λ as a number (--ridge-lambda)");
        }
        o.ridge_lambda = fo.ridge_lambda;
      }
      // The sweep's candidates are Hill (its designs span α); a config that asks for another
      // shape is for mmm fit, and silently sweeping Hill instead would answer another question.
      if ((!fo.saturation.empty() && fo.saturation != "hill") || !fo.channel_saturation.empty()) {
        throw InputError(F.config + ": model.saturation / [channels.NAME] saturation are for mmm " +
                         "fit; mmm sweep evaluates Hill candidates");
      }
      if (F.seed->count() == 0) o.seed = fo.seed;
      if (F.device->count() == 0) o.device = fo.device;
      if (F.threads->count() == 0) o.threads = fo.threads;
      o.bounds = fo.bounds;
      o.columns.date_format = fo.columns.date_format;
      o.columns.missing_controls = fo.columns.missing_controls;
      o.columns.channel_long = fo.columns.channel_long;
      o.columns.long_options = fo.columns.long_options;
    }
    apply_input_flags(F.input, o.columns);
    if (F.channels_opt->count() > 0) o.columns.channels = split_list(F.channels);
    if (F.controls_opt->count() > 0) o.columns.controls = split_list(F.controls);
    o.design = parse_design(F.design);
    o.n_given = F.n->count() > 0;
    if (o.data_path.empty())
      throw InputError("mmm sweep: --data is required (or [data] path in --config)");
    if (o.out_dir.empty())
      throw InputError("mmm sweep: --out is required (or [run] out in --config)");
    if (o.n_given && o.n == 0) throw InputError("invalid --n 0: expected at least 1 candidate");
    if (o.top < 1 || o.top > kMaxSweepTop) {
      throw InputError("invalid --top " + std::to_string(o.top) + ": expected 1 to " +
                       std::to_string(kMaxSweepTop));
    }
    // In a job of several ranks each takes a share of the design; rank 0 alone merges, writes
    // and prints (docs/distributed.md).
    const bool root = job().is_root();
    o.communicator = &job();
    o.device = rank_device(o.device);
    o.threads = rank_threads(o.threads);
    if (!root) o.quiet = true;  // one progress bar and one set of notices: rank 0's
    std::optional<OutputDir> out_slot;
    // Checked before the work, so a bad --out fails fast.
    if (root) out_slot.emplace(o.out_dir, sweep_output_files());
    const std::unique_ptr<Database> db = root ? open_results_database(F.db) : nullptr;
    o.data_table = database_input(o.data_path, F.query);
    std::optional<SweepCheckpoint> checkpoint;
    if (o.resume) checkpoint = read_sweep_checkpoint(o.out_dir);

    // Opened at the first chunk, i.e. once the input was validated: bad input leaves nothing.
    // In a job every rank formats the rows of its chunks; rank 0 writes them in design order.
    std::unique_ptr<SweepAllWriter> all;
    SweepChunkSink sink;
    if (o.all) {
      sink.encode = [](const std::vector<std::string>& channels, std::uint64_t first, int count,
                       const double* params, const BatchResult& res) {
        const std::string rows = SweepAllWriter::format_rows(
            first, count, static_cast<int>(channels.size()), params, res);
        return Bytes(rows.begin(), rows.end());
      };
      sink.write = [&](const std::vector<std::string>& channels, const Bytes& rows) {
        if (!all) all = std::make_unique<SweepAllWriter>(*out_slot, channels, o.resume);
        all->write_rows(reinterpret_cast<const char*>(rows.data()), rows.size());
      };
    }

    // A periodic checkpoint is a whole committed set, as at the end: a run killed after it
    // resumes from there. With --all, sweep_all.csv.gz is committed up to the same candidate
    // and continued in a copy.
    // (run_sweep calls it on rank 0 only, the one with --out open.)
    const SweepCheckpointSink save_checkpoint = [&](const SweepReport& so_far) {
      OutputDir& out = *out_slot;
      write_sweep_outputs(so_far, out);
      if (all) all->commit();
      out.commit();
      if (all) all->continue_after_commit(out);
      test_hook("sweep-checkpoint");
    };

    g_stop.store(false);
    g_signal.store(0);
    SweepReport r;
    {
      StopSignalGuard guard;
      r = run_sweep(o, &g_stop, checkpoint, sink, save_checkpoint);
    }
    const int interrupted_code = g_signal.load() == SIGTERM ? 128 + SIGTERM : 130;
    if (!root) return r.interrupted ? interrupted_code : 0;
    OutputDir& out = *out_slot;
    const RemoveTemporariesOnSignal cleanup;  // a signal from here on ends the run at once
    write_sweep_outputs(r, out);
    if (all) all->commit();  // out.commit renames it with the rest of the set
    out.commit();
    if (db) {
      store_run(*db, "sweep", o.data_path, o.data_table.get(), out,
                sweep_summary_json(r, o.out_dir), o.quiet);
    }
    if (!o.quiet) {
      for (const auto& n : r.notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    }
    if (F.json) {
      std::printf("%s\n", sweep_summary_json(r, o.out_dir).dump().c_str());
    } else {
      print_summary(r, o.out_dir);
    }
    if (r.interrupted) {
      std::fprintf(stderr,
                   "notice: stopped after %llu of %llu candidates; %s holds the results so far; "
                   "run the same command with --resume to continue\n",
                   static_cast<unsigned long long>(r.next_index),
                   static_cast<unsigned long long>(r.checkpoint.n), o.out_dir.c_str());
      // 128 + the signal, as a shell reports it: 130 for Ctrl-C (and --stop-after), 143 for
      // SIGTERM.
      return interrupted_code;
    }
    return 0;
  };
}

}  // namespace mmm::cli
