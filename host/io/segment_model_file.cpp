#include "host/io/segment_model_file.hpp"

#include "host/common/errors.hpp"
#include "host/io/hyperparameters_file.hpp"

namespace mmm {

SegmentModelFile segment_model_from_json(const nlohmann::json& j, const std::string& path,
                                         const std::vector<std::string>& channels) {
  SegmentModelFile out;
  // A segmented model.json keeps segments under "segment_coefficients"; the truth file of
  // `mmm simulate --segments` under "segment_truth" (a refit at the true transforms).
  if (!j.is_object()) return out;
  const char* key = j.contains("segment_coefficients") ? "segment_coefficients" : "segment_truth";
  if (!j.contains(key)) return out;
  out.segmented = true;
  if (j.contains("global_channels")) {
    const nlohmann::json& g = j.at("global_channels");
    if (!g.is_array()) throw InputError(path + ": `global_channels` must be an array of names");
    for (const nlohmann::json& name : g) {
      if (!name.is_string())
        throw InputError(path + ": `global_channels` holds `" + json_excerpt(name) +
                         "`; expected names");
      out.global_channels.push_back(name.get<std::string>());
    }
  }
  const nlohmann::json& segs = j.at(key);
  if (!segs.is_object()) throw InputError(path + ": `" + key + "` must be an object");
  for (const auto& [name, seg] : segs.items()) {
    if (seg.is_object() && seg.contains("hyperparameters")) {
      out.per_segment[name] =
          hyperparameters_from_json(seg, path + ": segment `" + name + "`", channels);
    }
  }
  return out;
}

}  // namespace mmm
