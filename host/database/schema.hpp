#pragma once
// mmm's own tables in a results database, created and versioned by mmm. `schema_version`
// holds one row, the version of the layout below; migrate() brings an older database up to
// this build's version step by step and refuses a newer one (written by a later mmm) rather
// than write rows that build would misread.
//
// Version 1:
//   runs         one row per run: run_id, created_at (UTC, ISO 8601), command, data_source,
//                data_fingerprint, settings (JSON), backend, mmm_version, loss, r2, cv_mape,
//                metrics (JSON), out_dir
//   run_columns  per run, table and column (in the CSV's order) with the type it was stored as,
//                so `mmm runs --run ID --out DIR` writes each CSV back exactly
//   run_files    per run, the files of the output set that are not tables (model.json)
//   <table>      one per CSV of the output set (model_results, response_curves, …): run_id,
//                run_row (the row's position in the CSV), then the CSV's columns, added as
//                runs bring new ones

#include "host/database/database.hpp"

namespace mmm {

/// The layout this build writes and reads.
constexpr int kSchemaVersion = 1;

/// The database's layout version: 0 when mmm has never written to it.
int schema_version(Database& db);

/// Inside a transaction: creates or upgrades mmm's tables to kSchemaVersion. InputError when
/// the database's version is newer than this build's.
void migrate(Database& db);

/// For readers (`mmm runs`): InputError when the database's version is newer than this
/// build's. Returns the version (0: no runs yet).
int check_readable(Database& db);

}  // namespace mmm
