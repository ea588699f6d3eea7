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

namespace mmm::cli {

namespace {

struct OptimizeFlags {
  std::string model, out, levels, limits, window;
  double total_budget = std::nan(""), target_roi = std::nan(""), target_mroi = std::nan("");
  double change_limit = std::nan("");
  bool quiet = false;
};

double parse_amount(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0.0) {
    throw InputError(flag + ": `" + text +
                     "` is not a budget; expected a number ≥ 0 (spend per period of the model's "
                     "data)");
  }
  return v;
}

std::pair<Date, Date> parse_window(const std::string& text) {
  const size_t colon = text.find(':');
  const auto start = parse_iso_date(text.substr(0, colon));
  const auto end =
      colon == std::string::npos ? std::nullopt : parse_iso_date(text.substr(colon + 1));
  if (!start || !end || end->days_since_epoch() < start->days_since_epoch()) {
    throw InputError("--window `" + text +
                     "`: expected START:END, two ISO dates with START ≤ END, e.g. "
                     "2023-01-02:2023-12-25");
  }
  return {*start, *end};
}

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
    const int modes = (std::isnan(f->total_budget) ? 0 : 1) + (f->levels.empty() ? 0 : 1) +
                      (std::isnan(f->target_roi) ? 0 : 1) + (std::isnan(f->target_mroi) ? 0 : 1);
    if (modes > 1) {
      throw InputError(
          "mmm optimize: give at most one of --total-budget, --budget-levels, "
          "--target-roi, --target-mroi");
    }
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
    std::vector<ChannelResponse> curves = model.responses;
    const std::string period = period_name(model.dates);
    std::string current_note = "current spend: the mean over all fitted " + period + "s";
    if (!f->window.empty()) {
      const auto [start, end] = parse_window(f->window);
      int weeks = 0;
      curves = current_spend_in_window(model, start, end, &weeks);
      current_note = "current spend: the mean over " + std::to_string(weeks) + " fitted " + period +
                     "s in " + f->window;
    }
    const double change_limit =
        std::isnan(f->change_limit) ? model.budget_change_limit : f->change_limit;
    AllocationOptions options = options_with_limits(
        curves, f->limits.empty() ? std::vector<SpendLimit>{} : parse_spend_limits(f->limits),
        change_limit);
    std::vector<std::string> written;
    if (!f->levels.empty()) {
      std::vector<AllocationResult> plans;
      for (const std::string& level : split_list(f->levels)) {
        AllocationOptions o = options;
        o.total_budget = parse_amount("--budget-levels", level);
        plans.push_back(allocate_plan(curves, o, model.conservative));
      }
      out.add("budget_plans.csv", budget_plans_csv(plans));
      out.add("budget_levels.csv", budget_levels_csv(plans, curves));
      out.commit();
      if (!f->quiet) {
        std::printf("%s\n", current_note.c_str());
        std::printf("%14s %14s %9s %9s %7s\n", "budget", "contribution", "ROI", "mROI", "bound");
        for (const AllocationResult& p : plans) {
          int bound = 0;
          double mroi = 0.0, spend = 0.0;
          for (const ChannelAllocation& a : p.channels) {
            bound += *binding_limit(a) != '\0' ? 1 : 0;
            mroi += a.marginal_roi_recommended * a.recommended_spend;
            spend += a.recommended_spend;
          }
          std::printf("%14.6g %14.6g %9.4f %9.4f %3d of %zu\n", p.budget,
                      p.contribution_recommended, plan_roi(p), spend > 0 ? mroi / spend : 0.0,
                      bound, p.channels.size());
        }
        std::printf("wrote %s (budget_plans.csv, budget_levels.csv)\n", f->out.c_str());
      }
      return 0;
    }
    AllocationResult plan;
    std::string title = "plan";
    std::string note;
    if (!std::isnan(f->target_roi) || !std::isnan(f->target_mroi)) {
      const bool roi = !std::isnan(f->target_roi);
      const FlexiblePlan flex =
          roi ? allocate_for_target_roi(curves, options, model.conservative, f->target_roi)
              : allocate_for_target_mroi(curves, options, model.conservative, f->target_mroi);
      plan = flex.plan;
      title = roi ? "target ROI plan" : "target marginal-ROI plan";
      note = (flex.reached ? "target reached: " : "target not reached: ") + flex.note;
    } else {
      if (!std::isnan(f->total_budget)) {
        if (!std::isfinite(f->total_budget) || f->total_budget < 0.0) {
          throw InputError("--total-budget " + std::to_string(f->total_budget) +
                           ": expected a budget ≥ 0 per period");
        }
        options.total_budget = f->total_budget;
      }
      plan = allocate_plan(curves, options, model.conservative);
    }
    out.add("budget_allocation.csv", optimize_allocation_csv(plan));
    out.commit();
    if (!f->quiet) {
      std::printf("%s\n", current_note.c_str());
      if (!note.empty()) std::printf("%s\n", note.c_str());
      print_plan(plan, title + (model.conservative ? " (conservative, as the fit)" : ""),
                 cadence_name(model.dates));
      std::printf("wrote %s (budget_allocation.csv)\n", f->out.c_str());
    }
    return 0;
  };
}

}  // namespace mmm::cli
