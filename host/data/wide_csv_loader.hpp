#pragma once
// Wide CSV → validated Dataset (SPEC §3): one row per period, a date column, a KPI column,
// one spend column per channel and optional control columns.

#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/data/dataset.hpp"

namespace mmm {

/// The largest magnitude a KPI, spend or control cell may have. Far above any weekly revenue
/// or spend (a quadrillion), and small enough that sums and squares over many years of rows
/// stay finite in float64, so no output can hold inf or nan because of one cell.
constexpr double kMaxCellMagnitude = 1e15;

/// Which columns of a wide table play which role. Named columns are matched exactly;
/// auto-detection (empty fields) matches case-insensitively.
struct ColumnSelection {
  /// Empty: the first of date, week_start, week, ds, time, date_week found.
  std::string date_column;
  /// Empty: the first of revenue, kpi, sales, y, conversions found.
  std::string kpi_column;
  /// Empty: every numeric, named column that is not the date, the KPI or a control;
  /// auto-detected channels with zero spend in every period are dropped with a notice.
  std::vector<std::string> channels;
  /// User control columns (may be empty).
  std::vector<std::string> controls;
  /// Segment columns (SPEC §9, `--segments`): never channels or controls. build_dataset only
  /// reserves them; load_segmented_csv groups rows by their values.
  std::vector<std::string> segments;
  /// A named channel with zero spend in every row is kept instead of being an error (one
  /// segment may not use a channel the others use).
  bool allow_all_zero_channels = false;
};

/// Reads and validates a wide CSV (SPEC §3). Throws InputError naming file, line, column and
/// value for bad input; things the user should know but that are not errors (automatic
/// choices, filled cells, dropped channels) go to Dataset::notices.
Dataset load_wide_csv(const std::string& path, const ColumnSelection& selection);

/// Same, from an already-parsed table (used by tests and by load_wide_csv).
Dataset build_dataset(const CsvTable& table, const ColumnSelection& selection);

/// The selection with every role named explicitly: the date and KPI columns found, and (when
/// `selection.channels` is empty) the auto-detected channels over the whole table, with the
/// same rules and notices as build_dataset. Dates are not validated here, so a long table
/// with one row per (date, segment) can be resolved once and split by segment afterwards.
ColumnSelection resolve_columns(const CsvTable& table, const ColumnSelection& selection,
                                std::vector<std::string>& notices);

/// Column `col` of `table` as dates: ISO 8601, strictly increasing, regularly spaced (the rules
/// of a data file's date column). InputError naming file, line, column and value.
std::vector<Date> read_date_column(const CsvTable& table, int col);

/// Column `col` of `table` as finite numbers of magnitude ≤ kMaxCellMagnitude. `spend`: ≥ 0,
/// and an empty cell is 0 (counted in *filled); otherwise an empty cell is an error.
Eigen::VectorXd read_number_column(const CsvTable& table, int col, bool spend, long* filled);

}  // namespace mmm
