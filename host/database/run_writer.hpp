#pragma once
// Appends one run's output set to a results database (`--db`), in one transaction: the
// already-rendered CSV files of the run become rows of tables of the same names and columns
// (one generic path for every table, no per-table code), the other files (model.json) go to
// run_files, and a row to runs. A run that fails or is killed before the commit leaves no row
// anywhere: the engine rolls the transaction back.

#include <optional>
#include <string>
#include <vector>

#include "host/database/database.hpp"

namespace mmm {

/// The runs row of one run (schema.hpp).
struct RunRecord {
  std::string command;           ///< "fit", "fit --segments", "sweep"
  std::string data_source;       ///< the --data file or URL (password redacted)
  std::string data_fingerprint;  ///< a hash of the input (file bytes, or the query's cells)
  std::string settings;          ///< JSON: the command line and resolved options
  std::string backend;
  std::string metrics;  ///< JSON: the command's --json summary
  std::optional<double> loss, r2, cv_mape;
  std::string out_dir;
};

/// The type a column is stored as: INTEGER when every non-empty cell is an integer written
/// as std::to_string writes it, REAL when every one is a number that "%.12g" writes back to
/// the same text (as the CSV writer wrote it), TEXT otherwise (and for a column of empty
/// cells, or one holding -0, which SQLite would give back as 0). So every stored value renders
/// back to its exact CSV text.
ColumnType infer_column_type(const std::vector<std::vector<std::string>>& rows, std::size_t column);

/// Writes the run: `files` (names inside `dir`, e.g. OutputDir::written()) are read from
/// `dir`; NAME.csv becomes table NAME, any other file a run_files row. Returns the new
/// run_id (1 + the largest so far). Creates or migrates the schema first (schema.hpp).
/// Throws InputError for a table or column name the database cannot hold, std::runtime_error
/// for a database failure; either way nothing of the run stays.
long write_run(Database& db, const RunRecord& record, const std::string& dir,
               const std::vector<std::string>& files);

}  // namespace mmm
