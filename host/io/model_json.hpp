#pragma once
// Reading a model.json back (mmm predict, mmm compare, --hyperparameters): every field a reader
// needs is looked up through these helpers, which name the missing or mistyped key (exit 2)
// instead of reading a null out of a const json (undefined behaviour), and the file's
// format_version is checked so a model written by a newer program is refused, not misread.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmm {

/// The model.json layout this program writes. Raise it when a reader of the old layout would
/// misread the new one; a file without `format_version` is version 1.
constexpr int kModelFormatVersion = 1;

/// InputError when `model.format_version` is not an integer, or is above kModelFormatVersion.
void check_model_format_version(const nlohmann::json& model, const std::string& source);

/// `parent[key]`; InputError naming `source` and the dotted path (`parent_path.key`) when
/// `parent` is not an object or has no such key.
const nlohmann::json& model_field(const nlohmann::json& parent, const std::string& key,
                                  const std::string& source, const std::string& parent_path = "");

/// The value at `path` (for messages) as a string, a finite number, a list of strings or a
/// list of finite numbers; InputError naming source, path and an excerpt of the value otherwise.
std::string model_string(const nlohmann::json& v, const std::string& source,
                         const std::string& path);
double model_number(const nlohmann::json& v, const std::string& source, const std::string& path);
std::vector<std::string> model_strings(const nlohmann::json& v, const std::string& source,
                                       const std::string& path);
std::vector<double> model_numbers(const nlohmann::json& v, const std::string& source,
                                  const std::string& path);

}  // namespace mmm
