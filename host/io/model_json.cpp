#include "host/io/model_json.hpp"

#include <cmath>

#include "host/common/errors.hpp"
#include "host/io/json_file.hpp"

namespace mmm {
namespace {

[[noreturn]] void bad_value(const nlohmann::json& v, const std::string& source,
                            const std::string& path, const std::string& expected) {
  throw InputError(source + ": `" + path + "` is `" + json_excerpt(v) + "`; expected " + expected);
}

}  // namespace

void check_model_format_version(const nlohmann::json& model, const std::string& source) {
  if (!model.is_object() || !model.contains("format_version")) return;
  const nlohmann::json& v = model.at("format_version");
  if (!v.is_number_integer() || v.get<long long>() < 1) {
    bad_value(v, source, "format_version", "a model format version ≥ 1");
  }
  if (v.get<long long>() > kModelFormatVersion) {
    throw InputError(source + ": model format_version " + std::to_string(v.get<long long>()) +
                     " was written by a newer mmm; this program reads versions up to " +
                     std::to_string(kModelFormatVersion) + " (upgrade mmm)");
  }
}

const nlohmann::json& model_field(const nlohmann::json& parent, const std::string& key,
                                  const std::string& source, const std::string& parent_path) {
  const std::string path = parent_path.empty() ? key : parent_path + "." + key;
  if (!parent.is_object()) {
    bad_value(parent, source, parent_path.empty() ? "(top level)" : parent_path, "an object");
  }
  const auto it = parent.find(key);
  if (it == parent.end()) {
    throw InputError(source + ": missing key `" + path + "`; expected a model.json of mmm fit");
  }
  return *it;
}

std::string model_string(const nlohmann::json& v, const std::string& source,
                         const std::string& path) {
  if (!v.is_string()) bad_value(v, source, path, "a string");
  return v.get<std::string>();
}

double model_number(const nlohmann::json& v, const std::string& source, const std::string& path) {
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    bad_value(v, source, path, "a finite number");
  }
  return v.get<double>();
}

std::vector<std::string> model_strings(const nlohmann::json& v, const std::string& source,
                                       const std::string& path) {
  if (!v.is_array()) bad_value(v, source, path, "an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(model_string(v[i], source, path + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::vector<double> model_numbers(const nlohmann::json& v, const std::string& source,
                                  const std::string& path) {
  if (!v.is_array()) bad_value(v, source, path, "an array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(model_number(v[i], source, path + "[" + std::to_string(i) + "]"));
  }
  return out;
}

}  // namespace mmm
