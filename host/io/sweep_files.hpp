#pragma once
// The files of `mmm sweep` (SPEC §5, §10): sweep_top.csv (the K best candidates),
// sweep_summary.csv (the loss profile along every parameter axis) and sweep_state.json (the
// checkpoint --resume continues from); reading them back for --resume and `mmm fit --init-from`.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/io/output_dir.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/pipeline/sweep_pipeline.hpp"

namespace mmm {

/// Adds sweep_top.csv, sweep_summary.csv and sweep_state.json to `out` (not yet committed).
void write_sweep_outputs(const SweepReport& report, OutputDir& out);

/// Reads the checkpoint in folder `dir` (sweep_state.json and sweep_top.csv). InputError
/// naming the file (and line, column) for a missing or malformed one.
SweepCheckpoint read_sweep_checkpoint(const std::string& dir);

/// The hyperparameters of the first `max_rows` rows of a sweep_top.csv, best first, for the
/// given data channels (every channel needs `<name>_theta`, `<name>_alpha`, `<name>_gamma`
/// columns, and the file may hold no other channel). InputError with file:line:column for a
/// bad cell.
std::vector<std::vector<ChannelHyper>> read_sweep_top(const std::string& path,
                                                      const std::vector<std::string>& channels,
                                                      int max_rows);

/// The one-object --json summary of a sweep.
nlohmann::json sweep_summary_json(const SweepReport& report, const std::string& out_dir);

}  // namespace mmm
