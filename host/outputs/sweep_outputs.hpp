#pragma once
// The files of `mmm sweep` (SPEC §5, §10): sweep_top.csv (the K best candidates),
// sweep_summary.csv (the loss profile along every parameter axis) and the checkpoint
// sweep_state.json (written by host/io/sweep_files, which also reads it back for --resume),
// and the sweep's --json summary.

#include <nlohmann/json.hpp>
#include <string>

#include "host/io/output_dir.hpp"
#include "host/pipeline/sweep_pipeline.hpp"

namespace mmm {

/// Adds sweep_top.csv, sweep_summary.csv and sweep_state.json to `out` (not yet committed).
void write_sweep_outputs(const SweepReport& report, OutputDir& out);

/// The one-object --json summary of a sweep.
nlohmann::json sweep_summary_json(const SweepReport& report, const std::string& out_dir);

}  // namespace mmm
