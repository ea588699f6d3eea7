#pragma once
// Reading JSON the user hands us (hyperparameters files, model.json, sweep state) safely: only
// regular files, nesting limited to kMaxJsonDepth levels (a value nested 100,000 deep would
// otherwise overflow the stack when it is printed or destroyed), and error messages that quote
// a short, escaped excerpt of a bad value instead of all of it.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

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

/// Reads `v` into `out` when it is a JSON integer within T's range; false otherwise (a float
/// such as 1e25 or 3.5, an out-of-range integer, any other value). nlohmann's get<T>() would
/// convert those as a C++ cast does, which is undefined behaviour for a float beyond T.
template <typename T>
bool json_integer(const nlohmann::json& v, T& out) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (v.is_number_unsigned()) {
    const std::uint64_t u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(u);
    return true;
  }
  if (!v.is_number_integer()) return false;
  const std::int64_t i = v.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (i < 0) return false;
  } else {
    if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        i > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      return false;
  }
  out = static_cast<T>(i);
  return true;
}

}  // namespace mmm
