#include "host/io/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "host/common/errors.hpp"
#include "host/common/input_file.hpp"

namespace mmm {
namespace {

// Thrown from the parser callback to stop at the first level too deep (the parser itself
// keeps its own stack on the heap, so reaching that level is safe).
struct TooDeep {
  std::size_t byte = 0;
};

}  // namespace

nlohmann::json parse_json_text(const std::string& text, const std::string& source) {
  using nlohmann::json;
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw TooDeep{};
    }
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const TooDeep&) {
    throw InputError(source + ": JSON nests deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels of arrays and objects; expected a flat configuration object");
  } catch (const json::parse_error& e) {
    throw InputError(source + ": not valid JSON (" + e.what() + ")");
  } catch (const json::out_of_range& e) {
    // A number beyond double's range (1e999) is reported as out_of_range, not parse_error
    // (found by tests/fuzz/fuzz_hyperparameters).
    throw InputError(source + ": not valid JSON (" + e.what() + ")");
  }
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  require_regular_file(path, what);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError("cannot open " + what + " `" + path + "`" +
                     (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError("cannot read " + what + " `" + path + "`: read error");
  return parse_json_text(text.str(), path);
}

std::string json_excerpt(const nlohmann::json& value) {
  std::string text =
      value.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxJsonExcerpt) text = text.substr(0, kMaxJsonExcerpt) + "…";
  return text;
}

}  // namespace mmm
