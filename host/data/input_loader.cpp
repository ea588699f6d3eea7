#include "host/data/input_loader.hpp"

#include <utility>

#include "host/data/channel_long_loader.hpp"

namespace mmm {

Dataset load_input(const std::string& path, const CsvTable* table,
                   const ColumnSelection& selection) {
  if (!selection.channel_long) {
    return table ? build_dataset(*table, selection) : load_wide_csv(path, selection);
  }
  PivotedTable pivoted = table ? pivot_channel_long(*table, selection)
                               : pivot_channel_long(read_csv_file(path), selection);
  Dataset ds = build_dataset(pivoted.table, pivoted.selection);
  ds.notices.insert(ds.notices.begin(), pivoted.notices.begin(), pivoted.notices.end());
  ds.channel_codes = std::move(pivoted.codes);
  ds.filled_missing_spend = pivoted.filled_spend;
  if (pivoted.filled_spend > 0) {
    ds.notices.push_back("filled " + std::to_string(pivoted.filled_spend) +
                         " empty spend cells with 0");
  }
  return ds;
}

}  // namespace mmm
