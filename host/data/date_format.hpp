#pragma once
// Dates written other than ISO 8601 (`--date-format`): an explicit strptime-like format such as
// `%d/%m/%Y`, matched strictly (the whole cell), because `03/04/2021` is March or April only by
// the writer's convention and guessing it silently would shift every week of the data.

#include <optional>
#include <string>
#include <vector>

#include "host/data/date.hpp"

namespace mmm {

/// A compiled date format: `%Y` (four digits), `%m` (month, one or two digits; two when next to
/// another directive, as in %Y%m%d), `%d` (day, likewise), `%%` (a percent sign) and literal
/// characters, each of %Y, %m, %d exactly once.
class DateFormat {
 public:
  /// Compiles `format`. InputError naming `flag` (e.g. "--date-format") for anything else, with
  /// the valid directives.
  static DateFormat compile(const std::string& format, const std::string& flag);

  /// The date when the whole of `text` matches the format and is a calendar date; else nullopt.
  std::optional<Date> parse(const std::string& text) const;

  /// The format as written.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

/// The common non-ISO formats the ISO error's hint tries: %d/%m/%Y, %m/%d/%Y, %Y%m%d, %d.%m.%Y,
/// %Y/%m/%d, %d-%m-%Y, %m-%d-%Y.
const std::vector<std::string>& common_date_formats();

/// The formats among common_date_formats() that read every one of `cells` as a date and, when
/// `in_order` (a wide file's rows), give strictly increasing, evenly spaced dates in the order
/// given. Empty when none does; more than one when the cells cannot tell them apart (every day
/// ≤ 12 reads as day or month).
std::vector<std::string> likely_date_formats(const std::vector<std::string>& cells, bool in_order);

}  // namespace mmm
