#pragma once
// The sweep's state (SPEC §5, §10): sweep_state.json, the checkpoint --resume continues from,
// written and read back with the top-K of sweep_top.csv; and sweep_top.csv read as
// hyperparameters for `mmm fit --init-from`. The sweep's tables themselves are written by
// host/outputs/sweep_outputs, above the pipeline.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/model/hyperparameters.hpp"
#include "host/sweep/sweep_checkpoint.hpp"

namespace mmm {

/// What sweep_state.json records of the run beside its checkpoint.
struct SweepStateRun {
  std::string data_path;  ///< the data file as given (informational)
  long rows = 0;          ///< rows of the model
  bool complete = false;  ///< the whole design is done
  std::string backend;    ///< the evaluator's name
};

/// sweep_state.json's content for `checkpoint` (the top-K indices go to sweep_top.csv).
nlohmann::json sweep_state_json(const SweepCheckpoint& checkpoint, const SweepStateRun& run);

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

}  // namespace mmm
