#pragma once
// Input from a database (`--data sqlite:FILE?query=SELECT …`, `--data postgresql://…?query=…`
// or `--query` beside the URL): the result set becomes the same CsvTable a CSV file gives,
// so the wide and segmented loaders validate it exactly as a file. Cells are the engine's
// text of each value (NULL → an empty cell, as in a CSV); the table's path is "query result",
// so a bad cell is reported as "query result, row 12, column `tv`: value `abc`: …".

#include <string>

#include "host/data/csv_table.hpp"

namespace mmm {

/// True when `data` names a database rather than a file: `sqlite:…` or `postgresql://…` /
/// `postgres://…`.
bool is_database_source(const std::string& data);

/// The database and the query of a --data source.
struct DataQuery {
  std::string target;  ///< for open_database: `sqlite:FILE` or the URL without `query=`
  std::string query;   ///< the SELECT
};

/// Splits `data` at its `query=` parameter (which must come last: the rest of the text is
/// the query, spaces and all, taken as written), or takes `query_flag` (--query). InputError
/// when there is no query or there are two.
DataQuery parse_data_query(const std::string& data, const std::string& query_flag);

/// Runs the query and returns its result as a table (path "query result", row numbers as
/// line numbers). InputError for a database that cannot be opened, a query the engine
/// rejects (with its message), a result of no rows or with duplicate column names.
CsvTable read_query_table(const std::string& data, const std::string& query_flag);

}  // namespace mmm
