// `mmm simulate --flow-channels/--stock-channels` and `mmm fit` with flow and stock channels
// end to end (SPEC §9–11): the curve tables, model.json, the allocation and bad input.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

const char* kKinds =
    "[channels.flow_1]\nkind = \"flow\"\n[channels.stock_1]\nkind = \"stock\"\nmu = 10\n";

class CliFlowStock : public ::testing::Test {
 protected:
  void SetUp() override {
    const CliResult sim =
        run_mmm({"simulate", "--weeks", "156", "--channels", "2", "--flow-channels", "1",
                 "--stock-channels", "1", "--seed", "4", "--quiet", "--out", dir_ / "data.csv"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    write_text(dir_ / "kinds.toml", kKinds);
  }
  CliResult fit(std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> args = {
        "fit",   "--data",   dir_ / "data.csv", "--config", dir_ / "kinds.toml",
        "--out", dir_ / out, "--budget",        "300",      "--bootstrap",
        "30",    "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }
  TempDir dir_;
};

TEST_F(CliFlowStock, SimulateWritesTheKindColumnsAndTruth) {
  const CsvFile data = read_csv(dir_ / "data.csv");
  EXPECT_EQ(data.header_line, "date,tv,search,flow_1,stock_1,revenue");
  const auto truth = nlohmann::json::parse(read_text(dir_ / "data.truth.json"));
  for (const char* key : {"a", "b", "lambda"})
    EXPECT_TRUE(truth["flow_channels"]["flow_1"].contains(key));
  for (const char* key : {"a", "b", "mu", "sigma"})
    EXPECT_TRUE(truth["stock_channels"]["stock_1"].contains(key));
}

TEST_F(CliFlowStock, FitWritesFlowAndStockCurves) {
  const CliResult r = fit({}, "res");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const CsvFile flow = read_csv(dir_ / "res/flow_curves.csv");
  EXPECT_EQ(flow.header_line, "CHANNEL,SPEND,MEAN,LOWER,UPPER,MARGINAL");
  ASSERT_EQ(flow.rows.size(), 100u);
  for (const auto& row : flow.rows) {
    EXPECT_EQ(row[0], "flow_1");
    EXPECT_LE(std::stod(row[3]), std::stod(row[2]) + 1e-9);
    EXPECT_GE(std::stod(row[4]), std::stod(row[2]) - 1e-9);
  }
  const CsvFile stock = read_csv(dir_ / "res/stock_curves.csv");
  EXPECT_EQ(
      stock.header_line,
      "CHANNEL,UNITS,MEAN,SD_TOUCH,SD_TOTAL,LOWER_1SD,UPPER_1SD,LOWER_2SD,UPPER_2SD,LOWER_3SD,"
      "UPPER_3SD,MARGINAL");
  ASSERT_EQ(stock.rows.size(), 100u);
  const auto& mid = stock.rows[50];
  const double mean = std::stod(mid[2]), sd = std::stod(mid[3]);
  EXPECT_GE(std::stod(mid[4]), sd);
  EXPECT_NEAR(std::stod(mid[7]), mean - 2 * sd, 1e-6 * (1 + std::abs(mean)));
  EXPECT_NEAR(std::stod(mid[8]), mean + 2 * sd, 1e-6 * (1 + std::abs(mean)));

  const auto model = nlohmann::json::parse(read_text(dir_ / "res/model.json"));
  const auto& kinds = model["kind_channels"];
  EXPECT_EQ(kinds["flow_1"]["kind"], "flow");
  EXPECT_TRUE(kinds["flow_1"].contains("lambda"));
  EXPECT_EQ(kinds["stock_1"]["kind"], "stock");
  EXPECT_EQ(kinds["stock_1"]["mu"], 10.0);
  EXPECT_TRUE(model["kind_fit"].contains("coverage_2sd"));
  EXPECT_EQ(model["hyperparameters"]["channels"].size(), 2u);  // media channels only

  // The flow channel is allocated; the stock channel (units, not money) is not.
  const std::string alloc = read_text(dir_ / "res/budget_allocation.csv");
  EXPECT_NE(alloc.find("\nflow_1,"), std::string::npos);
  EXPECT_EQ(alloc.find("stock_1"), std::string::npos);
  const CsvFile decomposition = read_csv(dir_ / "res/decomposition.csv");
  EXPECT_EQ(decomposition.header_line, "DATE,ACTUAL,PREDICTED,BASELINE,tv,search,flow_1,stock_1");
}

TEST_F(CliFlowStock, ConservativeAndDeseasonalizeFlags) {
  const CliResult mean = fit({}, "mean");
  ASSERT_EQ(mean.exit_code, 0) << describe(mean);
  const CliResult cons = fit({"--conservative", "--deseasonalize"}, "cons");
  ASSERT_EQ(cons.exit_code, 0) << describe(cons);
  const auto model = nlohmann::json::parse(read_text(dir_ / "cons/model.json"));
  EXPECT_EQ(model["allocation"]["conservative"], true);
  EXPECT_EQ(model["kind_fit"]["deseasonalize"], true);
  const CliResult human =
      run_mmm({"fit", "--data", dir_ / "data.csv", "--config", dir_ / "kinds.toml", "--out",
               dir_ / "human", "--budget", "100", "--bootstrap", "10", "--conservative"});
  ASSERT_EQ(human.exit_code, 0) << describe(human);
  EXPECT_NE(human.out.find("flow  flow_1"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("stock stock_1"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("conservative"), std::string::npos) << human.out;
}

TEST_F(CliFlowStock, StockBeforeFlowInTheChannelListKeepsTheAllocationRowsApart) {
  const CliResult r = run_mmm({"fit", "--data", dir_ / "data.csv", "--channels",
                               "stock_1,tv,flow_1,search", "--config", dir_ / "kinds.toml", "--out",
                               dir_ / "order", "--budget", "100", "--bootstrap", "10"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const CsvFile alloc = read_csv(dir_ / "order/budget_allocation.csv");
  ASSERT_EQ(alloc.rows.size(), 4u);  // tv, search, flow_1, TOTAL
  EXPECT_EQ(alloc.rows[0][0], "tv");
  EXPECT_EQ(alloc.rows[1][0], "search");
  EXPECT_EQ(alloc.rows[2][0], "flow_1");
  char expected[64];
  std::snprintf(expected, sizeof expected, "recommended %.6g",
                std::stod(alloc.rows[2][static_cast<size_t>(alloc.column("RECOMMENDED_SPEND"))]));
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
}

void expect_bad_input(const CliResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CliFlowStock, BadInput) {
  write_text(dir_ / "ghost.toml", "[channels.ghost]\nkind = \"flow\"\n");
  expect_bad_input(run_mmm({"fit", "--data", dir_ / "data.csv", "--config", dir_ / "ghost.toml",
                            "--out", dir_ / "o1", "--quiet"}),
                   "ghost.toml:2: `kind`: kind given for channel `ghost`");
  write_text(dir_ / "bad.toml", "[channels.stock_1]\nkind = \"stocks\"\n");
  expect_bad_input(run_mmm({"fit", "--data", dir_ / "data.csv", "--config", dir_ / "bad.toml",
                            "--out", dir_ / "o2", "--quiet"}),
                   "bad.toml:2");
  // Negative units in a stock column name the cell.
  std::string text = read_text(dir_ / "data.csv");
  const size_t line2 = text.find('\n') + 1;
  const size_t comma = text.find(',', line2);
  std::vector<size_t> commas;
  for (size_t i = line2; text[i] != '\n'; ++i)
    if (text[i] == ',') commas.push_back(i);
  ASSERT_GE(commas.size(), 5u);
  (void)comma;
  text.replace(commas[3] + 1, commas[4] - commas[3] - 1, "-3");
  write_text(dir_ / "neg.csv", text);
  expect_bad_input(run_mmm({"fit", "--data", dir_ / "neg.csv", "--config", dir_ / "kinds.toml",
                            "--out", dir_ / "o3", "--quiet"}),
                   "stock_1");
  EXPECT_FALSE(fs::exists(dir_ / "o3"));
}

// A PID no process has: the planted temporary belongs to a run that is gone.
int dead_pid() {
  int pid = 999999;
  while (::kill(pid, 0) == 0 || errno != ESRCH) --pid;
  return pid;
}

TEST_F(CliFlowStock, PlainFitIntoAFlowFitsFolderLeavesOnlyItsOwnSet) {
  // Issue 13: the folder is the set of one run. The flow fit's curve tables are gone after a
  // plain fit into the same --out, a dead run's temporary is swept, the user's files stay.
  ASSERT_EQ(fit({}, "res").exit_code, 0);
  ASSERT_TRUE(fs::exists(dir_ / "res/flow_curves.csv"));
  ASSERT_TRUE(fs::exists(dir_ / "res/stock_curves.csv"));
  const std::string stale = ".model.json.tmp" + std::to_string(dead_pid());
  write_text(fs::path(dir_ / "res") / stale, "partial");
  write_text(dir_ / "res/notes.txt", "mine");
  write_text(dir_ / "res/.notes.txt.tmp1", "mine too");        // not one of mmm's names
  write_text(dir_ / "res/sweep_top.csv", "rank\n");            // another command's file
  fs::create_directory(dir_ / "res/segment_performance.csv");  // a folder of that name
  const CliResult plain =
      run_mmm({"fit", "--data", dir_ / "data.csv", "--channels", "tv,search", "--out", dir_ / "res",
               "--budget", "100", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_FALSE(fs::exists(dir_ / "res/flow_curves.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "res/stock_curves.csv"));
  EXPECT_FALSE(fs::exists(fs::path(dir_ / "res") / stale));
  EXPECT_EQ(read_text(dir_ / "res/notes.txt"), "mine");
  EXPECT_EQ(read_text(dir_ / "res/.notes.txt.tmp1"), "mine too");
  EXPECT_TRUE(fs::exists(dir_ / "res/sweep_top.csv"));
  EXPECT_TRUE(fs::is_directory(dir_ / "res/segment_performance.csv"));
  for (const char* name :
       {"model.json", "model_results.csv", "response_curves.csv", "budget_allocation.csv",
        "cv_folds.csv", "decomposition.csv", "search_trace.csv"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir_ / "res") / name)) << name;
  }
}

}  // namespace
}  // namespace mmm::test
