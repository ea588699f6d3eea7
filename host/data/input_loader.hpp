#pragma once
// The one entry from a data source to a validated Dataset for single-market commands (fit,
// sweep): a wide table as it is, or channel-long warehouse data (`--format long`) pivoted first.

#include <string>

#include "host/data/csv_table.hpp"
#include "host/data/dataset.hpp"
#include "host/data/wide_csv_loader.hpp"

namespace mmm {

/// The Dataset of `table` (a database query's result) or, when it is null, of the CSV file at
/// `path`: wide (build_dataset) or, with `selection.channel_long`, pivoted from channel-long
/// data (host/data/channel_long_loader.hpp). InputError for bad input, as the loaders say.
Dataset load_input(const std::string& path, const CsvTable* table,
                   const ColumnSelection& selection);

}  // namespace mmm
