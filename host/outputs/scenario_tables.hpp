#pragma once
// The tables of `mmm optimize` and `mmm predict --plan` (docs/scenarios.md).

#include <string>
#include <utility>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/scenarios/model_plan.hpp"
#include "host/scenarios/optimize_scenario.hpp"
#include "host/scenarios/plan_prediction.hpp"

namespace mmm {

/// budget_allocation.csv of `mmm optimize`: the fit's columns (the same cells for the same
/// plan), then LOWER_BOUND, UPPER_BOUND and BINDING (LOWER, UPPER, FIXED or empty).
std::string optimize_allocation_csv(const AllocationResult& plan);

/// budget_plans.csv: one budget_allocation table per level, each row led by its BUDGET.
std::string budget_plans_csv(const std::vector<AllocationResult>& plans);

/// budget_levels.csv: per level BUDGET, CONTRIBUTION (weekly KPI from the allocated channels),
/// its lower/upper band (coef_lower/upper × the plan's curves), ROI (contribution / budget),
/// MARGINAL_ROI (the spend-weighted mean marginal ROI of the plan's channels), LIFT over the
/// current spend's contribution, and BOUND_CHANNELS (how many sit on a limit).
std::string budget_levels_csv(const std::vector<AllocationResult>& plans,
                              const std::vector<ChannelResponse>& curves);

/// plan_predictions.csv: DATE, kpi, kpi_coef_lower/upper, kpi_pred_lower/upper, baseline, then
/// per channel <ch>_spend, <ch>_contribution, <ch>_contribution_lower/upper.
std::string plan_predictions_csv(const PlanPrediction& p);

/// plan_predictions.csv of either kind of model: a single market's as above; a segmented
/// model's with a leading SEGMENT column, each segment's rows together (the plan's order).
std::string plan_predictions_csv(const ModelPlanPrediction& m);

/// The files of an `mmm optimize` run, (name, CSV text): budget_allocation.csv, or with budget
/// levels budget_plans.csv and budget_levels.csv.
std::vector<std::pair<std::string, std::string>> optimize_tables(const OptimizeOutcome& outcome);

}  // namespace mmm
