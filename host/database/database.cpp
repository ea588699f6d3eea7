#include "host/database/database.hpp"

#include "host/database/postgres_database.hpp"
#include "host/database/sqlite_database.hpp"

namespace mmm {

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
    case ColumnType::kText:
      break;
  }
  return "TEXT";
}

ColumnType parse_column_type(const std::string& name) {
  if (name == "INTEGER") return ColumnType::kInteger;
  if (name == "REAL") return ColumnType::kReal;
  return ColumnType::kText;
}

std::string quote_identifier(const std::string& name) {
  std::string q = "\"";
  for (char ch : name) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

bool is_postgres_url(const std::string& target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

std::string redact_url(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const std::size_t start = scheme + 3;
  const std::size_t end = url.find_first_of("/?", start);
  const std::size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < start) return url;
  const std::size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::unique_ptr<Database> open_database(const std::string& target) {
  if (is_postgres_url(target)) return std::make_unique<PostgresDatabase>(target);
  const std::string path = target.rfind("sqlite:", 0) == 0 ? target.substr(7) : target;
  return std::make_unique<SqliteDatabase>(path);
}

}  // namespace mmm
