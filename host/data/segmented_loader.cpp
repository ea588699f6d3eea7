#include "host/data/segmented_loader.hpp"

#include <map>
#include <set>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

int column_index(const CsvTable& t, const std::string& name) {
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    if (t.header[j] == name) return static_cast<int>(j);
  }
  std::string cols;
  for (std::size_t j = 0; j < t.header.size() && j < 40; ++j) {
    cols += (j ? ", " : "") + t.header[j];
  }
  throw InputError(t.path + ": no segment column `" + name +
                   "` (from --segments); columns are: " + cols);
}

}  // namespace

long SegmentedData::total_rows() const {
  long n = 0;
  for (const Dataset& d : segments) n += d.rows();
  return n;
}

namespace {

// Rows are moved out of `t` into the per-segment tables, so a large file is not held twice.
SegmentedData split_segments(CsvTable& t, const ColumnSelection& selection) {
  if (selection.segments.empty()) throw InputError("--segments: expected at least one column");
  SegmentedData out;
  out.source = t.path;
  out.columns = selection.segments;
  std::vector<int> seg_cols;
  for (const std::string& name : selection.segments) seg_cols.push_back(column_index(t, name));
  ColumnSelection resolved = resolve_columns(t, selection, out.notices);
  resolved.allow_all_zero_channels = true;
  const int date_col = column_index(t, resolved.date_column);

  // Group rows by segment, segments in order of first appearance, rows in file order.
  std::map<std::vector<std::string>, int> index;
  std::vector<CsvTable> parts;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> key;
    for (std::size_t k = 0; k < seg_cols.size(); ++k) {
      const int col = seg_cols[k];
      if (t.rows[r][col].empty()) {
        throw InputError(cell_error_message(t.path, t.line_numbers[r], col + 1, t.header[col],
                                            t.rows[r][col], "a segment value (not empty)"));
      }
      // A segment's name is repeated in every output row of it, like a column name.
      if (t.rows[r][col].size() > kMaxColumnNameBytes) {
        throw InputError(cell_error_message(
            t.path, t.line_numbers[r], col + 1, t.header[col], t.rows[r][col],
            "a segment value of at most " + std::to_string(kMaxColumnNameBytes) + " bytes"));
      }
      key.push_back(t.rows[r][col]);
    }
    auto [it, inserted] = index.emplace(key, static_cast<int>(parts.size()));
    if (inserted) {
      CsvTable part;
      part.path = t.path;
      part.header = t.header;
      part.header_line = t.header_line;
      parts.push_back(std::move(part));
      std::string name;
      for (std::size_t k = 0; k < key.size(); ++k) name += (k ? "|" : "") + key[k];
      out.names.push_back(name);
      out.values.push_back(key);
    }
    parts[it->second].rows.push_back(std::move(t.rows[r]));
    parts[it->second].line_numbers.push_back(t.line_numbers[r]);
  }

  t.rows.clear();
  std::set<std::string> seen_notices;
  long filled = 0;
  for (std::size_t s = 0; s < parts.size(); ++s) {
    Dataset d = build_dataset(parts[s], resolved);
    if (d.rows() < 3) {
      throw InputError(t.path + ": segment `" + out.names[s] + "` has " + std::to_string(d.rows()) +
                       " rows; expected at least 3 periods");
    }
    filled += d.filled_missing_spend;
    for (const std::string& n : d.notices) {
      // Per-segment notices repeat (one per segment); the filled-cell count is summed below.
      if (n.rfind("filled ", 0) == 0) continue;
      if (seen_notices.insert(n).second)
        out.notices.push_back("segment " + out.names[s] + ": " + n);
    }
    out.segments.push_back(std::move(d));
    // The text is no longer needed (the step check below reads only the second row).
    parts[s].rows.resize(2);
    parts[s].rows.shrink_to_fit();
  }
  const long step =
      out.segments[0].dates[1].days_since_epoch() - out.segments[0].dates[0].days_since_epoch();
  for (std::size_t s = 1; s < out.segments.size(); ++s) {
    const Dataset& d = out.segments[s];
    const long gap = d.dates[1].days_since_epoch() - d.dates[0].days_since_epoch();
    if (gap != step) {
      throw InputError(cell_error_message(
          t.path, parts[s].line_numbers[1], date_col + 1, resolved.date_column,
          parts[s].rows[1][date_col],
          "a step of " + std::to_string(step) + " days, as in segment `" + out.names[0] +
              "` (segment `" + out.names[s] + "` steps " + std::to_string(gap) + " days)"));
    }
  }
  if (filled > 0) {
    out.notices.push_back("filled " + std::to_string(filled) +
                          " empty spend cells with 0 (all segments)");
  }
  return out;
}

}  // namespace

SegmentedData build_segmented_data(const CsvTable& table, const ColumnSelection& selection) {
  CsvTable copy = table;
  return split_segments(copy, selection);
}

SegmentedData load_segmented_csv(const std::string& path, const ColumnSelection& selection) {
  CsvTable table = read_csv_file(path);
  return split_segments(table, selection);
}

}  // namespace mmm
