#pragma once
// `mmm compare`: one metric of every channel side by side across segments of a segmented
// model.json (SPEC §9 "comparison across segments").

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmm {

/// Metrics a segmented model.json holds per segment and channel.
const std::vector<std::string>& comparison_metrics();

/// channels × (segments, then GLOBAL) values of one metric (NaN where undefined).
struct SegmentComparison {
  std::string metric;
  std::vector<std::string> channels;
  std::vector<std::string> segments;        ///< the requested segments, then "GLOBAL"
  std::vector<std::vector<double>> values;  ///< [channel][segment]
};

/// Reads the comparison from a parsed model.json (`source` names it in messages). Empty
/// `segments`: all of them. InputError (exit 2) for a model without segments, an unknown
/// segment or metric, naming the valid alternatives.
SegmentComparison compare_segments(const nlohmann::json& model, const std::string& source,
                                   const std::vector<std::string>& segments,
                                   const std::string& metric);

/// CSV text: CHANNEL, one column per segment, GLOBAL, BEST_SEGMENT (largest value).
std::string comparison_csv(const SegmentComparison& comparison);

}  // namespace mmm
