// Wide CSV loading and validation (host/data/wide_csv_loader.hpp, SPEC §3). Every error test
// checks that the message names the file, the line, the column and the bad value.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <random>
#include <string>

#include "host/common/errors.hpp"
#include "host/data/wide_csv_loader.hpp"

namespace mmm {
namespace {

namespace fs = std::filesystem;

// Lines: header 1, data rows on lines 2..5.
const char* const kGood =
    "date,revenue,tv,radio,price\n"
    "2021-01-04,100,10,5,1.5\n"
    "2021-01-11,110,0,6,1.6\n"
    "2021-01-18,120,12,0,1.4\n"
    "2021-01-25,130,14,7,1.5\n";

ColumnSelection explicit_selection() {
  ColumnSelection s;
  s.date_column = "date";
  s.kpi_column = "revenue";
  s.channels = {"tv", "radio"};
  s.controls = {"price"};
  return s;
}

class WideCsvLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mmm_wide_" + std::string(info->name()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& content, const std::string& name = "data.csv") {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  // Loads `content` and returns the InputError message (fails the test if none is thrown).
  std::string error_of(const std::string& content, const ColumnSelection& sel) {
    const std::string path = write(content);
    try {
      load_wide_csv(path, sel);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError";
    return "";
  }
  std::string path() const { return (dir_ / "data.csv").string(); }
  fs::path dir_;
};

void expect_contains(const std::string& msg, std::initializer_list<std::string> parts) {
  for (const std::string& p : parts) {
    EXPECT_NE(msg.find(p), std::string::npos) << "`" << p << "` is missing from: " << msg;
  }
}

bool has_notice(const Dataset& ds, const std::string& part) {
  return std::any_of(ds.notices.begin(), ds.notices.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST_F(WideCsvLoaderTest, LoadsExplicitColumns) {
  const Dataset ds = load_wide_csv(write(kGood), explicit_selection());
  EXPECT_EQ(ds.source, path());
  EXPECT_EQ(ds.date_column, "date");
  EXPECT_EQ(ds.kpi_column, "revenue");
  ASSERT_EQ(ds.rows(), 4);
  EXPECT_EQ(ds.dates[0].to_string(), "2021-01-04");
  EXPECT_EQ(ds.dates[3].to_string(), "2021-01-25");
  EXPECT_EQ(ds.channels, (std::vector<std::string>{"tv", "radio"}));
  EXPECT_EQ(ds.controls, (std::vector<std::string>{"price"}));
  ASSERT_EQ(ds.spend.rows(), 4);
  ASSERT_EQ(ds.spend.cols(), 2);
  EXPECT_DOUBLE_EQ(ds.spend(0, 0), 10.0);
  EXPECT_DOUBLE_EQ(ds.spend(3, 1), 7.0);
  EXPECT_DOUBLE_EQ(ds.kpi[2], 120.0);
  ASSERT_EQ(ds.control_values.cols(), 1);
  EXPECT_DOUBLE_EQ(ds.control_values(1, 0), 1.6);
  EXPECT_EQ(ds.filled_missing_spend, 0);
  EXPECT_TRUE(ds.notices.empty()) << ds.notices.front();
}

TEST_F(WideCsvLoaderTest, MissingFile) {
  try {
    load_wide_csv((dir_ / "absent.csv").string(), explicit_selection());
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    expect_contains(e.what(), {"absent.csv", "No such file or directory"});
  }
}

TEST_F(WideCsvLoaderTest, EmptyFile) {
  expect_contains(error_of("", explicit_selection()), {path(), "is empty"});
}

TEST_F(WideCsvLoaderTest, HeaderOnly) {
  expect_contains(error_of("date,revenue,tv\n", explicit_selection()),
                  {path(), "has a header but no data rows"});
}

TEST_F(WideCsvLoaderTest, MissingDateColumn) {
  ColumnSelection s = explicit_selection();
  s.date_column = "week";
  expect_contains(error_of(kGood, s), {path(), "no date column `week`",
                                       "columns are: date, revenue, tv, radio, price"});
  expect_contains(error_of("day,revenue,tv\n2021-01-04,1,2\n", ColumnSelection{}),
                  {path(), "no date column found", "week_start", "--date-col", "day"});
}

TEST_F(WideCsvLoaderTest, MissingKpiColumn) {
  ColumnSelection s = explicit_selection();
  s.kpi_column = "sales";
  expect_contains(error_of(kGood, s), {path() + ": no KPI column `sales`; columns are: date, "
                                                "revenue, tv, radio, price"});
  expect_contains(error_of("date,profit,tv\n2021-01-04,1,2\n", ColumnSelection{}),
                  {"no KPI column found", "--kpi-col", "profit"});
}

TEST_F(WideCsvLoaderTest, MissingChannelColumn) {
  ColumnSelection s = explicit_selection();
  s.channels = {"tv", "tiktok"};
  expect_contains(error_of(kGood, s), {path(), "no channel column `tiktok`", "columns are:"});
  s = explicit_selection();
  s.controls = {"temperature"};
  expect_contains(error_of(kGood, s), {path(), "no control column `temperature`"});
}

TEST_F(WideCsvLoaderTest, ColumnUsedTwice) {
  ColumnSelection s = explicit_selection();
  s.controls = {"tv"};
  expect_contains(error_of(kGood, s), {path(), "`tv`", "control", "channel"});
  s = explicit_selection();
  s.channels = {"tv", "revenue"};
  expect_contains(error_of(kGood, s), {"`revenue`", "KPI"});
  s = explicit_selection();
  s.channels = {"tv", "tv"};
  expect_contains(error_of(kGood, s), {"`tv`", "listed twice", "--channels"});
}

TEST_F(WideCsvLoaderTest, UnparsableDate) {
  const std::string msg = error_of(
      "date,revenue,tv\n2021-01-04,1,2\n2021-01-32,1,2\n2021-01-18,1,2\n", ColumnSelection{});
  expect_contains(msg, {path() + ":3:1", "`date`", "`2021-01-32`", "ISO 8601"});
}

TEST_F(WideCsvLoaderTest, DuplicateDate) {
  const std::string msg = error_of(
      "date,revenue,tv\n2021-01-04,1,2\n2021-01-11,1,2\n2021-01-11,1,2\n", ColumnSelection{});
  expect_contains(msg, {path() + ":4:1", "`date`", "duplicate date `2021-01-11`", "line 3",
                        "for long data (one row per date and market) pass --segments COL"});
}

TEST_F(WideCsvLoaderTest, DatesNotStrictlyIncreasing) {
  const std::string msg = error_of(
      "date,revenue,tv\n2021-01-04,1,2\n2021-01-18,1,2\n2021-01-11,1,2\n", ColumnSelection{});
  expect_contains(
      msg, {path() + ":4:1", "`date`", "`2021-01-11`", "`2021-01-18` on line 3", "increasing"});
}

TEST_F(WideCsvLoaderTest, IrregularSpacing) {
  const std::string msg =
      error_of("date,revenue,tv\n2021-01-04,1,2\n2021-01-11,1,2\n2021-01-18,1,2\n2021-01-26,1,2\n",
               ColumnSelection{});
  expect_contains(
      msg, {path() + ":5:1", "`date`", "`2021-01-26`", "8 days", "line 4", "expected 7 days"});
}

TEST_F(WideCsvLoaderTest, NonNumericCell) {
  std::string csv = kGood;
  csv.replace(csv.find("110,0,"), 6, "110,abc,");
  expect_contains(error_of(csv, explicit_selection()),
                  {path() + ":3:3", "`tv`", "`abc`", "expected a number"});
}

TEST_F(WideCsvLoaderTest, NanCell) {
  std::string csv = kGood;
  csv.replace(csv.find("120"), 3, "NaN");
  expect_contains(error_of(csv, explicit_selection()),
                  {path() + ":4:2", "`revenue`", "`NaN`", "expected a finite number"});
}

TEST_F(WideCsvLoaderTest, InfCell) {
  std::string csv = kGood;
  csv.replace(csv.find("1.6"), 3, "inf");
  expect_contains(error_of(csv, explicit_selection()),
                  {path() + ":3:5", "`price`", "`inf`", "expected a finite number"});
}

TEST_F(WideCsvLoaderTest, NegativeSpend) {
  std::string csv = kGood;
  csv.replace(csv.find(",6,"), 3, ",-6,");
  expect_contains(error_of(csv, explicit_selection()),
                  {path() + ":3:4", "`radio`", "`-6`", "spend ≥ 0"});
}

TEST_F(WideCsvLoaderTest, EmptyKpiOrControlCellIsError) {
  std::string csv = kGood;
  csv.replace(csv.find(",130,"), 5, ",,");
  expect_contains(error_of(csv, explicit_selection()), {path() + ":5:2", "`revenue`"});
  csv = kGood;
  csv.replace(csv.find(",1.4"), 4, ",");
  expect_contains(error_of(csv, explicit_selection()), {path() + ":4:5", "`price`"});
}

TEST_F(WideCsvLoaderTest, AllZeroChannelExplicitIsError) {
  const char* csv = "date,revenue,tv,radio\n2021-01-04,1,2,0\n2021-01-11,1,3,0\n";
  ColumnSelection s;
  s.channels = {"tv", "radio"};
  expect_contains(error_of(csv, s), {path(), "channel `radio` has zero spend in every period",
                                     "remove it from --channels"});
}

TEST_F(WideCsvLoaderTest, AllZeroChannelAutoIsDroppedWithNotice) {
  const Dataset ds = load_wide_csv(
      write("date,revenue,tv,radio\n2021-01-04,1,2,0\n2021-01-11,1,3,\n"), ColumnSelection{});
  EXPECT_EQ(ds.channels, (std::vector<std::string>{"tv"}));
  EXPECT_EQ(ds.spend.cols(), 1);
  EXPECT_DOUBLE_EQ(ds.spend(1, 0), 3.0);
  EXPECT_EQ(ds.filled_missing_spend, 0);  // the dropped column's empty cell does not count
  EXPECT_TRUE(has_notice(ds, "dropping channel `radio`: zero spend in every period"));
}

TEST_F(WideCsvLoaderTest, NoChannelsIsError) {
  expect_contains(error_of("date,revenue,label\n2021-01-04,1,x\n", ColumnSelection{}),
                  {path(), "no spend columns found", "--channels"});
}

TEST_F(WideCsvLoaderTest, ConstantControlGivesNoticeAndIsKept) {
  ColumnSelection s = explicit_selection();
  s.controls = {"holiday"};
  const Dataset ds = load_wide_csv(write("date,revenue,tv,radio,holiday\n2021-01-04,1,2,3,1\n"
                                         "2021-01-11,1,2,3,1\n2021-01-18,1,2,3,1\n"),
                                   s);
  EXPECT_EQ(ds.controls, (std::vector<std::string>{"holiday"}));
  ASSERT_EQ(ds.control_values.cols(), 1);
  EXPECT_DOUBLE_EQ(ds.control_values(2, 0), 1.0);
  EXPECT_TRUE(has_notice(
      ds, "control `holiday` is constant; it carries no information and gets coefficient 0"));
}

TEST_F(WideCsvLoaderTest, QuotedTextWithCommaKeepsAlignment) {
  const Dataset ds = load_wide_csv(write("date,campaign,revenue,tv\n"
                                         "2021-01-04,\"spring, north\",100,10\n"
                                         "2021-01-11,\"summer, \"\"big\"\"\",110,20\n"),
                                   ColumnSelection{});
  EXPECT_EQ(ds.channels, (std::vector<std::string>{"tv"}));  // text column is not a channel
  EXPECT_DOUBLE_EQ(ds.kpi[1], 110.0);
  EXPECT_DOUBLE_EQ(ds.spend(1, 0), 20.0);
}

TEST_F(WideCsvLoaderTest, Utf8BomBeforeHeader) {
  const Dataset ds = load_wide_csv(write("\xEF\xBB\xBF"
                                         "date,revenue,tv\n2021-01-04,1,2\n2021-01-11,3,4\n"),
                                   ColumnSelection{});
  EXPECT_EQ(ds.date_column, "date");
  EXPECT_EQ(ds.dates[1].to_string(), "2021-01-11");
  EXPECT_DOUBLE_EQ(ds.kpi[1], 3.0);
}

TEST_F(WideCsvLoaderTest, CrlfLineEndings) {
  const Dataset ds = load_wide_csv(write("date,revenue,tv\r\n2021-01-04,1,2\r\n2021-01-11,3,4\r\n"),
                                   ColumnSelection{});
  ASSERT_EQ(ds.rows(), 2);
  EXPECT_DOUBLE_EQ(ds.spend(1, 0), 4.0);  // no stray '\r' glued to the last column
}

TEST_F(WideCsvLoaderTest, AutoDetectsDateAndKpiCaseInsensitively) {
  const Dataset ds = load_wide_csv(write("Week_Start,Revenue,TV,events,Radio\n"
                                         "2021-01-04,100,10,na,1\n"
                                         "2021-01-11,110,20,na,2\n"),
                                   ColumnSelection{});
  EXPECT_EQ(ds.date_column, "Week_Start");
  EXPECT_EQ(ds.kpi_column, "Revenue");
  EXPECT_EQ(ds.channels, (std::vector<std::string>{"TV", "Radio"}));  // `events` is text
  ASSERT_FALSE(ds.notices.empty());
  EXPECT_EQ(ds.notices[0],
            "using date column `Week_Start` and KPI column `Revenue` (found automatically; set "
            "--date-col/--kpi-col to choose)");
  EXPECT_TRUE(has_notice(ds, "using channels TV, Radio (found automatically"));
}

TEST_F(WideCsvLoaderTest, EmptySpendCellFilledWithZeroAndCounted) {
  std::string csv = kGood;
  csv.replace(csv.find(",12,0,"), 6, ",,0,");  // tv on line 4
  csv.replace(csv.find(",5,"), 3, ", ,");      // radio on line 2 (only blanks)
  const Dataset ds = load_wide_csv(write(csv), explicit_selection());
  EXPECT_EQ(ds.filled_missing_spend, 2);
  EXPECT_DOUBLE_EQ(ds.spend(2, 0), 0.0);
  EXPECT_DOUBLE_EQ(ds.spend(0, 1), 0.0);
  EXPECT_DOUBLE_EQ(ds.spend(3, 0), 14.0);
  EXPECT_TRUE(has_notice(ds, "filled 2 empty spend cells with 0 (tv: 1, radio: 1)"));
}

TEST_F(WideCsvLoaderTest, RobynSimulatedWeekly) {
  const std::string file = MMM_SOURCE_DIR "/tests/data/dt_simulated_weekly.csv";
  ASSERT_TRUE(fs::exists(file)) << "bundled test data missing: " << file;
  ColumnSelection s;
  s.date_column = "DATE";
  s.kpi_column = "revenue";
  s.channels = {"tv_S", "ooh_S", "print_S", "facebook_S", "search_S"};
  s.controls = {"competitor_sales_B"};
  const Dataset ds = load_wide_csv(file, s);
  ASSERT_EQ(ds.rows(), 208);
  EXPECT_EQ(ds.dates.front().to_string(), "2015-11-23");
  EXPECT_EQ(ds.dates.back().to_string(), "2019-11-11");
  EXPECT_DOUBLE_EQ(ds.kpi[0], 2754371.66666667);
  EXPECT_DOUBLE_EQ(ds.spend(0, 0), 22358.3466666667);  // tv_S
  EXPECT_DOUBLE_EQ(ds.spend(1, 4), 4133.33333333333);  // search_S
  EXPECT_DOUBLE_EQ(ds.control_values(0, 0), 8125009.0);
  EXPECT_EQ(ds.spend.cols(), 5);
  EXPECT_EQ(ds.filled_missing_spend, 0);
}

}  // namespace
}  // namespace mmm
