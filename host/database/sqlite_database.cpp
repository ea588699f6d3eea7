#include "host/database/sqlite_database.hpp"

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

// Owns a prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }
  // Binds `$1`, `$2`, … by name, so a statement may use them in any order.
  bool bind(const std::vector<SqlValue>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = sqlite3_bind_parameter_index(stmt_, ("$" + std::to_string(i + 1)).c_str());
      if (index == 0) continue;
      const SqlValue& v = params[i];
      int rc = SQLITE_OK;
      if (!v.text) {
        rc = sqlite3_bind_null(stmt_, index);
      } else if (v.type == ColumnType::kInteger) {
        rc = sqlite3_bind_int64(stmt_, index, std::strtoll(v.text->c_str(), nullptr, 10));
      } else if (v.type == ColumnType::kReal) {
        rc = sqlite3_bind_double(stmt_, index, std::strtod(v.text->c_str(), nullptr));
      } else {
        rc = sqlite3_bind_text(stmt_, index, v.text->data(), static_cast<int>(v.text->size()),
                               SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return false;
    }
    return true;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A REAL as text that parses back to the same double.
std::string real_text(double v) {
  if (std::isnan(v)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& path) : path_(path) {
  if (path.empty()) throw InputError("--db is empty: expected a SQLite file or postgresql:// URL");
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("cannot open SQLite database `" + path + "`: " + why);
  }
  sqlite3_busy_timeout(db_, kSqliteBusyTimeoutMs);
  // A file that is not a database is found now, with its name, not in the first statement.
  try {
    query("SELECT count(*) FROM sqlite_master");
  } catch (const std::exception& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError(std::string("cannot use SQLite database `") + path + "`: " + e.what());
  }
}

SqliteDatabase::~SqliteDatabase() {
  if (in_transaction_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
}

void SqliteDatabase::fail(const std::string& what) const {
  throw std::runtime_error("SQLite database `" + path_ + "`: " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDatabase::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

void SqliteDatabase::begin() {
  // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so two runs never
  // both read the same next run id.
  exec("BEGIN IMMEDIATE");
  in_transaction_ = true;
}

void SqliteDatabase::commit() {
  exec("COMMIT");
  in_transaction_ = false;
}

void SqliteDatabase::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

SqlRows SqliteDatabase::query(const std::string& sql, const std::vector<SqlValue>& params) {
  Statement st(db_, sql);
  if (!st.ok()) fail("cannot prepare `" + sql + "`");
  if (!st.bind(params)) fail("cannot bind the parameters of `" + sql + "`");
  SqlRows out;
  const int n = sqlite3_column_count(st.get());
  for (int j = 0; j < n; ++j) {
    const char* name = sqlite3_column_name(st.get(), j);
    out.columns.emplace_back(name ? name : "");
  }
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    std::vector<std::optional<std::string>> row(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      switch (sqlite3_column_type(st.get(), j)) {
        case SQLITE_NULL:
          break;
        case SQLITE_FLOAT:
          row[j] = real_text(sqlite3_column_double(st.get(), j));
          break;
        default: {
          const unsigned char* t = sqlite3_column_text(st.get(), j);
          row[j] = std::string(reinterpret_cast<const char*>(t),
                               static_cast<std::size_t>(sqlite3_column_bytes(st.get(), j)));
        }
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) fail("`" + sql + "` failed");
  return out;
}

void SqliteDatabase::insert_rows(const std::string& table, const std::vector<std::string>& columns,
                                 const std::vector<std::vector<SqlValue>>& rows) {
  std::string sql = "INSERT INTO " + quote_identifier(table) + " (";
  std::string values;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    sql += (j ? ", " : "") + quote_identifier(columns[j]);
    values += (j ? ", $" : "$") + std::to_string(j + 1);
  }
  sql += ") VALUES (" + values + ")";
  // One prepared statement, re-bound per row: SQLite runs in-process, so a row costs no
  // round trip.
  Statement st(db_, sql);
  if (!st.ok()) fail("cannot prepare the insert into `" + table + "`");
  for (const auto& row : rows) {
    if (!st.bind(row)) fail("cannot bind a row of `" + table + "`");
    if (sqlite3_step(st.get()) != SQLITE_DONE) fail("cannot insert into `" + table + "`");
    sqlite3_reset(st.get());
    sqlite3_clear_bindings(st.get());
  }
}

std::vector<std::pair<std::string, ColumnType>> SqliteDatabase::table_columns(
    const std::string& table) {
  std::vector<std::pair<std::string, ColumnType>> out;
  const SqlRows rows =
      query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid", {{table}});
  for (const auto& r : rows.rows) out.emplace_back(*r[0], parse_column_type(r[1].value_or("")));
  return out;
}

void SqliteDatabase::ensure_column(const std::string& table, const std::string& column,
                                   ColumnType type, std::optional<ColumnType> existing) {
  if (existing) return;
  exec("ALTER TABLE " + quote_identifier(table) + " ADD COLUMN " + quote_identifier(column) + " " +
       sql_type(type));
}

}  // namespace mmm
