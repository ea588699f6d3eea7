#include "cli/strict_integers.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace mmm::cli {
namespace {

// Empty when `text` is a decimal integer in the 64-bit range of its sign, else why not.
std::string decimal_integer_problem(const std::string& text, bool is_unsigned) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) ++i;
  if (i == text.size()) return "expected a decimal integer";
  std::uint64_t value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return "expected a decimal integer";
    const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return "out of range";
    }
    value = value * 10 + digit;
  }
  if (is_unsigned) {
    return negative && value != 0 ? "expected a non-negative integer" : "";
  }
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  return value > limit ? "out of range" : "";
}

}  // namespace

void require_decimal_integers(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    // The type name carries the option's own validators after a ':' ("UINT:NONNEGATIVE").
    const std::string type = opt->get_type_name().substr(0, opt->get_type_name().find(':'));
    if (type != "INT" && type != "UINT") continue;
    const bool is_unsigned = type == "UINT";
    opt->check(CLI::Validator(
        [is_unsigned](std::string& text) {
          const std::string problem = decimal_integer_problem(text, is_unsigned);
          return problem.empty() ? problem : "value " + text + ": " + problem;
        },
        "", "decimal integer"));
  }
  for (CLI::App* sub : app.get_subcommands({})) require_decimal_integers(*sub);
}

}  // namespace mmm::cli
