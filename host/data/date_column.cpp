#include "host/data/date_column.hpp"

#include <cstdint>
#include <unordered_map>

#include "host/common/errors.hpp"
#include "host/common/quoted_excerpt.hpp"
#include "host/data/cell_values.hpp"
#include "host/data/date_format.hpp"

namespace mmm {
namespace {

std::string trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// `file:line:column (column `name`)`, the prefix every cell message starts with.
std::string where(const CsvTable& t, std::size_t row, int col) {
  return cell_location(t.path, t.line_numbers[row], col + 1, t.header[col]);
}

// What the ISO error adds: the --date-format that reads the column, when the cells say which.
std::string date_format_hint(const CsvTable& t, int col, bool rows_in_order) {
  std::vector<std::string> cells;
  cells.reserve(t.rows.size());
  for (const auto& row : t.rows) cells.push_back(trim(row[col]));
  const std::vector<std::string> formats = likely_date_formats(cells, rows_in_order);
  if (formats.size() == 1) {
    return "; the column reads as " + formats[0] + ": pass --date-format " + formats[0];
  }
  if (formats.size() > 1) {
    std::string list;
    for (std::size_t i = 0; i < formats.size(); ++i) list += (i ? " or " : "") + formats[i];
    return "; the column reads as " + list + " alike: pass the one it is with --date-format";
  }
  return "; other formats need --date-format, e.g. --date-format %d/%m/%Y";
}

// What a repeated date most often means: long data (one row per date and market) read as
// wide. The likely segment column has few distinct values (at most half as many as rows, so
// not spend) and, with the date, is a key: no (date, value) pair repeats (an event dummy or a
// control shared by the markets repeats it). A text column is preferred to a numeric one.
std::string long_data_hint(const CsvTable& t, int date_col) {
  std::size_t numeric = t.header.size();
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    if (static_cast<int>(j) == date_col) continue;
    std::unordered_map<std::string, int> values;
    std::unordered_map<std::string, int> pairs;
    bool key = true, text = false;
    for (const auto& row : t.rows) {
      ++values[row[j]];
      key = key && ++pairs[row[date_col] + '\x1f' + row[j]] == 1;
      double x = 0.0;
      text = text || parse_number_cell(row[j], x) == ParsedCell::kNotNumber;
      if (!key || values.size() > t.rows.size() / 2) break;
    }
    if (!key || values.size() < 2 || values.size() > t.rows.size() / 2) continue;
    if (text) {
      numeric = j;
      break;
    }
    if (numeric == t.header.size()) numeric = j;
  }
  if (numeric < t.header.size()) {
    return "is this long data, one row per date and `" + quoted_excerpt(t.header[numeric]) +
           "`? fit it with --segments " + quoted_excerpt(t.header[numeric]);
  }
  return "each date may appear once in wide data; for long data (one row per date and market) "
         "pass --segments COL";
}

}  // namespace

std::vector<Date> parse_date_cells(const CsvTable& t, int col, const std::string& date_format,
                                   bool rows_in_order) {
  std::vector<Date> dates;
  dates.reserve(t.rows.size());
  if (!date_format.empty()) {
    const DateFormat format = DateFormat::compile(date_format, "--date-format");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto d = format.parse(trim(t.rows[r][col]));
      if (!d) throw_cell_error(t, r, col, "a date in the --date-format " + date_format);
      dates.push_back(*d);
    }
    return dates;
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto d = parse_iso_date(trim(t.rows[r][col]));
    if (!d) {
      throw_cell_error(t, r, col,
                       "an ISO 8601 date (YYYY-MM-DD)" + date_format_hint(t, col, rows_in_order));
    }
    dates.push_back(*d);
  }
  return dates;
}

std::vector<Date> read_date_column(const CsvTable& t, int col, const std::string& date_format) {
  const std::vector<Date> dates = parse_date_cells(t, col, date_format, true);
  // Duplicates first: a repeated week is a clearer diagnosis than "not increasing".
  std::unordered_map<std::int64_t, std::size_t> seen;
  for (std::size_t r = 0; r < dates.size(); ++r) {
    const auto [it, inserted] = seen.emplace(dates[r].days_since_epoch(), r);
    if (!inserted) {
      throw InputError(where(t, r, col) + ": duplicate date `" + dates[r].to_string() +
                       "` (already on " + row_word(t.path) + " " +
                       std::to_string(t.line_numbers[it->second]) + "): " + long_data_hint(t, col));
    }
  }
  for (std::size_t r = 1; r < dates.size(); ++r) {
    if (dates[r].days_since_epoch() < dates[r - 1].days_since_epoch()) {
      throw InputError(where(t, r, col) + ": date `" + dates[r].to_string() + "` comes before `" +
                       dates[r - 1].to_string() + "` on " + row_word(t.path) + " " +
                       std::to_string(t.line_numbers[r - 1]) +
                       "; rows must be in strictly increasing date order");
    }
  }
  // Adstock and the Fourier controls assume one period per row, so gaps must be regular.
  for (std::size_t r = 2; r < dates.size(); ++r) {
    const std::int64_t first = dates[1].days_since_epoch() - dates[0].days_since_epoch();
    const std::int64_t gap = dates[r].days_since_epoch() - dates[r - 1].days_since_epoch();
    if (gap != first) {
      throw InputError(where(t, r, col) + ": date `" + dates[r].to_string() + "` is " +
                       std::to_string(gap) + " days after `" + dates[r - 1].to_string() + "` on " +
                       row_word(t.path) + " " + std::to_string(t.line_numbers[r - 1]) +
                       "; expected " + std::to_string(first) +
                       " days (the spacing of the first two rows)");
    }
  }
  return dates;
}

}  // namespace mmm
