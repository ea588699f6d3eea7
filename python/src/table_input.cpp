#include "python/src/table_input.hpp"

#include "host/common/errors.hpp"

namespace mmm::python {

std::shared_ptr<const CsvTable> table_from_columns(
    const std::string& label, const std::vector<std::string>& header,
    const std::vector<std::vector<std::string>>& columns) {
  if (header.size() != columns.size()) {
    throw InputError(label + ": " + std::to_string(header.size()) + " column names for " +
                     std::to_string(columns.size()) + " columns");
  }
  auto table = std::make_shared<CsvTable>();
  table->path = label;
  table->header = header;
  check_column_names(*table);  // what a file's header gets, with the same messages
  const size_t rows = columns.empty() ? 0 : columns.front().size();
  for (const auto& column : columns) {
    if (column.size() != rows) throw InputError(label + ": columns of different lengths");
  }
  if (header.empty()) {
    throw InputError("data file `" + label +
                     "` is empty: expected a header line and at least one data row");
  }
  if (rows == 0) throw InputError("data file `" + label + "` has a header but no data rows");
  table->rows.assign(rows, std::vector<std::string>(header.size()));
  table->line_numbers.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < header.size(); ++c) table->rows[r][c] = columns[c][r];
    table->line_numbers[r] = static_cast<long>(r) + 2;
  }
  return table;
}

}  // namespace mmm::python
