#include "host/database/run_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "host/common/errors.hpp"
#include "host/data/csv_table.hpp"
#include "host/database/schema.hpp"
#include "host/io/csv_writer.hpp"

namespace mmm {
namespace {

// Tables mmm keeps for itself; an output file of one of these names would collide.
const std::set<std::string>& reserved_tables() {
  static const std::set<std::string> names = {"runs", "run_columns", "run_files", "schema_version"};
  return names;
}

bool is_integer_text(const std::string& s) {
  if (s.empty() || s.size() > 19) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && *end == '\0' && std::to_string(v) == s;
}

bool is_real_text(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  // SQLite stores an integral REAL as an integer, so -0 would come back as 0.
  if (v == 0.0 && std::signbit(v)) return false;
  return end != s.c_str() && *end == '\0' && format_number(v) == s;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read `" + path + "`: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

SqlValue text(const std::string& s) { return {s, ColumnType::kText}; }
SqlValue integer(long v) { return {std::to_string(v), ColumnType::kInteger}; }
SqlValue real(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return {std::nullopt, ColumnType::kReal};
  return {format_number(*v), ColumnType::kReal};
}

// For the kill test: inside the transaction, after every row was written and before the
// commit, create MMM_TEST_DB_PAUSE_FILE and sleep MMM_TEST_DB_PAUSE_SECONDS.
void test_pause() {
  const char* file = std::getenv("MMM_TEST_DB_PAUSE_FILE");
  const char* seconds = std::getenv("MMM_TEST_DB_PAUSE_SECONDS");
  if (!file || !seconds) return;
  std::ofstream(file) << ::getpid() << "\n";
  std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<long>(1000 * std::strtod(seconds, nullptr))));
}

void check_identifier(const Database& db, const std::string& file, const std::string& name) {
  if (name.empty() || name.size() > db.max_identifier_bytes()) {
    throw InputError("cannot store `" + file + "` in " + db.engine() + " database `" + db.name() +
                     "`: the name `" + name + "` is " + std::to_string(name.size()) +
                     " bytes long; expected 1 to " + std::to_string(db.max_identifier_bytes()));
  }
}

void write_table(Database& db, long run_id, const std::string& file, const std::string& table,
                 const CsvTable& csv) {
  check_identifier(db, file, table);
  for (const std::string& c : csv.header) {
    check_identifier(db, file, c);
    if (c == "run_id" || c == "run_row") {
      throw InputError("cannot store `" + file + "`: its column `" + c +
                       "` is the name of mmm's own key column");
    }
  }
  const std::string i = db.sql_type(ColumnType::kInteger);
  db.query("CREATE TABLE IF NOT EXISTS " + quote_identifier(table) + " (run_id " + i +
           " NOT NULL, run_row " + i + " NOT NULL)");
  db.query("CREATE INDEX IF NOT EXISTS " + quote_identifier(table + "_run_id") + " ON " +
           quote_identifier(table) + " (run_id)");
  std::vector<std::pair<std::string, ColumnType>> existing = db.table_columns(table);
  std::vector<ColumnType> types;
  std::vector<std::vector<SqlValue>> columns_meta;
  for (std::size_t j = 0; j < csv.header.size(); ++j) {
    const ColumnType type = infer_column_type(csv.rows, j);
    types.push_back(type);
    std::optional<ColumnType> have;
    for (const auto& [name, t] : existing) {
      if (name == csv.header[j]) have = t;
    }
    db.ensure_column(table, csv.header[j], type, have);
    columns_meta.push_back({integer(run_id), text(table), integer(static_cast<long>(j)),
                            text(csv.header[j]), text(column_type_name(type))});
  }
  db.insert_rows("run_columns", {"run_id", "table_name", "position", "column_name", "column_type"},
                 columns_meta);
  std::vector<std::string> names = {"run_id", "run_row"};
  names.insert(names.end(), csv.header.begin(), csv.header.end());
  std::vector<std::vector<SqlValue>> rows;
  rows.reserve(csv.rows.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    std::vector<SqlValue> row = {integer(run_id), integer(static_cast<long>(r + 1))};
    for (std::size_t j = 0; j < csv.header.size(); ++j) {
      const std::string& cell = csv.rows[r][j];
      row.push_back({cell.empty() ? std::nullopt : std::optional<std::string>(cell), types[j]});
    }
    rows.push_back(std::move(row));
  }
  db.insert_rows(table, names, rows);
}

}  // namespace

ColumnType infer_column_type(const std::vector<std::vector<std::string>>& rows,
                             std::size_t column) {
  bool any = false, integer_ok = true, real_ok = true;
  for (const auto& row : rows) {
    const std::string& cell = row[column];
    if (cell.empty()) continue;
    any = true;
    if (integer_ok && !is_integer_text(cell)) integer_ok = false;
    if (!integer_ok && real_ok && !is_real_text(cell)) real_ok = false;
    if (!real_ok) break;
  }
  if (!any) return ColumnType::kText;
  if (integer_ok) return ColumnType::kInteger;
  return real_ok ? ColumnType::kReal : ColumnType::kText;
}

long write_run(Database& db, const RunRecord& record, const std::string& dir,
               const std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  db.begin();
  try {
    migrate(db);
    const SqlRows last = db.query("SELECT max(run_id) FROM runs");
    const long run_id =
        1 + (last.rows.empty() || !last.rows[0][0] ? 0 : std::stol(*last.rows[0][0]));
    db.insert_rows(
        "runs",
        {"run_id", "created_at", "command", "data_source", "data_fingerprint", "settings",
         "backend", "mmm_version", "loss", "r2", "cv_mape", "metrics", "out_dir"},
        {{integer(run_id), text(utc_now()), text(record.command), text(record.data_source),
          text(record.data_fingerprint), text(record.settings), text(record.backend),
          text(MMM_VERSION), real(record.loss), real(record.r2), real(record.cv_mape),
          text(record.metrics), text(record.out_dir)}});
    for (const std::string& name : files) {
      const std::string path = (fs::path(dir) / name).string();
      const std::string content = read_whole(path);
      const std::size_t dot = name.size() >= 4 ? name.size() - 4 : std::string::npos;
      if (dot != std::string::npos && name.compare(dot, 4, ".csv") == 0) {
        const std::string table = name.substr(0, dot);
        if (reserved_tables().count(table)) {
          throw InputError("cannot store `" + name + "`: `" + table +
                           "` is one of mmm's own tables");
        }
        write_table(db, run_id, name, table, parse_csv_text(content, path, true));
      } else {
        db.insert_rows("run_files", {"run_id", "name", "content"},
                       {{integer(run_id), text(name), text(content)}});
      }
    }
    test_pause();
    db.commit();
    return run_id;
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace mmm
