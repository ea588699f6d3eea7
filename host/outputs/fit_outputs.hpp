#pragma once
// Writes a fit's tables and model file (SPEC §10) into an OutputDir, and the --json summary.

#include <nlohmann/json.hpp>

#include "host/io/output_dir.hpp"
#include "host/pipeline/fit_pipeline.hpp"

namespace mmm {

/// model_results.csv, response_curves.csv, budget_allocation.csv, cv_folds.csv,
/// decomposition.csv, search_trace.csv and model.json (not yet committed).
void write_fit_outputs(const FitReport& report, OutputDir& out);

/// The plausibility warnings as a JSON array: per warning `code`, `message`, `channel` (when
/// it is about one) and its figures by name (null for NaN). model.json's `diagnostics` and the
/// --json summary's `warnings`.
nlohmann::json diagnostics_json(const std::vector<Diagnostic>& diagnostics);

/// model.json: config, hyperparameters, scaler, coefficients, metrics, backend, timings.
nlohmann::json model_json(const FitReport& report);

/// The one-object --json summary: loss, r2, cv_mape, evaluations, seconds, backend, out, …
nlohmann::json fit_summary_json(const FitReport& report, const std::string& out_dir);

}  // namespace mmm
