#include "host/database/data_query.hpp"

#include <filesystem>
#include <set>

#include "host/common/errors.hpp"
#include "host/database/database.hpp"

namespace mmm {

bool is_database_source(const std::string& data) {
  return data.rfind("sqlite:", 0) == 0 || is_postgres_url(data);
}

DataQuery parse_data_query(const std::string& data, const std::string& query_flag) {
  DataQuery q;
  q.target = data;
  std::size_t at = std::string::npos;
  for (std::size_t p = data.find("query="); p != std::string::npos;
       p = data.find("query=", p + 1)) {
    if (p > 0 && (data[p - 1] == '?' || data[p - 1] == '&')) {
      at = p;
      break;
    }
  }
  if (at != std::string::npos) {
    q.query = data.substr(at + 6);
    // Drop `?query=…` / `&query=…`; the URL's other parameters stay for libpq.
    q.target = data.substr(0, at - 1);
  }
  if (!q.query.empty() && !query_flag.empty()) {
    throw InputError("--data has a query= and --query is given too; expected one of them");
  }
  if (q.query.empty()) q.query = query_flag;
  if (q.query.empty()) {
    throw InputError("--data `" + redact_url(q.target) +
                     "` names a database but no query; add ?query=SELECT … or --query");
  }
  return q;
}

CsvTable read_query_table(const std::string& data, const std::string& query_flag) {
  const DataQuery q = parse_data_query(data, query_flag);
  if (!is_postgres_url(q.target)) {
    // Reading must not create an empty database where a name was mistyped.
    const std::string file = q.target.substr(7);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      throw InputError("cannot read --data `" + q.target + "`: no SQLite database file `" + file +
                       "`");
    }
  }
  std::unique_ptr<Database> db = open_database(q.target);
  SqlRows rows;
  try {
    rows = db->query(q.query);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError("query `" + q.query + "` failed: " + e.what());
  }
  CsvTable t;
  t.path = kQueryResultSource;
  t.header = rows.columns;
  t.header_line = 0;
  std::set<std::string> seen;
  for (const std::string& c : t.header) {
    if (!seen.insert(c).second) {
      throw InputError("query result: column `" + c +
                       "` appears twice; give the columns distinct names (SELECT … AS name)");
    }
  }
  if (rows.rows.empty()) {
    throw InputError("query result: no rows (query `" + q.query +
                     "`); expected one row per period");
  }
  t.rows.reserve(rows.rows.size());
  for (std::size_t r = 0; r < rows.rows.size(); ++r) {
    std::vector<std::string> row;
    row.reserve(rows.rows[r].size());
    for (const auto& v : rows.rows[r]) row.push_back(v.value_or(""));
    t.rows.push_back(std::move(row));
    t.line_numbers.push_back(static_cast<long>(r + 1));
  }
  return t;
}

}  // namespace mmm
