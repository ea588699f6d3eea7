#include "host/data/cell_values.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

[[noreturn]] void throw_parse_error(const CsvTable& t, std::size_t r, int col, ParsedCell p,
                                    const std::string& empty_expected) {
  switch (p) {
    case ParsedCell::kEmpty:
      throw_cell_error(t, r, col, empty_expected);
    case ParsedCell::kNotNumber:
      throw_cell_error(t, r, col, "a number");
    case ParsedCell::kNotFinite:
      throw_cell_error(t, r, col, "a finite number");
    case ParsedCell::kTooLarge:
    case ParsedCell::kOk:
      break;
  }
  throw_cell_error(t, r, col, "a number of magnitude at most 1e15");
}

}  // namespace

// No trimmed copy: cells are usually longer than the small-string buffer, and a heap copy per
// cell dominated loading a 300-segment file.
ParsedCell parse_number_cell(const std::string& raw, double& out) {
  const std::size_t b = raw.find_first_not_of(" \t");
  if (b == std::string::npos) return ParsedCell::kEmpty;
  const std::size_t e = raw.find_last_not_of(" \t") + 1;
  // strtod would read hexadecimal "0x10" as 16.
  if (raw.find_first_of("xX", b) < e) return ParsedCell::kNotNumber;
  char* end = nullptr;
  out = std::strtod(raw.c_str() + b, &end);
  if (end != raw.c_str() + e) return ParsedCell::kNotNumber;
  if (!std::isfinite(out)) return ParsedCell::kNotFinite;
  return std::fabs(out) <= kMaxCellMagnitude ? ParsedCell::kOk : ParsedCell::kTooLarge;
}

void throw_cell_error(const CsvTable& t, std::size_t row, int col, const std::string& expected) {
  throw InputError(cell_error_message(t.path, t.line_numbers[row], col + 1, t.header[col],
                                      t.rows[row][col], expected));
}

namespace {

Eigen::VectorXd read_numbers(const CsvTable& t, int col, bool spend, long* filled,
                             const std::string& negative_expected) {
  long ignored = 0;
  if (!filled) filled = &ignored;
  Eigen::VectorXd v(static_cast<Eigen::Index>(t.rows.size()));
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    double x = 0.0;
    const ParsedCell p = parse_number_cell(t.rows[r][col], x);
    if (p == ParsedCell::kEmpty && spend) {
      x = 0.0;
      ++*filled;
    } else if (p != ParsedCell::kOk) {
      throw_parse_error(t, r, col, p, "a number (this column may not have empty cells)");
    }
    if (spend && x < 0.0) throw_cell_error(t, r, col, negative_expected);
    v[static_cast<Eigen::Index>(r)] = x;
  }
  return v;
}

}  // namespace

Eigen::VectorXd read_number_column(const CsvTable& t, int col, bool spend, long* filled) {
  return read_numbers(t, col, spend, filled, "spend ≥ 0");
}

Eigen::VectorXd read_spend_column(const CsvTable& t, int col, long* filled, bool suggest_controls) {
  // A column of negative values is more often a control (a temperature, a price index, a
  // competitor's change) that was taken for spend than spend with a typo.
  const std::string& name = t.header[col];
  std::string expected =
      "spend ≥ 0: column `" + name + "` has negative values, and spend cannot be negative";
  if (suggest_controls) {
    expected += "; if it is a control, pass --controls " + name +
                " (or name the spend columns with --channels)";
  }
  return read_numbers(t, col, true, filled, expected);
}

Eigen::VectorXd read_control_column(const CsvTable& t, int col, MissingControls policy,
                                    long* filled) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(t.rows.size()));
  std::vector<bool> empty(t.rows.size(), false);
  long count = 0;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    double x = 0.0;
    const ParsedCell p = parse_number_cell(t.rows[r][col], x);
    if (p == ParsedCell::kEmpty && policy != MissingControls::Error) {
      empty[r] = true;
      ++count;
      x = 0.0;
    } else if (p != ParsedCell::kOk) {
      throw_parse_error(t, r, col, p,
                        "a number (a control cell may be empty only with --missing-controls "
                        "zero, ffill or mean)");
    }
    v[static_cast<Eigen::Index>(r)] = x;
  }
  if (count == 0) return v;
  const long unfilled = fill_missing_controls(v, empty, policy);
  if (unfilled >= 0) {
    throw_cell_error(t, static_cast<std::size_t>(unfilled), col,
                     policy == MissingControls::Ffill
                         ? "a number (--missing-controls ffill has no earlier value to carry "
                           "into this cell)"
                         : "a number (--missing-controls mean needs at least one value in the "
                           "column)");
  }
  if (filled) *filled += count;
  return v;
}

}  // namespace mmm
