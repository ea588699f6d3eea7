#pragma once
// Channel-long warehouse data (SPEC §3, `--format long`) → the wide table of one market: one row
// per date × channel × geo × product with SPEND and REVENUE becomes one spend column per
// composite key CHANNEL_GEO_PRODUCT, the KPI is the date's revenue, and keys whose total spend
// is under --min-spend are dropped with a notice. Every cell is checked against the long file
// (file, line, column, value), so the wide table's own validation has nothing left to find.

#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/data/dataset.hpp"
#include "host/data/wide_csv_loader.hpp"

namespace mmm {

/// A wide table and the selection that reads it, from channel-long data.
struct PivotedTable {
  CsvTable table;                    ///< date (ISO), one column per kept key, controls, KPI
  ColumnSelection selection;         ///< every role named; ISO dates
  std::vector<ChannelCode> codes;    ///< per kept key, in column order
  std::vector<std::string> notices;  ///< columns used, ignored and dropped keys (stderr)
  long filled_spend = 0;             ///< empty SPEND cells read as 0
};

/// Pivots channel-long `table` (columns found case-insensitively: the date as for wide data or
/// --date-col; CHANNEL or CHANNEL_CODE; optional GEO/GEO_CODE and PRODUCT/PRODUCT_CODE; SPEND;
/// REVENUE or --kpi-col; --controls by name, one value per date). `selection.channels`, when
/// given, names the keys to keep (no minimum-spend filter). Throws InputError naming file,
/// line, column and value for a bad cell, a duplicate (date, channel, geo, product) row, a
/// (channel, geo, product) without a row for some date, or irregular dates.
PivotedTable pivot_channel_long(const CsvTable& table, const ColumnSelection& selection);

}  // namespace mmm
