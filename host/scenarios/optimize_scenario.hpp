#pragma once
// `mmm optimize` as one library call (the CLI and the Python module share it): which plan a
// request asks for — the current total, a new total budget, several budget levels or a target
// ROI / marginal ROI — on a saved model's curves, with its limits and current-spend window
// (docs/scenarios.md). Its tables: host/outputs/scenario_tables.hpp optimize_tables.

#include <cmath>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/io/saved_model.hpp"

namespace mmm {

/// The scenario flags of `mmm optimize`, as text or NaN where not given.
struct OptimizeRequest {
  double total_budget = std::nan("");
  std::vector<std::string> budget_levels;  ///< weekly budgets, as typed (one plan each)
  bool budget_levels_given = false;        ///< levels mode (even when the list came out empty)
  double target_roi = std::nan(""), target_mroi = std::nan("");
  std::string limits;                  ///< --limits text (scenarios.hpp parse_spend_limits)
  double change_limit = std::nan("");  ///< NaN: the fit's
  std::string window;                  ///< START:END or empty (all fitted weeks)
};

struct OptimizeOutcome {
  std::string current_note;  ///< what "current spend" means in this run
  std::string title;         ///< "plan", "target ROI plan" or "target marginal-ROI plan"
  std::string note;          ///< flexible budget: whether the target was reached, else empty
  bool levels = false;       ///< one plan per --budget-levels entry
  std::vector<AllocationResult> plans;  ///< one, or one per level
  std::vector<ChannelResponse> curves;  ///< the curves planned on (current spend of the window)
};

/// InputError when more than one of total budget, levels, target ROI, target marginal ROI is
/// given (checked before anything is read).
void check_optimize_request(const OptimizeRequest& request);

/// The plan(s) and tables of `request` on `model`. InputError for a malformed level, window or
/// limit, a negative total budget, and what the allocator refuses.
OptimizeOutcome run_optimize(const SavedModel& model, const OptimizeRequest& request);

}  // namespace mmm
