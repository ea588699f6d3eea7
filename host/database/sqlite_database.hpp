#pragma once
// The embedded database of `--db FILE.sqlite` (Debian libsqlite3). Writers wait for each
// other (a busy timeout), so concurrent runs into one file all land, one after the other.

#include <string>

#include "host/database/database.hpp"

struct sqlite3;

namespace mmm {

/// How long a writer waits for another run's transaction before it gives up.
constexpr int kSqliteBusyTimeoutMs = 10 * 60 * 1000;

class SqliteDatabase : public Database {
 public:
  /// Opens (creating when missing) the file at `path`. InputError naming it otherwise.
  explicit SqliteDatabase(const std::string& path);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  const char* engine() const override { return "sqlite"; }
  const std::string& name() const override { return path_; }
  void begin() override;
  void commit() override;
  void rollback() override;
  SqlRows query(const std::string& sql, const std::vector<SqlValue>& params = {}) override;
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<SqlValue>>& rows) override;
  std::vector<std::pair<std::string, ColumnType>> table_columns(const std::string& table) override;
  void ensure_column(const std::string& table, const std::string& column, ColumnType type,
                     std::optional<ColumnType> existing) override;
  std::string sql_type(ColumnType type) const override { return column_type_name(type); }
  std::size_t max_identifier_bytes() const override { return 1 << 20; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  void exec(const std::string& sql);
  std::string path_;
  sqlite3* db_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace mmm
