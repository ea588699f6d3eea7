#pragma once
// A pandas DataFrame as the engine's input table (docs/python.md): mmm/_frames.py turns each
// column into text cells — numbers in their shortest round-trip form, missing values empty,
// dates ISO 8601 — so the DataFrame goes through the same loader and validation as a CSV
// file. Rows are numbered as in `df.to_csv(index=False)`: the header is line 1, so an error
// names the same line and column it would in that file, under the DataFrame's label.

#include <memory>
#include <string>
#include <vector>

#include "host/data/csv_table.hpp"

namespace mmm::python {

/// The table of `columns` (one vector of cells per name in `header`, all of one length).
/// InputError for columns of different lengths, a duplicate or over-long name, or no rows.
std::shared_ptr<const CsvTable> table_from_columns(
    const std::string& label, const std::vector<std::string>& header,
    const std::vector<std::vector<std::string>>& columns);

}  // namespace mmm::python
