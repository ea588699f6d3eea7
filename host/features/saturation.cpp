#include "host/features/saturation.hpp"

#include "host/common/errors.hpp"

namespace mmm {

const char* saturation_name(SaturationShape shape) {
  return shape == SaturationShape::Logistic ? "logistic" : "hill";
}

std::optional<SaturationShape> parse_saturation(const std::string& text) {
  if (text == "hill") return SaturationShape::Hill;
  if (text == "logistic") return SaturationShape::Logistic;
  return std::nullopt;
}

SaturationShape saturation_from_name(const std::string& text, const std::string& where) {
  const std::optional<SaturationShape> shape = parse_saturation(text);
  if (!shape) {
    throw InputError("invalid " + where + " `" + text + "`; expected one of: hill, logistic");
  }
  return *shape;
}

}  // namespace mmm
