#pragma once
// One segment of a segmented fit's model.json read back as a single-market SavedModel, so
// that `mmm predict --plan` predicts a segment's plan with the same code as a single market's:
// the segment's fitted periods and spend (its adstock carries over), its coefficients and
// intercept in column units, its own θ, α, γ (per-segment or `--segment-gamma scaled` ones
// when the fit had them, else the shared ones), its residual sd and its joint bootstrap draws.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/io/saved_model.hpp"

namespace mmm {

/// Whether `model` is a segmented fit's model.json (it has `segments` and
/// `segment_coefficients`).
bool is_segmented_model(const nlohmann::json& model);

/// The fit's segment columns (config.segment_columns) and its segments' names (the columns'
/// values joined by "|", as the fit's outputs name them). InputError for mistyped fields.
struct SegmentIndex {
  std::vector<std::string> columns;
  std::vector<std::string> names;
};
SegmentIndex read_segment_index(const nlohmann::json& model, const std::string& source);

/// Segment `segment` (one of read_segment_index's names) as a SavedModel. InputError naming
/// the key for a model written before these keys existed (with the hint to refit) and for any
/// mistyped field.
SavedModel read_segment_saved_model(const nlohmann::json& model, const std::string& source,
                                    const std::string& segment);

}  // namespace mmm
