// The database layer (host/database/) against both engines: a SQLite file in a scratch
// folder and, under tools/with_postgres.sh, a real PostgreSQL server (skipped without one).
// Schema versions, the generic table writer and its exact export, atomicity, query input.

#include <gtest/gtest.h>

#include "host/common/errors.hpp"
#include "host/data/table_fingerprint.hpp"
#include "host/data/wide_csv_loader.hpp"
#include "host/database/data_query.hpp"
#include "host/database/run_export.hpp"
#include "host/database/run_writer.hpp"
#include "host/database/schema.hpp"
#include "tests/database_test_support.hpp"

namespace mmm {
namespace {

using test::TempDir;
using test::TestDatabase;

class DatabaseEngine : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
    if (!db_->available()) {
      GTEST_SKIP() << "no PostgreSQL server: run the tests under tools/with_postgres.sh "
                      "(tools/test.sh does), which sets MMM_TEST_POSTGRES_URL";
    }
  }
  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
};

RunRecord record(const std::string& command) {
  RunRecord r;
  r.command = command;
  r.data_source = "data.csv";
  r.data_fingerprint = "file:0123";
  r.settings = R"({"args":["mmm","fit"]})";
  r.backend = "cpu";
  r.metrics = R"({"loss":0.5})";
  r.loss = 0.5;
  r.r2 = 0.875;
  return r;
}

// Mixed types, empty cells (NaN), quoted text, numbers as the CSV writer prints them.
const char* kResults =
    "channel,roi,weeks,note,flag,lift,zero\n"
    "tv,1.23456789012,52,\"a, quoted \"\"note\"\"\",TRUE,inf,-0\n"
    "search,,104,,FALSE,-inf,1\n"
    "social,-3.5e-07,0,plain,TRUE,0.25,\n";

TEST_P(DatabaseEngine, NewDatabaseGetsTheCurrentSchemaVersion) {
  auto db = db_->open();
  EXPECT_EQ(schema_version(*db), 0);
  db->begin();
  migrate(*db);
  db->commit();
  EXPECT_EQ(schema_version(*db), kSchemaVersion);
  EXPECT_EQ(kSchemaVersion, 1);
  EXPECT_FALSE(db->table_columns("runs").empty());
  EXPECT_FALSE(db->table_columns("run_columns").empty());
}

TEST_P(DatabaseEngine, OlderSchemaIsMigratedAndNewerRefused) {
  auto db = db_->open();
  // An older database: the version table of version 0, none of version 1's tables.
  db->query("CREATE TABLE schema_version (version " + db->sql_type(ColumnType::kInteger) + ")");
  db->query("INSERT INTO schema_version (version) VALUES (0)");
  db->begin();
  migrate(*db);
  db->commit();
  EXPECT_EQ(schema_version(*db), 1);
  EXPECT_FALSE(db->table_columns("runs").empty());
  // A later mmm's database: refused by writers and readers, untouched.
  db->query("UPDATE schema_version SET version = 7");
  db->begin();
  try {
    migrate(*db);
    FAIL() << "a newer schema must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 7, newer than this mmm's 1"),
              std::string::npos)
        << e.what();
  }
  db->rollback();
  EXPECT_THROW(check_readable(*db), InputError);
  EXPECT_THROW(list_runs(*db), InputError);
  EXPECT_EQ(schema_version(*db), 7);
}

TEST_P(DatabaseEngine, RunTablesRoundTripToTheSameFiles) {
  TempDir out;
  out.write("model_results.csv", kResults);
  out.write("cv_folds.csv", "fold,mape\n");  // a table with no rows
  out.write("model.json", "{\n  \"a\": 1\n}\n");
  auto db = db_->open();
  const std::vector<std::string> files = {"model_results.csv", "cv_folds.csv", "model.json"};
  EXPECT_EQ(write_run(*db, record("fit"), out.path().string(), files), 1);
  EXPECT_EQ(write_run(*db, record("fit"), out.path().string(), files), 2);

  // Typed columns: INTEGER where every value is an integer, REAL where a number, else TEXT.
  std::map<std::string, ColumnType> types;
  for (const auto& [name, type] : db->table_columns("model_results")) types[name] = type;
  EXPECT_EQ(types.at("run_id"), ColumnType::kInteger);
  EXPECT_EQ(types.at("roi"), ColumnType::kReal);
  EXPECT_EQ(types.at("weeks"), ColumnType::kInteger);
  EXPECT_EQ(types.at("note"), ColumnType::kText);
  EXPECT_EQ(types.at("flag"), ColumnType::kText);
  EXPECT_EQ(types.at("lift"), ColumnType::kReal);
  EXPECT_EQ(types.at("zero"), ColumnType::kText);
  const SqlRows sum = db->query("SELECT sum(weeks), count(*) FROM model_results WHERE run_id = 2");
  EXPECT_EQ(std::stol(*sum.rows[0][0]), 156);
  EXPECT_EQ(std::stol(*sum.rows[0][1]), 3);
  EXPECT_FALSE(db->query("SELECT roi FROM model_results WHERE run_row = 2").rows[0][0]);

  const auto back = run_output_files(*db, 1);
  std::map<std::string, std::string> by_name(back.begin(), back.end());
  ASSERT_EQ(by_name.size(), 3u);
  EXPECT_EQ(by_name.at("model_results.csv"), kResults);
  EXPECT_EQ(by_name.at("cv_folds.csv"), "fold,mape\n");
  EXPECT_EQ(by_name.at("model.json"), "{\n  \"a\": 1\n}\n");

  const SqlRows runs = list_runs(*db);
  ASSERT_EQ(runs.rows.size(), 2u);
  EXPECT_EQ(*runs.rows[1][0], "2");
  EXPECT_EQ(*runs.rows[1][2], "fit");
  EXPECT_DOUBLE_EQ(std::stod(*runs.rows[1][6]), 0.875);
  EXPECT_THROW(run_output_files(*db, 3), InputError);
}

