#include "host/database/postgres_database.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

// Any constant: the key of the advisory lock every mmm writer takes ("mmm" in ASCII).
constexpr const char* kWriterLockKey = "7168365";

// PostgreSQL binds at most 65535 parameters per statement.
constexpr std::size_t kMaxParameters = 65535;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  std::replace(m.begin(), m.end(), '\n', ' ');
  return m;
}

}  // namespace

PostgresDatabase::PostgresDatabase(const std::string& url) : name_(redact_url(url)) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw InputError("cannot connect to PostgreSQL `" + name_ + "`: " + why);
  }
  // Dates as 2024-01-01 and doubles that parse back exactly, whatever the server's defaults.
  query("SET DateStyle TO ISO");
  query("SET extra_float_digits TO 3");
  query("SET client_min_messages TO WARNING");
}

PostgresDatabase::~PostgresDatabase() { PQfinish(conn_); }

void PostgresDatabase::begin() {
  query("BEGIN");
  in_transaction_ = true;
  query(std::string("SELECT pg_advisory_xact_lock(") + kWriterLockKey + ")");
}

void PostgresDatabase::commit() {
  query("COMMIT");
  in_transaction_ = false;
}

void PostgresDatabase::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  Result r(PQexec(conn_, "ROLLBACK"));
}

SqlRows PostgresDatabase::query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const SqlValue& v : params) values.push_back(v.text ? v.text->c_str() : nullptr);
  Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                        nullptr, nullptr, 0));
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("PostgreSQL `" + name_ + "`: " +
                             trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_)));
  }
  SqlRows out;
  const int n = PQnfields(r.get());
  for (int j = 0; j < n; ++j) out.columns.emplace_back(PQfname(r.get(), j));
  const int rows = PQntuples(r.get());
  out.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<std::optional<std::string>> row(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      if (!PQgetisnull(r.get(), i, j)) {
        row[j] = std::string(PQgetvalue(r.get(), i, j),
                             static_cast<std::size_t>(PQgetlength(r.get(), i, j)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

void PostgresDatabase::insert_rows(const std::string& table,
                                   const std::vector<std::string>& columns,
                                   const std::vector<std::vector<SqlValue>>& rows) {
  if (columns.empty() || rows.empty()) return;
  std::string head = "INSERT INTO " + quote_identifier(table) + " (";
  for (std::size_t j = 0; j < columns.size(); ++j)
    head += (j ? ", " : "") + quote_identifier(columns[j]);
  head += ") VALUES ";
  // Many rows per statement: each statement is a round trip to the server.
  const std::size_t per_batch =
      std::max<std::size_t>(1, std::min<std::size_t>(1000, kMaxParameters / columns.size()));
  for (std::size_t first = 0; first < rows.size(); first += per_batch) {
    const std::size_t last = std::min(rows.size(), first + per_batch);
    std::string sql = head;
    std::vector<SqlValue> params;
    params.reserve((last - first) * columns.size());
    for (std::size_t i = first; i < last; ++i) {
      sql += i == first ? "(" : ", (";
      for (std::size_t j = 0; j < columns.size(); ++j) {
        params.push_back(rows[i][j]);
        sql += (j ? ", $" : "$") + std::to_string(params.size());
      }
      sql += ")";
    }
    query(sql, params);
  }
}

std::vector<std::pair<std::string, ColumnType>> PostgresDatabase::table_columns(
    const std::string& table) {
  const SqlRows rows = query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
      "current_schema() AND table_name = $1 ORDER BY ordinal_position",
      {{table}});
  std::vector<std::pair<std::string, ColumnType>> out;
  for (const auto& r : rows.rows) {
    const std::string type = r[1].value_or("");
    out.emplace_back(*r[0], type == "bigint" || type == "integer" ? ColumnType::kInteger
                            : type == "double precision"          ? ColumnType::kReal
                                                                  : ColumnType::kText);
  }
  return out;
}

void PostgresDatabase::ensure_column(const std::string& table, const std::string& column,
                                     ColumnType type, std::optional<ColumnType> existing) {
  const std::string t = quote_identifier(table), c = quote_identifier(column);
  if (!existing) {
    query("ALTER TABLE " + t + " ADD COLUMN " + c + " " + sql_type(type));
    return;
  }
  // Widen only: INTEGER < REAL < TEXT. A narrower value fits the wider column as is.
  if (static_cast<int>(type) <= static_cast<int>(*existing)) return;
  query("ALTER TABLE " + t + " ALTER COLUMN " + c + " TYPE " + sql_type(type) + " USING " + c +
        "::" + sql_type(type));
}

std::string PostgresDatabase::sql_type(ColumnType type) const {
  switch (type) {
    case ColumnType::kInteger:
      return "BIGINT";
    case ColumnType::kReal:
      return "DOUBLE PRECISION";
    case ColumnType::kText:
      break;
  }
  return "TEXT";
}

}  // namespace mmm
