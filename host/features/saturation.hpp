#pragma once
// Names of the saturation shapes (transforms.hpp's SaturationShape) as flags, config files and
// model.json spell them, and the α a channel reports when its shape does not use one.

#include <optional>
#include <string>

#include "host/features/transforms.hpp"

namespace mmm {

/// α stored and printed for a logistic channel, which has no α: a number > 0 keeps every
/// reader of θ/α/γ files working, and the channel's `saturation` says the value is unused.
constexpr double kUnusedAlpha = 1.0;

/// "hill" or "logistic".
const char* saturation_name(SaturationShape shape);

/// The shape named `text` (exactly as saturation_name spells it), or nullopt.
std::optional<SaturationShape> parse_saturation(const std::string& text);

/// parse_saturation, or InputError (exit 2) naming `where` (a flag, a config key), the value
/// and the valid names.
SaturationShape saturation_from_name(const std::string& text, const std::string& where);

}  // namespace mmm
