#pragma once
// The state of a sweep that sweep_state.json saves and --resume continues from. It lives
// below the pipeline so that the state file's reader and writer (host/io/sweep_files) need
// nothing of the pipeline that runs the sweep.

#include <cstdint>
#include <string>
#include <vector>

#include "host/model/hyperparameters.hpp"
#include "host/sweep/sweep_results.hpp"

namespace mmm {

/// A sweep's progress as saved in sweep_state.json (plus the top-K indices of sweep_top.csv):
/// enough to check that a resumed run is the same sweep and to continue it.
struct SweepCheckpoint {
  std::string design;
  std::uint64_t seed = 0;
  std::uint64_t n = 0;
  int grid_points = 0;
  long top = 0;
  double ridge_lambda = 0.0;
  std::string data_fingerprint;  ///< FNV-1a 64 of the data file's bytes, hex
  std::vector<std::string> channels;
  std::vector<std::string> controls;
  std::vector<ChannelBounds> bounds;
  bool all = false;              ///< every candidate is in sweep_all.csv.gz
  std::uint64_t next_index = 0;  ///< candidates [0, next_index) are done
  std::uint64_t failed = 0;      ///< candidates whose fit failed (loss +inf)
  double seconds = 0.0;          ///< evaluation time over every run so far
  SweepSummary summary;
  std::vector<std::uint64_t> top_indices;  ///< from sweep_top.csv, best first
  std::vector<double> top_losses;          ///< their losses as written
  std::string source;                      ///< where it was read from (messages)
};

}  // namespace mmm
