#include "host/common/errors.hpp"

#include "host/common/quoted_excerpt.hpp"

namespace mmm {

std::string cell_location(const std::string& file, long line, long column,
                          const std::string& column_name) {
  if (file == kQueryResultSource) {
    return file + ", row " + std::to_string(line) + ", column " +
           (column_name.empty() ? std::to_string(column) : "`" + column_name + "`");
  }
  std::string msg = file + ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!column_name.empty()) msg += " (column `" + column_name + "`)";
  return msg;
}

const char* row_word(const std::string& file) {
  return file == kQueryResultSource ? "row" : "line";
}

std::string cell_error_message(const std::string& file, long line, long column,
                               const std::string& column_name, const std::string& value,
                               const std::string& expected) {
  std::string msg = cell_location(file, line, column, column_name);
  msg += ": value `" + quoted_excerpt(value) + "`: expected " + expected;
  return msg;
}

}  // namespace mmm
