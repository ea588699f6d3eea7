#include "host/common/errors.hpp"

#include "host/common/quoted_excerpt.hpp"

namespace mmm {

std::string cell_error_message(const std::string& file, long line, long column,
                               const std::string& column_name, const std::string& value,
                               const std::string& expected) {
  std::string msg = file + ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!column_name.empty()) msg += " (column `" + column_name + "`)";
  msg += ": value `" + quoted_excerpt(value) + "`: expected " + expected;
  return msg;
}

}  // namespace mmm
