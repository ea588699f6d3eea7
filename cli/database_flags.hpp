#pragma once
// The database flags `mmm fit` and `mmm sweep` share: --data from a database query
// (host/database/data_query.hpp) and --db, where a run's output set is appended
// (host/database/run_writer.hpp) once its files are committed.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "host/data/csv_table.hpp"
#include "host/database/database.hpp"
#include "host/io/output_dir.hpp"

namespace mmm::cli {

/// Remembers the command line (main calls it), for the runs table's settings.
void set_command_line(int argc, char** argv);

/// The table of a database --data source (nullptr for a file). InputError for --query beside
/// a file.
std::shared_ptr<const CsvTable> database_input(const std::string& data, const std::string& query);

/// Opens --db before the long work, so a bad path or an unreachable server fails fast;
/// nullptr when --db is not given.
std::unique_ptr<Database> open_results_database(const std::string& db);

/// Appends the committed output set of `out` to `db` as one run of `command`; `summary` is
/// the command's --json object (metrics, backend). Prints `stored run N in DB` on stderr
/// unless `quiet`. Returns the run id.
long store_run(Database& db, const std::string& command, const std::string& data,
               const CsvTable* table, const OutputDir& out, const nlohmann::json& summary,
               bool quiet);

}  // namespace mmm::cli
