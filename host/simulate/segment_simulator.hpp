#pragma once
// `mmm simulate --segments N`: long data (one row per week × segment) with known per-segment
// truth (SPEC §9): θ, α, γ shared by all segments, segment coefficients drawn around global
// ones, so pooled fits can be scored against the truth.

#include <cstdint>
#include <string>
#include <vector>

#include "host/simulate/simulator.hpp"

namespace mmm {

struct SegmentSimulation {
  std::vector<std::string> names;    ///< seg_01, seg_02, …
  std::vector<Simulation> segments;  ///< per segment: spend, controls, revenue and its truth
  std::vector<ChannelTruth> global;  ///< shared θ, α, γ and the global coefficients
  double spread = 0.0;               ///< sd of log(coef_s / (size_s · coef_g))
};

/// S segments of `options.weeks` weeks. Segment s has market size f_s = exp(U(−0.5, 0.5)),
/// spend rescaled so its max is f_s × the global max of each channel, coefficients
/// coef_g · f_s · exp(spread · z_s), baseline and noise scaled with its media. Deterministic
/// for a seed. Throws InputError for segments < 1 or spread < 0.
SegmentSimulation simulate_segments(const SimulationOptions& options, int segments, double spread);

/// Writes the long CSV (date, segment, channels, controls, revenue) and the truth JSON
/// (`<csv minus .csv>.truth.json`: hyperparameters, global and per-segment coefficients and
/// ROI), both atomically.
void write_segment_simulation(const SegmentSimulation& sim, const std::string& csv_path);

}  // namespace mmm
