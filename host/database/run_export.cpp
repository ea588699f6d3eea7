#include "host/database/run_export.hpp"

#include <cstdlib>

#include "host/common/errors.hpp"
#include "host/database/schema.hpp"
#include "host/io/csv_writer.hpp"

namespace mmm {
namespace {

SqlValue integer(long v) { return {std::to_string(v), ColumnType::kInteger}; }

// A stored value as the CSV writer wrote it: REAL values (which the engines return with
// extra digits) through the same "%.12g", which gives back the original text (run_writer.hpp).
std::string render(const std::optional<std::string>& value, ColumnType type) {
  if (!value) return "";
  if (type == ColumnType::kReal) return format_number(std::strtod(value->c_str(), nullptr));
  if (type == ColumnType::kInteger) {
    // PostgreSQL may have widened the column to DOUBLE PRECISION by a later run.
    return std::to_string(static_cast<long long>(std::strtod(value->c_str(), nullptr)));
  }
  return *value;
}

std::string render_table(Database& db, long run_id, const std::string& table,
                         const std::vector<std::pair<std::string, ColumnType>>& columns) {
  std::vector<std::string> header;
  std::string select;
  for (const auto& [name, type] : columns) {
    header.push_back(name);
    select += (select.empty() ? "" : ", ") + quote_identifier(name);
  }
  CsvWriter w(header);
  if (select.empty()) return w.text();
  const SqlRows rows = db.query("SELECT " + select + " FROM " + quote_identifier(table) +
                                    " WHERE run_id = $1 ORDER BY run_row",
                                {integer(run_id)});
  for (const auto& row : rows.rows) {
    for (std::size_t j = 0; j < columns.size(); ++j) w.cell(render(row[j], columns[j].second));
    w.end_row();
  }
  return w.text();
}

}  // namespace

SqlRows list_runs(Database& db) {
  if (check_readable(db) == 0) return {};
  return db.query(
      "SELECT run_id, created_at, command, data_source, backend, loss, r2, cv_mape FROM runs "
      "ORDER BY run_id");
}

std::vector<std::pair<std::string, std::string>> run_output_files(Database& db, long run_id) {
  const bool has_runs = check_readable(db) > 0;
  if (!has_runs ||
      db.query("SELECT run_id FROM runs WHERE run_id = $1", {integer(run_id)}).rows.empty()) {
    throw InputError("database `" + db.name() + "` has no run " + std::to_string(run_id) +
                     " (`mmm runs --db " + db.name() + "` lists them)");
  }
  const SqlRows cols = db.query(
      "SELECT table_name, column_name, column_type FROM run_columns WHERE run_id = $1 ORDER BY "
      "table_name, position",
      {integer(run_id)});
  std::vector<std::pair<std::string, std::string>> files;
  std::string table;
  std::vector<std::pair<std::string, ColumnType>> columns;
  auto flush = [&] {
    if (table.empty()) return;
    files.emplace_back(table + ".csv", render_table(db, run_id, table, columns));
    columns.clear();
  };
  for (const auto& row : cols.rows) {
    if (*row[0] != table) {
      flush();
      table = *row[0];
    }
    columns.emplace_back(*row[1], parse_column_type(*row[2]));
  }
  flush();
  const SqlRows others = db.query(
      "SELECT name, content FROM run_files WHERE run_id = $1 ORDER BY name", {integer(run_id)});
  for (const auto& row : others.rows) files.emplace_back(*row[0], *row[1]);
  return files;
}

}  // namespace mmm
