#pragma once
// What a segmented fit's model.json holds beyond its shared "hyperparameters" object, for a
// refit with `mmm fit --segments … --hyperparameters model.json`: the global channels and,
// when the model had per-segment hyperparameters, each segment's θ, α, γ. The truth file of
// `mmm simulate --segments … --segment-hyper-spread` is read the same way.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/model/hyperparameters.hpp"

namespace mmm {

struct SegmentModelFile {
  bool segmented = false;  ///< the file is a segmented fit's model.json
  std::vector<std::string> global_channels;
  /// Segment name → its own hyperparameters (empty unless the model had per-segment ones).
  std::map<std::string, Hyperparameters> per_segment;
};

/// Reads the parsed --hyperparameters file `j` (named `path` in messages; a plain one gives
/// segmented = false). Per-segment entries are checked like the shared ones: every channel,
/// θ ∈ [0, 1), α > 0, γ > 0 (exit 2 naming the file, segment and channel otherwise).
SegmentModelFile segment_model_from_json(const nlohmann::json& j, const std::string& path,
                                         const std::vector<std::string>& channels);

}  // namespace mmm
