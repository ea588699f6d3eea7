#include "host/database/schema.hpp"

#include <functional>
#include <string>
#include <vector>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

// Version 0 → 1: the first layout.
void create_version_1(Database& db) {
  const std::string i = db.sql_type(ColumnType::kInteger), r = db.sql_type(ColumnType::kReal),
                    t = db.sql_type(ColumnType::kText);
  db.query("CREATE TABLE IF NOT EXISTS runs (run_id " + i + " PRIMARY KEY, created_at " + t +
           " NOT NULL, command " + t + " NOT NULL, data_source " + t + ", data_fingerprint " + t +
           ", settings " + t + ", backend " + t + ", mmm_version " + t + ", loss " + r + ", r2 " +
           r + ", cv_mape " + r + ", metrics " + t + ", out_dir " + t + ")");
  db.query("CREATE TABLE IF NOT EXISTS run_columns (run_id " + i + " NOT NULL, table_name " + t +
           " NOT NULL, position " + i + " NOT NULL, column_name " + t + " NOT NULL, column_type " +
           t + " NOT NULL)");
  db.query("CREATE INDEX IF NOT EXISTS run_columns_run_id ON run_columns (run_id)");
  db.query("CREATE TABLE IF NOT EXISTS run_files (run_id " + i + " NOT NULL, name " + t +
           " NOT NULL, content " + t + " NOT NULL)");
  db.query("CREATE INDEX IF NOT EXISTS run_files_run_id ON run_files (run_id)");
}

// migrations[v] upgrades version v to v + 1; a new layout appends its step here.
const std::vector<std::function<void(Database&)>>& migrations() {
  static const std::vector<std::function<void(Database&)>> steps = {create_version_1};
  return steps;
}

[[noreturn]] void newer(Database& db, int version) {
  throw InputError("database `" + db.name() + "` has mmm schema version " +
                   std::to_string(version) + ", newer than this mmm's " +
                   std::to_string(kSchemaVersion) +
                   ": it was written by a later mmm; use that version (or another --db)");
}

}  // namespace

int schema_version(Database& db) {
  if (db.table_columns("schema_version").empty()) return 0;
  const SqlRows rows = db.query("SELECT max(version) FROM schema_version");
  if (rows.rows.empty() || !rows.rows[0][0]) return 0;
  return std::stoi(*rows.rows[0][0]);
}

void migrate(Database& db) {
  static_assert(kSchemaVersion >= 1, "the first layout is version 1");
  if (migrations().size() != static_cast<std::size_t>(kSchemaVersion)) {
    throw std::logic_error("one migration per schema version");
  }
  db.query("CREATE TABLE IF NOT EXISTS schema_version (version " +
           db.sql_type(ColumnType::kInteger) + " NOT NULL)");
  const int version = schema_version(db);
  if (version > kSchemaVersion) newer(db, version);
  if (version == kSchemaVersion) return;
  for (int v = version; v < kSchemaVersion; ++v) migrations()[static_cast<std::size_t>(v)](db);
  db.query("DELETE FROM schema_version");
  db.query("INSERT INTO schema_version (version) VALUES ($1)",
           {{std::to_string(kSchemaVersion), ColumnType::kInteger}});
}

int check_readable(Database& db) {
  const int version = schema_version(db);
  if (version > kSchemaVersion) newer(db, version);
  return version;
}

}  // namespace mmm
