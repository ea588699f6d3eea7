#pragma once
// Long CSV with segment columns → one validated Dataset per segment (SPEC §3, §9): one row per
// (period, segment); every distinct combination of the segment columns' values is a segment.

#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/data/dataset.hpp"
#include "host/data/wide_csv_loader.hpp"

namespace mmm {

/// The segments of one file, sharing one channel and control selection.
struct SegmentedData {
  std::string source;                ///< file the data came from
  std::vector<std::string> columns;  ///< segment columns (the --segments list)
  std::vector<std::string> names;    ///< segment names: the values joined by "|", file order
  std::vector<std::vector<std::string>> values;  ///< per segment, one value per segment column
  std::vector<Dataset> segments;     ///< per segment, dates strictly increasing and regular
  std::vector<std::string> notices;  ///< automatic choices, filled cells (stderr)

  int count() const { return static_cast<int>(segments.size()); }
  /// Rows over all segments.
  long total_rows() const;
};

/// Reads a long CSV and splits it by `selection.segments` (at least one column). Channels are
/// detected once over the whole file (segment columns excluded), so every segment has the
/// same channels and controls; a channel may be all zero inside one segment. Each segment's
/// dates must satisfy the single-table rules (no duplicate, strictly increasing, one regular
/// step), and every segment must have the same step. Throws InputError naming file, line,
/// column and value (exit 2).
SegmentedData load_segmented_csv(const std::string& path, const ColumnSelection& selection);

/// Same, from an already-parsed table.
SegmentedData build_segmented_data(const CsvTable& table, const ColumnSelection& selection);

}  // namespace mmm
