#pragma once
// A PostgreSQL server through libpq (`--db postgresql://…`, Debian libpq-dev). Writers are
// serialized by a transaction-scoped advisory lock, so run ids and schema changes of
// concurrent runs never race; a run killed mid-write leaves nothing (the server rolls back
// the transaction of a dropped connection).

#include <string>

#include "host/database/database.hpp"

struct pg_conn;

namespace mmm {

class PostgresDatabase : public Database {
 public:
  /// Connects to `url`. InputError naming the URL (password redacted) and libpq's reason.
  explicit PostgresDatabase(const std::string& url);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const char* engine() const override { return "postgresql"; }
  const std::string& name() const override { return name_; }
  void begin() override;
  void commit() override;
  void rollback() override;
  SqlRows query(const std::string& sql, const std::vector<SqlValue>& params = {}) override;
  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<SqlValue>>& rows) override;
  std::vector<std::pair<std::string, ColumnType>> table_columns(const std::string& table) override;
  void ensure_column(const std::string& table, const std::string& column, ColumnType type,
                     std::optional<ColumnType> existing) override;
  std::string sql_type(ColumnType type) const override;
  std::size_t max_identifier_bytes() const override { return 63; }

 private:
  std::string name_;
  pg_conn* conn_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace mmm
