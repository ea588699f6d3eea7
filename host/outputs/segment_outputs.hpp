#pragma once
// Writes a segmented fit (SPEC §9–10) into an OutputDir: model_results.csv with one row per
// segment × channel plus the GLOBAL rows, segment_performance.csv, search_trace.csv, the
// analysis tables of segment_tables.hpp (response curves, budget allocation, CV folds,
// decomposition) and model.json with the segments, the pooling, per-segment coefficients,
// pooling factors and CV MAPE.

#include <nlohmann/json.hpp>
#include <string>

#include "host/io/output_dir.hpp"
#include "host/segments/segment_pipeline.hpp"

namespace mmm {

/// Adds the tables and model.json to `out` (not yet committed).
void write_segment_outputs(const SegmentReport& report, OutputDir& out);

/// model.json of a segmented fit. Its "hyperparameters" object is a valid --hyperparameters.
nlohmann::json segment_model_json(const SegmentReport& report);

/// The one-object --json summary.
nlohmann::json segment_summary_json(const SegmentReport& report, const std::string& out_dir);

}  // namespace mmm
