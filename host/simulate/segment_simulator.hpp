#pragma once
// `mmm simulate --segments N`: long data (one row per week × segment) with known per-segment
// truth (SPEC §9): segment coefficients drawn around global ones and θ, α, γ shared by all
// segments (or, with --segment-hyper-spread, drawn around the global ones per segment), so
// pooled fits can be scored against the truth.

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
  double hyper_spread = 0.0;         ///< per-segment θ, α, γ spread (0: shared)
  bool gamma_scaled = false;         ///< γ_s = γ_g · f_s (saturation scales with market size)
};

/// S segments of `options.weeks` weeks. Segment s has market size f_s = exp(U(−0.5, 0.5)),
/// spend rescaled so its max is f_s × the global max of each channel, coefficients
/// coef_g · f_s · exp(spread · z_s), baseline and noise scaled with its media. Deterministic
/// for a seed. hyper_spread > 0 gives each segment its own transforms:
/// logit θ_s = logit θ_g + hyper_spread · z, α_s = α_g · exp(hyper_spread · z') clamped to
/// [0.5, 3], γ_s = γ_g · exp(hyper_spread · z'') (own random stream: the coefficient draws are
/// those of hyper_spread 0). gamma_scaled multiplies each segment's γ by its size f_s (a
/// market twice as large saturates at twice the spend; `fit --segment-gamma scaled`'s model);
/// otherwise γ is in spend units, the same in every segment. Throws InputError for
/// segments < 1 or a spread < 0.
SegmentSimulation simulate_segments(const SimulationOptions& options, int segments, double spread,
                                    double hyper_spread = 0.0, bool gamma_scaled = false);

/// Writes the long CSV (date, segment, channels, controls, revenue) and the truth JSON
/// (`<csv minus .csv>.truth.json`: hyperparameters, global and per-segment coefficients and
/// ROI), both atomically.
void write_segment_simulation(const SegmentSimulation& sim, const std::string& csv_path);

}  // namespace mmm
