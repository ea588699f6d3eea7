#pragma once
// A data table's date column (SPEC §3): every cell a date — ISO 8601 by default, or the
// explicit --date-format — and, for a wide table, strictly increasing and regularly spaced.

#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/data/date.hpp"

namespace mmm {

/// Column `col` as dates, each cell parsed on its own (no order check): ISO 8601 when
/// `date_format` is empty, else that format (host/data/date_format.hpp). A bad cell is an
/// InputError naming file, line, column, value and the format expected; a non-ISO cell under
/// the default names the --date-format that reads the whole column when one common format does
/// (`rows_in_order`: the rows are periods in order, which tells %d/%m from %m/%d).
std::vector<Date> parse_date_cells(const CsvTable& table, int col, const std::string& date_format,
                                   bool rows_in_order);

/// Column `col` of a wide table as dates (parse_date_cells), strictly increasing and regularly
/// spaced. A repeated date's error says how to read long data (--segments COL, naming the
/// column that looks like the segment).
std::vector<Date> read_date_column(const CsvTable& table, int col,
                                   const std::string& date_format = "");

}  // namespace mmm