TEST_P(DatabaseEngine, LaterRunsAddColumnsAndEarlierExportsStayExact) {
  TempDir a, b;
  a.write("sweep_top.csv", "rank,tv_theta\n1,0.5\n2,0.25\n");
  // Another data set: other channels, and `rank` now text in one row.
  b.write("sweep_top.csv", "rank,radio_theta\n1,0.125\nlast,0.75\n");
  auto db = db_->open();
  write_run(*db, record("sweep"), a.path().string(), {"sweep_top.csv"});
  write_run(*db, record("sweep"), b.path().string(), {"sweep_top.csv"});
  EXPECT_EQ(run_output_files(*db, 1).at(0).second, "rank,tv_theta\n1,0.5\n2,0.25\n");
  EXPECT_EQ(run_output_files(*db, 2).at(0).second, "rank,radio_theta\n1,0.125\nlast,0.75\n");
}

TEST_P(DatabaseEngine, FailedRunLeavesNoRows) {
  TempDir out;
  out.write("model_results.csv", kResults);
  auto db = db_->open();
  // The second file is missing: the write fails after the first table was inserted.
  EXPECT_THROW(
      write_run(*db, record("fit"), out.path().string(), {"model_results.csv", "missing.csv"}),
      std::runtime_error);
  EXPECT_EQ(test::count_runs(*db), 0);
  EXPECT_TRUE(db->table_columns("model_results").empty());
  // The database is usable afterwards, and the next run is run 1.
  EXPECT_EQ(write_run(*db, record("fit"), out.path().string(), {"model_results.csv"}), 1);
}

