// `mmm`: Marketing Mix Modeling from the command line. Errors end here: one `error:` line on
// stderr, exit code 2 for bad usage or input, 1 for anything else (SPEC §11).

#include <cstdio>
#include <exception>
#include <map>

#include "cli/commands.hpp"
#include "cli/database_flags.hpp"
#include "cli/job.hpp"
#include "cli/strict_integers.hpp"
#include "host/common/errors.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"mmm: Marketing Mix Modeling engine (CPU + CUDA backends)", "mmm"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mmm ") + MMM_VERSION);
  std::map<CLI::App*, mmm::cli::Runner> runners;
  runners[app.add_subcommand("fit", "Fit a model: search, CV, bootstrap, curves, allocation")] = {};
  runners[app.add_subcommand(
      "sweep", "Evaluate a Sobol / Latin hypercube / grid design of candidates; keep the top-K")] =
      {};
  runners[app.add_subcommand("simulate", "Write example data with known ground truth")] = {};
  runners[app.add_subcommand("info", "Show the build's backends and visible devices")] = {};
  runners[app.add_subcommand(
      "predict",
      "Predict a spend plan for the fitted market or segments (--plan), "
      "or a market not in the data from a segmented model (--new-segment)")] = {};
  runners[app.add_subcommand(
      "optimize", "Allocate a budget on a saved model: new totals, levels, targets, limits")] = {};
  runners[app.add_subcommand("report", "Write the HTML report of a fit from its model.json")] = {};
  runners[app.add_subcommand("compare", "Compare one metric across the segments of a model")] = {};
  runners[app.add_subcommand("runs", "List the runs in a results database (--db); export one")] =
      {};
  for (auto& [sub, runner] : runners) {
    const std::string name = sub->get_name();
    runner = name == "fit"        ? mmm::cli::add_fit_command(*sub)
             : name == "sweep"    ? mmm::cli::add_sweep_command(*sub)
             : name == "simulate" ? mmm::cli::add_simulate_command(*sub)
             : name == "compare"  ? mmm::cli::add_compare_command(*sub)
             : name == "predict"  ? mmm::cli::add_predict_command(*sub)
             : name == "optimize" ? mmm::cli::add_optimize_command(*sub)
             : name == "report"   ? mmm::cli::add_report_command(*sub)
             : name == "runs"     ? mmm::cli::add_runs_command(*sub)
                                  : mmm::cli::add_info_command(*sub);
  }
  mmm::cli::require_decimal_integers(app);
  mmm::cli::set_command_line(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    std::fprintf(stderr, "run `mmm --help` or `mmm <command> --help` for usage\n");
    return 2;
  }
  try {
    for (auto& [sub, runner] : runners) {
      if (sub->parsed()) return runner();
    }
    return 2;
  } catch (const mmm::InputError& e) {
    return mmm::cli::fail(2, e.what());
  } catch (const std::exception& e) {
    return mmm::cli::fail(1, e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun or srun this process is one rank of a job (MPI_Init reads its arguments).
  mmm::cli::join_job(&argc, &argv);
  const int code = run(argc, argv);
  mmm::cli::leave_job();
  return code;
}
