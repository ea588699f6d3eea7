#pragma once
// Error types the whole program shares. The CLI maps them to exit codes (SPEC §11):
// InputError → 2 (bad usage or bad input), anything else → 1.

#include <stdexcept>
#include <string>

namespace mmm {

/// A user error: bad flag, bad config key, bad data file. The message is one line that names
/// the bad value, where it came from (file:line:column, flag or key) and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A backend that was asked for but is not available in this build or on this machine
/// (e.g. `--device cuda` without a GPU). A user error: exit code 2.
class BackendUnavailable : public InputError {
 public:
  using InputError::InputError;
};

/// The `file` of a table that came from a database query (`--data sqlite:…?query=…`): its
/// cells are then located as "query result, row R, column `name`" (R counts result rows from
/// 1), not file:line:column.
constexpr const char* kQueryResultSource = "query result";

/// Where a cell is: `file:line:column (column `name`)`, or for a query result
/// `query result, row R, column `name``.
std::string cell_location(const std::string& file, long line, long column,
                          const std::string& column_name);

/// "row" for a query result, "line" for a file: how messages refer to a row's position.
const char* row_word(const std::string& file);

/// Builds the standard message for a bad cell: `file:line:column (name): value `x`: expected`.
/// `line` and `column` are 1-based as a person counts them in an editor (the header is line 1).
std::string cell_error_message(const std::string& file, long line, long column,
                               const std::string& column_name, const std::string& value,
                               const std::string& expected);

}  // namespace mmm
