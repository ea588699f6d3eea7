#pragma once
// A connection to the database that `--db` names and `--data` may read from: the small
// interface the run writer, the exporter and the query loader need, with one implementation
// per engine (sqlite_database.hpp, postgres_database.hpp). Plain SQL, no ORM; every value
// travels as a bound parameter, never spliced into the statement text. Identifiers (table and
// column names from mmm's own CSV headers) are quoted with quote_identifier.

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmm {

/// The type of a stored column, chosen from its values (run_writer.hpp).
enum class ColumnType { kInteger, kReal, kText };

/// "INTEGER", "REAL" or "TEXT": the names recorded in run_columns.
const char* column_type_name(ColumnType type);
/// The inverse of column_type_name; kText for anything else.
ColumnType parse_column_type(const std::string& name);

/// One bound value: NULL, or text the engine converts to the column's type (SQLite binds it
/// as `type`; PostgreSQL sends the text and lets the server convert).
struct SqlValue {
  std::optional<std::string> text;  ///< nullopt: NULL
  ColumnType type = ColumnType::kText;
};

/// Rows of a query, every cell as text (nullopt for NULL). REAL values come back with enough
/// digits to give the same double when parsed.
struct SqlRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class Database {
 public:
  virtual ~Database() = default;
  /// "sqlite" or "postgresql".
  virtual const char* engine() const = 0;
  /// The database for messages (a file path, or the URL without its password).
  virtual const std::string& name() const = 0;

  /// Starts a write transaction that excludes every other mmm writer until commit() or
  /// rollback() (SQLite: BEGIN IMMEDIATE, waiting out a busy database; PostgreSQL: BEGIN and
  /// a transaction-scoped advisory lock), so run ids and schema changes never race.
  virtual void begin() = 0;
  virtual void commit() = 0;
  /// Safe to call without an open transaction.
  virtual void rollback() = 0;

  /// Runs one statement with parameters (placeholders written `$1`, `$2`, … on both engines)
  /// and returns its rows (none for a statement that returns none).
  virtual SqlRows query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  /// Inserts rows of `columns` into `table` (identifiers unquoted; quoted here), each row
  /// one SqlValue per column, in batches of parameterized statements.
  virtual void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<std::vector<SqlValue>>& rows) = 0;
  /// The columns of `table` in order with their declared type (empty when it does not exist).
  virtual std::vector<std::pair<std::string, ColumnType>> table_columns(
      const std::string& table) = 0;
  /// Adds a column, or (PostgreSQL) widens an existing one so a value of `type` fits: INTEGER
  /// → REAL → TEXT. SQLite stores any value in any column, so there only adding happens.
  virtual void ensure_column(const std::string& table, const std::string& column, ColumnType type,
                             std::optional<ColumnType> existing) = 0;
  /// The engine's name of a column type (PostgreSQL: BIGINT, DOUBLE PRECISION, TEXT).
  virtual std::string sql_type(ColumnType type) const = 0;
  /// The longest identifier the engine keeps whole (PostgreSQL truncates at 63 bytes).
  virtual std::size_t max_identifier_bytes() const = 0;
};

/// `name` as a double-quoted SQL identifier ("" inside doubled).
std::string quote_identifier(const std::string& name);

/// True for a `postgresql://` or `postgres://` URL.
bool is_postgres_url(const std::string& target);

/// Opens the database `target` names: a `postgresql://…` / `postgres://…` URL (libpq), or
/// a SQLite file (`sqlite:FILE` or a plain path; created when missing). InputError (exit 2)
/// when it cannot be opened or reached, naming it and the engine's reason.
std::unique_ptr<Database> open_database(const std::string& target);

/// `url` with the password of `user:password@` replaced by `***`, for messages and the runs
/// table.
std::string redact_url(const std::string& url);

}  // namespace mmm
