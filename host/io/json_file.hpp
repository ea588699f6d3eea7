#pragma once
// Reading JSON the user hands us (hyperparameters files, model.json, sweep state) safely: only
// regular files, nesting limited to kMaxJsonDepth levels (a value nested 100,000 deep would
// otherwise overflow the stack when it is printed or destroyed), and error messages that quote
// a short, escaped excerpt of a bad value instead of all of it.

#include <nlohmann/json.hpp>
#include <string>

namespace mmm {

/// The deepest nesting of arrays and objects a JSON input may have. model.json needs 4.
constexpr int kMaxJsonDepth = 64;

/// The longest excerpt (bytes, before "…") json_excerpt quotes.
constexpr std::size_t kMaxJsonExcerpt = 60;

/// Parses JSON text; InputError (exit 2) naming `source` when it is not valid JSON or nests
/// deeper than kMaxJsonDepth.
nlohmann::json parse_json_text(const std::string& text, const std::string& source);

/// Reads and parses a JSON file (a regular file only); InputError (exit 2) naming `what` and the
/// path when it cannot be opened, is not a regular file, or parse_json_text refuses it.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

/// `value` as compact JSON with non-ASCII escaped, cut to kMaxJsonExcerpt bytes plus "…":
/// what an error message quotes.
std::string json_excerpt(const nlohmann::json& value);

}  // namespace mmm
