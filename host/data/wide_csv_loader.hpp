#pragma once
// Wide CSV → validated Dataset (SPEC §3): one row per period, a date column, a KPI column,
// one spend column per channel and optional control columns.

#include <string>
#include <vector>

#include "host/data/cell_values.hpp"
#include "host/data/channel_long.hpp"
#include "host/data/csv_table.hpp"
#include "host/data/dataset.hpp"
#include "host/data/date_column.hpp"
#include "host/data/missing_controls.hpp"

namespace mmm {

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
  /// Empty: ISO 8601 dates; else the --date-format the date cells are written in.
  std::string date_format;
  /// What an empty control cell means (--missing-controls); spend and KPI are not affected.
  MissingControls missing_controls = MissingControls::Error;
  /// `--format long`: the table is channel-long warehouse data, pivoted to wide first.
  bool channel_long = false;
  ChannelLongOptions long_options;  ///< how channel-long data is pivoted
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

}  // namespace mmm
