#pragma once
// `mmm predict --plan` on a model.json of either kind, for the CLI and the Python module: a
// single-market fit predicts the plan as it is; a segmented fit's plan carries the fit's
// segment columns, and each segment's rows are predicted from that segment's own history,
// coefficients, θ, α, γ, residual noise and bootstrap draws (host/io/saved_segment_model).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/scenarios/plan_prediction.hpp"

namespace mmm {

/// One market's part of the plan.
struct SegmentPlanPrediction {
  std::string segment;  ///< the segment's name (values joined by "|"); "" for a single market
  PlanPrediction prediction;
};

struct ModelPlanPrediction {
  bool segmented = false;
  std::vector<SegmentPlanPrediction> parts;  ///< one per segment in the plan (file order)
  std::vector<std::string> notices;          ///< the plan's and the predictions' notices
  std::string period;                        ///< the model's cadence ("week", "day", …)
};

/// Predicts `plan` (a parsed CSV; messages name plan.path) from the parsed model.json `model`
/// (named `source`). A segmented model's plan must have the fit's segment columns, and every
/// segment in it must be one of the model's (a market that is not: `mmm predict
/// --new-segment`). InputError (exit 2) naming file, line, column and value otherwise.
ModelPlanPrediction predict_model_plan(const nlohmann::json& model, const std::string& source,
                                       const CsvTable& plan, double ci);

}  // namespace mmm
