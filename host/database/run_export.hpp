#pragma once
// Reading runs back out of a results database: the list of runs (`mmm runs --db …`) and one
// run's output set written back as the files it wrote (`mmm runs --db … --run ID --out DIR`),
// byte for byte the CSV and JSON files of the run.

#include <string>
#include <utility>
#include <vector>

#include "host/database/database.hpp"

namespace mmm {

/// One row per run, oldest first: run_id, created_at, command, data_source, backend, loss,
/// r2, cv_mape (empty when the database holds no runs yet). InputError for a database of a
/// newer schema.
SqlRows list_runs(Database& db);

/// The files of run `run_id` as (name, content): every table rendered as the CSV the run
/// wrote, then the other files. InputError when the database has no such run.
std::vector<std::pair<std::string, std::string>> run_output_files(Database& db, long run_id);

}  // namespace mmm