TEST_P(DatabaseEngine, QueryResultBecomesTheLoadersTable) {
  auto db = db_->open();
  db->query("CREATE TABLE weekly (week TEXT, revenue " + db->sql_type(ColumnType::kReal) + ", tv " +
            db->sql_type(ColumnType::kReal) + ", note TEXT)");
  db->insert_rows("weekly", {"week", "revenue", "tv", "note"},
                  {{{"2024-01-01"}, {"100.5", ColumnType::kReal}, {"0.1", ColumnType::kReal}, {}},
                   {{"2024-01-08"}, {"101", ColumnType::kReal}, {"20", ColumnType::kReal}, {"x"}},
                   {{"2024-01-15"}, {"99.25", ColumnType::kReal}, {"30", ColumnType::kReal}, {}}});
  const CsvTable t = read_query_table(db_->data_url("SELECT * FROM weekly ORDER BY week"), "");
  EXPECT_EQ(t.path, "query result");
  EXPECT_EQ(t.header, (std::vector<std::string>{"week", "revenue", "tv", "note"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][0], "2024-01-01");
  EXPECT_EQ(std::strtod(t.rows[0][2].c_str(), nullptr), 0.1);  // the same double
  EXPECT_EQ(t.rows[0][3], "");                                 // NULL → empty cell
  EXPECT_EQ(t.line_numbers, (std::vector<long>{1, 2, 3}));

  ColumnSelection sel;
  sel.date_column = "week";
  sel.kpi_column = "revenue";
  sel.channels = {"tv"};
  const Dataset d = build_dataset(t, sel);
  EXPECT_DOUBLE_EQ(d.kpi[2], 99.25);
  EXPECT_DOUBLE_EQ(d.spend(1, 0), 20.0);

  // A bad cell is named by result row and column.
  db->query("UPDATE weekly SET note = 'abc' WHERE week = '2024-01-15'");
  sel.channels = {"tv", "note"};
  const CsvTable bad = read_query_table(
      db_->data_url("SELECT week, revenue, tv, note FROM weekly ORDER BY week"), "");
  try {
    build_dataset(bad, sel);
    FAIL() << "`x` in a spend column must be an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("query result, row 2, column `note`: value `x`"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(read_query_table(db_->data_url("SELECT * FROM weekly WHERE week = 'none'"), ""),
               InputError);
  EXPECT_THROW(read_query_table(db_->data_url("SELECT * FROM no_such_table"), ""), InputError);
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseEngine, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(DatabaseTypes, InferColumnTypeKeepsEveryValuesText) {
  const std::vector<std::vector<std::string>> rows = {
      {"1", "0.5", "1.50", "", "007", "2024-01-01", "inf", "-0"},
      {"-2", "3", "2", "", "7", "2024-01-08", "1e+15", "0.5"}};
  EXPECT_EQ(infer_column_type(rows, 0), ColumnType::kInteger);
  EXPECT_EQ(infer_column_type(rows, 1), ColumnType::kReal);
  EXPECT_EQ(infer_column_type(rows, 2), ColumnType::kText);  // "1.50" would print as 1.5
  EXPECT_EQ(infer_column_type(rows, 3), ColumnType::kText);  // no value at all
  EXPECT_EQ(infer_column_type(rows, 4), ColumnType::kText);  // "007" would print as 7
  EXPECT_EQ(infer_column_type(rows, 5), ColumnType::kText);
  EXPECT_EQ(infer_column_type(rows, 6), ColumnType::kReal);
  EXPECT_EQ(infer_column_type(rows, 7), ColumnType::kText);  // SQLite turns -0.0 into 0
}

TEST(DatabaseSources, DataQueryParsing) {
  DataQuery q = parse_data_query("sqlite:w.db?query=SELECT * FROM t WHERE a = 'x&y'", "");
  EXPECT_EQ(q.target, "sqlite:w.db");
  EXPECT_EQ(q.query, "SELECT * FROM t WHERE a = 'x&y'");
  q = parse_data_query("postgresql://u@h/db?sslmode=disable&query=SELECT 1", "");
  EXPECT_EQ(q.target, "postgresql://u@h/db?sslmode=disable");
  EXPECT_EQ(q.query, "SELECT 1");
  q = parse_data_query("postgresql:///db", "SELECT 2");
  EXPECT_EQ(q.target, "postgresql:///db");
  EXPECT_EQ(q.query, "SELECT 2");
  EXPECT_THROW(parse_data_query("sqlite:w.db", ""), InputError);
  EXPECT_THROW(parse_data_query("sqlite:w.db?query=SELECT 1", "SELECT 2"), InputError);
  EXPECT_TRUE(is_database_source("sqlite:w.db"));
  EXPECT_TRUE(is_database_source("postgres://h/db"));
  EXPECT_FALSE(is_database_source("data.csv"));
  EXPECT_THROW(read_query_table("sqlite:/no/such/file.db?query=SELECT 1", ""), InputError);
}

TEST(DatabaseSources, RedactUrlHidesOnlyThePassword) {
  EXPECT_EQ(redact_url("postgresql://ana:s3cret@db.example:5432/mmm?query=SELECT 1"),
            "postgresql://ana:***@db.example:5432/mmm?query=SELECT 1");
  EXPECT_EQ(redact_url("postgresql://ana@db/mmm"), "postgresql://ana@db/mmm");
  EXPECT_EQ(redact_url("results.sqlite"), "results.sqlite");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
}

TEST(DatabaseSources, TableFingerprintDependsOnEveryCell) {
  CsvTable a;
  a.header = {"x", "y"};
  a.rows = {{"1", "23"}};
  CsvTable b = a;
  b.rows = {{"12", "3"}};
  EXPECT_NE(table_fingerprint(a), table_fingerprint(b));
  CsvTable c = a;
  c.path = "elsewhere";
  EXPECT_EQ(table_fingerprint(a), table_fingerprint(c));
  EXPECT_EQ(table_fingerprint(a).rfind("table:", 0), 0u);
  EXPECT_EQ(table_fingerprint(a).size(), 22u);
}

TEST(DatabaseSources, BadDatabaseIsAnInputError) {
  TempDir dir;
  const std::string not_db = dir.write("text.sqlite", "this is not a database, just text\n");
  EXPECT_THROW(open_database(not_db), InputError);
  EXPECT_THROW(open_database("postgresql:///nodb?host=/nonexistent-socket-dir"), InputError);
}

}  // namespace
}  // namespace mmm
