// Automatic channel detection (host/data/channel_detection): each rule on constructed columns,
// and through the CLI on the public files: Robyn's dt_simulated_weekly.csv finds exactly its
// five `_S` spend columns, PyMC-Marketing's mmm_example.csv exactly x1 and x2 (its events
// become controls, its day of year and time index are left out), and `mmm simulate --controls`
// output uses its ctrl_k columns as controls.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/data/channel_detection.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

std::vector<Date> weekly(int n, Date start = Date{2021, 1, 4}) {
  std::vector<Date> d;
  for (int t = 0; t < n; ++t) d.push_back(start.plus_days(7 * t));
  return d;
}

Eigen::VectorXd column(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out[i++] = x;
  return out;
}

TEST(ChannelDetection, SpendIsTheDefault) {
  const ColumnDecision d = classify_column("tv", column({0, 120.5, 300, 80}), weekly(4), false);
  EXPECT_EQ(d.role, ColumnRole::Spend);
}

TEST(ChannelDetection, ControlNamesAreControls) {
  for (const char* name : {"competitor_sales_B", "price_B", "ctrl_1", "Competitor", "control_x"}) {
    EXPECT_EQ(classify_column(name, column({5, 6, 7, 9}), weekly(4), false).role,
              ColumnRole::Control)
        << name;
  }
}

TEST(ChannelDetection, RobynSuffixConventionKeepsOnlySpendSuffix) {
  EXPECT_TRUE(uses_spend_suffix({"tv_S", "facebook_I"}));
  EXPECT_FALSE(uses_spend_suffix({"tv", "search"}));
  const Eigen::VectorXd v = column({10, 20, 30, 25});
  EXPECT_EQ(classify_column("tv_S", v, weekly(4), true).role, ColumnRole::Spend);
  const ColumnDecision impressions = classify_column("facebook_I", v, weekly(4), true);
  EXPECT_EQ(impressions.role, ColumnRole::Ignored);
  EXPECT_NE(impressions.reason.find("exposure"), std::string::npos);
  EXPECT_EQ(classify_column("search_clicks_P", v, weekly(4), true).role, ColumnRole::Ignored);
  EXPECT_EQ(classify_column("newsletter", v, weekly(4), true).role, ColumnRole::Ignored);
  // Without the convention the same names are spend.
  EXPECT_EQ(classify_column("newsletter", v, weekly(4), false).role, ColumnRole::Spend);
}

TEST(ChannelDetection, EventDummiesAreControls) {
  const ColumnDecision d = classify_column("event_1", column({0, 0, 1, 0, 0}), weekly(5), false);
  EXPECT_EQ(d.role, ColumnRole::Control);
  EXPECT_NE(d.reason.find("event dummy"), std::string::npos);
}

TEST(ChannelDetection, TimeIndexAndDayOfYearAreIgnored) {
  EXPECT_EQ(classify_column("t", column({0, 1, 2, 3, 4}), weekly(5), false).role,
            ColumnRole::Ignored);
  // 2021-01-04 is day 4; weekly: 4, 11, 18, 25, 32.
  const ColumnDecision doy =
      classify_column("dayofyear", column({4, 11, 18, 25, 32}), weekly(5), false);
  EXPECT_EQ(doy.role, ColumnRole::Ignored);
  EXPECT_NE(doy.reason.find("day of the year"), std::string::npos);
  // Integers that are neither: spend.
  EXPECT_EQ(classify_column("radio", column({4, 90, 18, 0, 32}), weekly(5), false).role,
            ColumnRole::Spend);
}

TEST(ChannelDetection, NegativeValuesAreNotSpend) {
  EXPECT_EQ(classify_column("temperature", column({3.5, -2, 1, 4}), weekly(4), false).role,
            ColumnRole::Ignored);
}

}  // namespace

namespace test {
namespace {

nlohmann::json fit_json(const std::string& data, const std::string& out) {
  const CliResult r = run_mmm(
      {"fit", "--data", data, "--out", out, "--budget", "200", "--bootstrap", "0", "--json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  return nlohmann::json::parse(read_text(out + "/model.json"));
}

std::vector<std::string> channels_of(const nlohmann::json& model) {
  std::vector<std::string> out;
  for (const auto& [name, h] : model["hyperparameters"]["channels"].items()) out.push_back(name);
  return out;
}

TEST(ChannelDetectionCli, RobynFindsExactlyItsSpendColumns) {
  TempDir dir;
  const nlohmann::json m =
      fit_json(std::string(MMM_SOURCE_DIR) + "/tests/data/dt_simulated_weekly.csv", dir / "o");
  std::vector<std::string> got = channels_of(m);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"facebook_S", "ooh_S", "print_S", "search_S", "tv_S"}));
  const std::vector<std::string> columns = m["columns"];
  EXPECT_NE(std::find(columns.begin(), columns.end(), "competitor_sales_B"), columns.end());
}

TEST(ChannelDetectionCli, PymcExampleFindsExactlyX1AndX2) {
  TempDir dir;
  const CliResult r =
      run_mmm({"fit", "--data", std::string(MMM_SOURCE_DIR) + "/tests/data/mmm_example.csv",
               "--out", dir / "o", "--budget", "200", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = nlohmann::json::parse(read_text(dir / "o/model.json"));
  std::vector<std::string> got = channels_of(m);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"x1", "x2"}));
  const std::vector<std::string> columns = m["columns"];
  for (const char* control : {"event_1", "event_2"})
    EXPECT_NE(std::find(columns.begin(), columns.end(), control), columns.end()) << control;
  for (const char* left_out : {"dayofyear", "t"}) {
    EXPECT_EQ(std::find(columns.begin(), columns.end(), left_out), columns.end()) << left_out;
    EXPECT_NE(r.err.find("column `" + std::string(left_out) + "` is not used as spend"),
              std::string::npos)
        << r.err;
  }
}

TEST(ChannelDetectionCli, SimulatedControlsAreControls) {
  TempDir dir;
  const CliResult sim = run_mmm({"simulate", "--weeks", "80", "--channels", "3", "--controls", "2",
                                 "--seed", "4", "--out", dir / "d.csv"});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  const nlohmann::json m = fit_json(dir / "d.csv", dir / "o");
  std::vector<std::string> got = channels_of(m);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"search", "social", "tv"}));
  const std::vector<std::string> columns = m["columns"];
  for (const char* control : {"ctrl_1", "ctrl_2"})
    EXPECT_NE(std::find(columns.begin(), columns.end(), control), columns.end()) << control;
}

}  // namespace
}  // namespace test
}  // namespace mmm
