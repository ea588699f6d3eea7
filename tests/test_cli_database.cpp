// `mmm fit|sweep --db`, `mmm runs`, `--data` from a query, through the real binary, on a
// SQLite file and (under tools/with_postgres.sh) a real PostgreSQL server: the stored run
// exports back to the very files the run wrote; a run killed inside its transaction leaves
// nothing; concurrent runs into one database both land.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "host/database/run_writer.hpp"
#include "tests/cli_runner.hpp"
#include "tests/database_test_support.hpp"

namespace mmm::test {
namespace {

class CliDatabase : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
    if (!db_->available()) {
      GTEST_SKIP() << "no PostgreSQL server: run the tests under tools/with_postgres.sh "
                      "(tools/test.sh does), which sets MMM_TEST_POSTGRES_URL";
    }
    data_ = dir_ / "data.csv";
    const CliResult sim = run_mmm({"simulate", "--weeks", "104", "--channels", "3", "--seed", "4",
                                   "--out", data_, "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  }
  std::vector<std::string> fit_args(const std::string& out) const {
    return {"fit", "--data",          data_, "--out",     out, "--budget", "150", "--bootstrap",
            "10",  "--nested-budget", "0",   "--threads", "1", "--quiet"};
  }
  // Every file of `a` is in `b` with the same bytes, and nothing else.
  static void expect_same_files(const fs::path& a, const fs::path& b) {
    ASSERT_EQ(file_names(a), file_names(b));
    for (const std::string& name : file_names(a)) {
      EXPECT_EQ(read_text(a / name), read_text(b / name)) << name;
    }
  }
  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
  std::string data_;
};

TEST_P(CliDatabase, FitStoresItsRunAndExportsTheSameFiles) {
  std::vector<std::string> args = fit_args(dir_ / "fit");
  args.insert(args.end(), {"--db", db_->url()});
  const CliResult fit = run_mmm(args);
  ASSERT_EQ(fit.exit_code, 0) << describe(fit);
  const CliResult again = run_mmm(args);
  ASSERT_EQ(again.exit_code, 0) << describe(again);

  const CliResult list = run_mmm({"runs", "--db", db_->url()});
  ASSERT_EQ(list.exit_code, 0) << describe(list);
  const auto lines = split_lines(list.out);
  ASSERT_EQ(lines.size(), 3u) << list.out;
  EXPECT_NE(lines[2].find("fit"), std::string::npos);
  EXPECT_NE(lines[2].find("cpu"), std::string::npos);
  const CliResult csv = run_mmm({"runs", "--db", db_->url(), "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << describe(csv);
  const auto rows = split_lines(csv.out);
  ASSERT_EQ(rows.size(), 3u) << csv.out;
  EXPECT_EQ(rows[0], "run_id,created_at,command,data_source,backend,loss,r2,cv_mape");
  EXPECT_EQ(split_csv_line(rows[2]).at(0), "2");
  EXPECT_EQ(split_csv_line(rows[2]).at(3), data_);

  const CliResult exported =
      run_mmm({"runs", "--db", db_->url(), "--run", "2", "--out", dir_ / "back"});
  ASSERT_EQ(exported.exit_code, 0) << describe(exported);
  expect_same_files(dir_.path() / "fit", dir_.path() / "back");

  auto db = db_->open();
  const SqlRows run = db->query(
      "SELECT command, data_fingerprint, backend, mmm_version, loss, settings FROM runs WHERE "
      "run_id = 2");
  EXPECT_EQ(*run.rows[0][0], "fit");
  EXPECT_EQ(run.rows[0][1]->rfind("file:", 0), 0u);
  EXPECT_EQ(run.rows[0][2]->rfind("cpu", 0), 0u) << *run.rows[0][2];  // "cpu (1 thread)"
  EXPECT_EQ(*run.rows[0][3], MMM_VERSION);
  EXPECT_GT(std::stod(*run.rows[0][4]), 0.0);
  EXPECT_NE(run.rows[0][5]->find("\"--budget\",\"150\""), std::string::npos) << *run.rows[0][5];
  // The tables hold rows of both runs, and model_results the fit's channels.
  EXPECT_EQ(*db->query("SELECT count(DISTINCT run_id) FROM decomposition").rows[0][0], "2");
  EXPECT_EQ(*db->query("SELECT count(*) FROM model_results WHERE run_id = 1").rows[0][0],
            std::to_string(read_csv(dir_.path() / "fit" / "model_results.csv").rows.size()));
}

TEST_P(CliDatabase, SweepAndSegmentedFitStoreTheirTables) {
  const CliResult sweep = run_mmm({"sweep", "--data", data_, "--out", dir_ / "sweep", "--n", "256",
                                   "--top", "20", "--threads", "1", "--quiet", "--db", db_->url()});
  ASSERT_EQ(sweep.exit_code, 0) << describe(sweep);
  const std::string long_data = dir_ / "long.csv";
  ASSERT_EQ(run_mmm({"simulate", "--weeks", "60", "--channels", "2", "--segments", "3", "--seed",
                     "2", "--out", long_data, "--quiet"})
                .exit_code,
            0);
  const CliResult seg = run_mmm({"fit", "--data", long_data, "--segments", "segment", "--out",
                                 dir_ / "seg", "--budget", "100", "--bootstrap", "5", "--threads",
                                 "1", "--quiet", "--db", db_->url()});
  ASSERT_EQ(seg.exit_code, 0) << describe(seg);
  for (const char* run : {"1", "2"}) {
    const std::string back = dir_ / (std::string("back") + run);
    const CliResult ex = run_mmm({"runs", "--db", db_->url(), "--run", run, "--out", back});
    ASSERT_EQ(ex.exit_code, 0) << describe(ex);
  }
  expect_same_files(dir_.path() / "sweep", dir_.path() / "back1");
  expect_same_files(dir_.path() / "seg", dir_.path() / "back2");
  auto db = db_->open();
  EXPECT_EQ(*db->query("SELECT count(*) FROM sweep_top").rows[0][0], "20");
  EXPECT_EQ(*db->query("SELECT command FROM runs WHERE run_id = 2").rows[0][0], "fit --segments");
  EXPECT_FALSE(db->table_columns("segment_performance").empty());
}

TEST_P(CliDatabase, DataFromAQueryFitsLikeTheFile) {
  // The CSV loaded into a table through the same typed writer, then read back by a query.
  auto db = db_->open();
  RunRecord rec;
  rec.command = "import";
  fs::copy_file(data_, dir_.path() / "weekly.csv");
  write_run(*db, rec, dir_.path().string(), {"weekly.csv"});
  const CliResult file = run_mmm(fit_args(dir_ / "from_file"));
  ASSERT_EQ(file.exit_code, 0) << describe(file);
  std::vector<std::string> args = fit_args(dir_ / "from_query");
  // The CSV's own columns, in its order (not mmm's run_id and run_row).
  std::string cols;
  for (const std::string& h : read_csv(data_).header)
    cols += (cols.empty() ? "" : ", ") + quote_identifier(h);
  args[2] = db_->data_url("SELECT " + cols + " FROM weekly WHERE run_id = 1 ORDER BY run_row");
  const CliResult exact = run_mmm(args);
  ASSERT_EQ(exact.exit_code, 0) << describe(exact);
  for (const char* f : {"model_results.csv", "budget_allocation.csv", "decomposition.csv"}) {
    EXPECT_EQ(read_text(dir_.path() / "from_file" / f), read_text(dir_.path() / "from_query" / f))
        << f;
  }
  // --query beside the URL is the same.
  args[2] = db_->source();
  args.insert(args.end(), {"--query", "SELECT " + cols + " FROM weekly ORDER BY run_row"});
  args[4] = dir_ / "from_flag";
  const CliResult flag = run_mmm(args);
  ASSERT_EQ(flag.exit_code, 0) << describe(flag);
  EXPECT_EQ(read_text(dir_.path() / "from_file" / "model_results.csv"),
            read_text(dir_.path() / "from_flag" / "model_results.csv"));
}

TEST_P(CliDatabase, SegmentedDataFromAQueryFitsLikeTheFile) {
  const std::string long_data = dir_ / "long.csv";
  ASSERT_EQ(run_mmm({"simulate", "--weeks", "60", "--channels", "2", "--segments", "3", "--seed",
                     "5", "--out", long_data, "--quiet"})
                .exit_code,
            0);
  auto db = db_->open();
  RunRecord rec;
  rec.command = "import";
  write_run(*db, rec, dir_.path().string(), {"long.csv"});
  std::vector<std::string> args = {"fit",   "--data",    long_data,  "--segments", "segment",
                                   "--out", dir_ / "f",  "--budget", "100",        "--bootstrap",
                                   "5",     "--threads", "1",        "--quiet"};
  const CliResult file = run_mmm(args);
  ASSERT_EQ(file.exit_code, 0) << describe(file);
  std::string cols;
  for (const std::string& h : read_csv(long_data).header)
    cols += (cols.empty() ? "" : ", ") + quote_identifier(h);
  args[2] = db_->data_url("SELECT " + cols + " FROM long ORDER BY run_row");
  args[6] = dir_ / "q";
  const CliResult query = run_mmm(args);
  ASSERT_EQ(query.exit_code, 0) << describe(query);
  for (const char* f : {"model_results.csv", "segment_performance.csv", "decomposition.csv"}) {
    EXPECT_EQ(read_text(dir_.path() / "f" / f), read_text(dir_.path() / "q" / f)) << f;
  }
}

TEST_P(CliDatabase, ChannelLongDataFromAQueryFitsLikeTheFile) {
  const std::string warehouse = dir_ / "warehouse.csv";
  ASSERT_EQ(run_mmm({"simulate", "--weeks", "60", "--channels", "2", "--format", "long", "--seed",
                     "6", "--out", warehouse, "--quiet"})
                .exit_code,
            0);
  auto db = db_->open();
  RunRecord rec;
  rec.command = "import";
  write_run(*db, rec, dir_.path().string(), {"warehouse.csv"});
  std::vector<std::string> args = {"fit",   "--data",    warehouse,  "--format", "long",
                                   "--out", dir_ / "f",  "--budget", "100",      "--bootstrap",
                                   "5",     "--threads", "1",        "--quiet"};
  const CliResult file = run_mmm(args);
  ASSERT_EQ(file.exit_code, 0) << describe(file);
  std::string cols;
  for (const std::string& h : read_csv(warehouse).header)
    cols += (cols.empty() ? "" : ", ") + quote_identifier(h);
  args[2] = db_->data_url("SELECT " + cols + " FROM warehouse ORDER BY run_row");
  args[6] = dir_ / "q";
  const CliResult query = run_mmm(args);
  ASSERT_EQ(query.exit_code, 0) << describe(query);
  EXPECT_NE(read_text(dir_.path() / "q" / "model_results.csv").find("tv_GLOBAL_all"),
            std::string::npos);
  for (const char* f : {"model_results.csv", "decomposition.csv"}) {
    EXPECT_EQ(read_text(dir_.path() / "f" / f), read_text(dir_.path() / "q" / f)) << f;
  }
}

TEST_P(CliDatabase, BadQueryCellNamesRowAndColumn) {
  auto db = db_->open();
  db->query("CREATE TABLE w (date TEXT, revenue TEXT, tv TEXT)");
  db->insert_rows("w", {"date", "revenue", "tv"},
                  {{{"2024-01-01"}, {"10"}, {"1"}},
                   {{"2024-01-08"}, {"11"}, {"2"}},
                   {{"2024-01-15"}, {"12"}, {"abc"}}});
  const CliResult r = run_mmm({"fit", "--data", db_->data_url("SELECT * FROM w ORDER BY date"),
                               "--channels", "tv", "--out", dir_ / "bad", "--quiet"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("error: query result, row 3, column `tv`: value `abc`: expected a number"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "bad"));
  const CliResult no_query =
      run_mmm({"fit", "--data", data_, "--query", "SELECT 1", "--out", dir_ / "bad", "--quiet"});
  EXPECT_EQ(no_query.exit_code, 2) << describe(no_query);
}

TEST_P(CliDatabase, RunKilledInsideItsTransactionLeavesNothing) {
  const std::string marker = dir_ / "in_transaction";
  std::vector<std::string> args = fit_args(dir_ / "killed");
  args.insert(args.end(), {"--db", db_->url()});
  const pid_t pid =
      spawn_mmm(args, {{"MMM_TEST_DB_PAUSE_FILE", marker}, {"MMM_TEST_DB_PAUSE_SECONDS", "120"}});
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 1200 && !fs::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(fs::exists(marker)) << "the run never reached its transaction";
  // Every table of the run was inserted by now; the commit has not happened.
  ::kill(pid, SIGKILL);
  EXPECT_EQ(wait_for(pid), 128 + SIGKILL);
  {
    auto db = db_->open();
    EXPECT_EQ(count_runs(*db), 0);
    EXPECT_TRUE(db->table_columns("model_results").empty());
  }
  // The database is whole: the next run lands as run 1.
  const CliResult next = run_mmm(args);
  ASSERT_EQ(next.exit_code, 0) << describe(next);
  auto db = db_->open();
  EXPECT_EQ(count_runs(*db), 1);
  EXPECT_EQ(*db->query("SELECT max(run_id) FROM runs").rows[0][0], "1");
}

TEST_P(CliDatabase, ConcurrentRunsBothLand) {
  // Run A holds the write transaction for 3 s; run B starts meanwhile and must wait, not fail.
  const std::string marker = dir_ / "a_in_transaction";
  std::vector<std::string> a = fit_args(dir_ / "a");
  a.insert(a.end(), {"--db", db_->url()});
  const pid_t pid =
      spawn_mmm(a, {{"MMM_TEST_DB_PAUSE_FILE", marker}, {"MMM_TEST_DB_PAUSE_SECONDS", "3"}});
  for (int i = 0; i < 1200 && !fs::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(fs::exists(marker));
  std::vector<std::string> b = fit_args(dir_ / "b");
  b.insert(b.end(), {"--db", db_->url(), "--seed", "9"});
  const CliResult rb = run_mmm(b);
  EXPECT_EQ(rb.exit_code, 0) << describe(rb);
  EXPECT_EQ(wait_for(pid), 0);
  auto db = db_->open();
  EXPECT_EQ(count_runs(*db), 2);
  EXPECT_EQ(*db->query("SELECT count(DISTINCT run_id) FROM model_results").rows[0][0], "2");
}

TEST_P(CliDatabase, NewerSchemaIsRefusedBeforeTheWork) {
  auto db = db_->open();
  db->query("CREATE TABLE schema_version (version " + db->sql_type(ColumnType::kInteger) + ")");
  db->query("INSERT INTO schema_version (version) VALUES (2)");
  std::vector<std::string> args = fit_args(dir_ / "refused");
  args.insert(args.end(), {"--db", db_->url()});
  const CliResult r = run_mmm(args);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("schema version 2, newer than this mmm's 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "refused"));
  const CliResult list = run_mmm({"runs", "--db", db_->url()});
  EXPECT_EQ(list.exit_code, 2) << describe(list);
}

INSTANTIATE_TEST_SUITE_P(Engines, CliDatabase, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(CliRuns, MissingDatabaseAndBadFlags) {
  TempDir dir;
  const CliResult missing = run_mmm({"runs", "--db", dir / "none.sqlite"});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_NE(missing.err.find("no SQLite database"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir.path() / "none.sqlite"));
  EXPECT_EQ(run_mmm({"runs", "--db", dir / "x.sqlite", "--run", "1"}).exit_code, 2);
}

}  // namespace
}  // namespace mmm::test
