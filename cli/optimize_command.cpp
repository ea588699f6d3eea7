// `mmm optimize`: the budget allocator on a saved model (no refit), with the scenarios of
// SPEC §8: a new total budget, several budget levels, a target ROI or marginal ROI (the
// flexible budget), per-channel limits and the date window whose spend is "current"
// (docs/scenarios.md).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/io/committed_folder.hpp"
#include "host/io/json_file.hpp"
#include "host/io/output_dir.hpp"
#include "host/io/output_files.hpp"
#include "host/io/saved_model.hpp"
#include "host/outputs/scenario_tables.hpp"
#include "host/scenarios/budget_scenarios.hpp"
#include "host/scenarios/optimize_scenario.hpp"

namespace mmm::cli {

namespace {

struct OptimizeFlags {
  std::string model, out, levels, limits, window;
  double total_budget = std::nan(""), target_roi = std::nan(""), target_mroi = std::nan("");
  double change_limit = std::nan("");
  bool quiet = false;
};

void print_plan(const AllocationResult& plan, const std::string& title,
                const std::string& cadence) {
  std::printf(
      "%s: %s budget %.6g, media contribution %.6g (%+.6g, %+.3g%% against the "
      "current spend)\n",
      title.c_str(), cadence.c_str(), plan.budget, plan.contribution_recommended, plan.lift,
      plan.lift_percent);
  std::printf("%-20s %14s %14s %9s %9s %8s\n", "channel", "current", "recommended", "change%",
              "mROI", "limit");
  for (const ChannelAllocation& a : plan.channels) {
    std::printf("%-20s %14.6g %14.6g %+8.1f%% %9.3f %8s\n", a.name.c_str(), a.current_spend,
                a.recommended_spend, a.change_percent, a.marginal_roi_recommended,
                binding_limit(a));
  }
  std::printf("%s\n", binding_summary(plan).c_str());
}

}  // namespace

Runner add_optimize_command(CLI::App& app) {
  auto f = std::make_shared<OptimizeFlags>();
  app.add_option("--model", f->model, "model.json of a single-market `mmm fit`")->required();
  app.add_option("--out", f->out, "output folder (not the model's own)")->required();
  app.add_option("--total-budget", f->total_budget,
                 "budget per period of the fitted data (weekly for weekly data) to allocate: "
                 "the unit of budget_allocation.csv's TOTAL row");
  app.add_option("--budget-levels", f->levels,
                 "comma-separated budgets per period: one plan each, and budget_levels.csv");
  app.add_option("--target-roi", f->target_roi,
                 "flexible budget: spend until the plan's average ROI falls to this");
  app.add_option("--target-mroi", f->target_mroi,
                 "flexible budget: spend until the marginal ROI falls to this");
  app.add_option("--limits", f->limits,
                 "per-channel limits: ch=LOW:HIGH (fractions of current spend) or "
                 "ch=abs:LOW:HIGH (weekly spend), comma-separated");
  app.add_option("--budget-change-limit", f->change_limit,
                 "±fraction every channel without a --limits entry may move (default: the fit's)");
  app.add_option("--window", f->window,
                 "START:END: the current spend is the mean over these fitted weeks (default: all)");
  app.add_flag("--quiet", f->quiet, "do not print the plan");
  return [f] {
    OptimizeRequest q;
    q.total_budget = f->total_budget;
    q.budget_levels_given = !f->levels.empty();
    if (q.budget_levels_given) q.budget_levels = split_list(f->levels);
    q.target_roi = f->target_roi;
    q.target_mroi = f->target_mroi;
    q.limits = f->limits;
    q.change_limit = f->change_limit;
    q.window = f->window;
    check_optimize_request(q);
    std::error_code ec;
    const auto model_dir = std::filesystem::path(f->model).parent_path();
    if (std::filesystem::equivalent(model_dir.empty() ? "." : model_dir, f->out, ec)) {
      throw InputError(
          "--out `" + f->out +
          "` is the model's folder; mmm optimize writes "
          "budget_allocation.csv, which would replace the fit's: choose another folder");
    }
    std::vector<std::string> notices;
    const SavedModel model =
        read_saved_model(read_committed_json(f->model, "model file", notices), f->model);
    if (!f->quiet) {
      for (const std::string& n : notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    }
    OutputDir out(f->out, optimize_output_files());
    const OptimizeOutcome r = run_optimize(model, q);
    for (const auto& [name, text] : optimize_tables(r)) out.add(name, text);
    out.commit();
    if (f->quiet) return 0;
    std::printf("%s\n", r.current_note.c_str());
    if (r.levels) {
      std::printf("%14s %14s %9s %9s %7s\n", "budget", "contribution", "ROI", "mROI", "bound");
      for (const AllocationResult& p : r.plans) {
        int bound = 0;
        double mroi = 0.0, spend = 0.0;
        for (const ChannelAllocation& a : p.channels) {
          bound += *binding_limit(a) != '\0' ? 1 : 0;
          mroi += a.marginal_roi_recommended * a.recommended_spend;
          spend += a.recommended_spend;
        }
        std::printf("%14.6g %14.6g %9.4f %9.4f %3d of %zu\n", p.budget, p.contribution_recommended,
                    plan_roi(p), spend > 0 ? mroi / spend : 0.0, bound, p.channels.size());
      }
      std::printf("wrote %s (budget_plans.csv, budget_levels.csv)\n", f->out.c_str());
      return 0;
    }
    if (!r.note.empty()) std::printf("%s\n", r.note.c_str());
    print_plan(r.plans.front(), r.title + (model.conservative ? " (conservative, as the fit)" : ""),
               cadence_name(model.dates));
    std::printf("wrote %s (budget_allocation.csv)\n", f->out.c_str());
    return 0;
  };
}

}  // namespace mmm::cli
