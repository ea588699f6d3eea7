#pragma once
// The cells of a data table as numbers (SPEC §3): decimal, finite, of bounded magnitude; spend
// ≥ 0 with empty cells 0; KPI cells required; control cells by the --missing-controls policy.
// A bad cell is one InputError naming file, line, column, value and what was expected.

#include <Eigen/Core>
#include <string>

#include "host/data/csv_table.hpp"
#include "host/data/missing_controls.hpp"

namespace mmm {

/// The largest magnitude a KPI, spend or control cell may have. Far above any weekly revenue
/// or spend (a quadrillion), and small enough that sums and squares over many years of rows
/// stay finite in float64, so no output can hold inf or nan because of one cell.
constexpr double kMaxCellMagnitude = 1e15;

enum class ParsedCell { kOk, kEmpty, kNotNumber, kNotFinite, kTooLarge };

/// Parses one cell: the whole trimmed text must be a decimal number ("12abc", "1,5" and "0x10"
/// are kNotNumber); `out` holds the value when kOk (and NaN/inf when kNotFinite).
ParsedCell parse_number_cell(const std::string& raw, double& out);

/// Throws the standard bad-cell InputError for row `row` (0-based data row), column `col`.
[[noreturn]] void throw_cell_error(const CsvTable& table, std::size_t row, int col,
                                   const std::string& expected);

/// Column `col` of `table` as finite numbers of magnitude ≤ kMaxCellMagnitude. `spend`: ≥ 0,
/// and an empty cell is 0 (counted in *filled); otherwise an empty cell is an error.
Eigen::VectorXd read_number_column(const CsvTable& table, int col, bool spend, long* filled);

/// A channel's spend column (read_number_column with `spend`); a negative cell's error says
/// that spend cannot be negative and, when the column was taken as spend without being named
/// (`suggest_controls`), that a control is passed with --controls.
Eigen::VectorXd read_spend_column(const CsvTable& table, int col, long* filled,
                                  bool suggest_controls);

/// A control column: empty cells follow `policy` (counted in *filled); with
/// MissingControls::Error, or a cell the policy cannot fill, an InputError that names the cell
/// and the --missing-controls flag.
Eigen::VectorXd read_control_column(const CsvTable& table, int col, MissingControls policy,
                                    long* filled);

}  // namespace mmm
