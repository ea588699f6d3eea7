// `mmm fit` on bad input, end to end (SPEC §3, §10, §11): exit code 2, one `error: …` line on
// stderr naming the file, line, column and bad value, and no result file left in the --out
// folder — for file-level problems, columns, dates and cells.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

// ---- file-level problems ----

TEST_F(CliBadInput, MissingFile) {
  const std::string path = dir_ / "no_such.csv";
  expect_input_error(fit(path), {"cannot open data file", path, "No such file"});
}

TEST_F(CliBadInput, EmptyFile) {
  const std::string path = write("empty.csv", "");
  expect_input_error(fit(path), {path, "is empty"});
}

TEST_F(CliBadInput, HeaderOnly) {
  const std::string path = write("header.csv", "date,tv,radio,revenue\n");
  expect_input_error(fit(path), {path, "no data rows"});
}

// ---- columns ----

TEST_F(CliBadInput, MissingDateColumn) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--date-col", "nope"}),
                     {path, "no date column `nope`", "columns are: date, tv, radio, revenue"});
}

TEST_F(CliBadInput, MissingKpiColumn) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--kpi-col", "nope"}), {path, "no KPI column `nope`"});
}

TEST_F(CliBadInput, NoKpiColumnFoundAutomatically) {
  Table t = base_table();
  t.header.back() = "income";
  const std::string path = write(t);
  expect_input_error(fit(path), {path, "no KPI column found", "--kpi-col", "income"});
}

TEST_F(CliBadInput, MissingChannelColumn) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--channels", "tv,nope"}), {path, "no channel column `nope`"});
}

// ---- dates ----

TEST_F(CliBadInput, UnparsableDate) {
  Table t = base_table();
  t.at(9, "date") = "03/08/2021";
  const std::string path = write(t);
  expect_input_error(fit(path),
                     {path + ":" + line_of(9) + ":1", "column `date`", "`03/08/2021`", "ISO 8601"});
}

TEST_F(CliBadInput, DuplicateDate) {
  Table t = base_table();
  t.at(10, "date") = t.at(9, "date");
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(10) + ":1", "column `date`",
                                 "duplicate date `" + t.at(9, "date") + "`", "line " + line_of(9)});
}

TEST_F(CliBadInput, DatesNotIncreasing) {
  Table t = base_table();
  std::swap(t.at(10, "date"), t.at(11, "date"));
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(11) + ":1", "column `date`",
                                 "`" + t.at(11, "date") + "` comes before", "increasing"});
}

TEST_F(CliBadInput, IrregularSpacing) {
  Table t = base_table();
  t.at(20, "date") = iso_date(kFirstMonday + 7 * 20 + 1);
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(20) + ":1", "column `date`",
                                 "`" + t.at(20, "date") + "` is 8 days after", "expected 7 days"});
}

// ---- cells ----

TEST_F(CliBadInput, NonNumericCell) {
  Table t = base_table();
  t.at(5, "tv") = "12abc";
  const std::string path = write(t);
  expect_input_error(fit(path, {"--channels", "tv,radio"}),
                     {path + ":" + line_of(5) + ":2", "column `tv`", "value `12abc`", "a number"});
}

// Without --channels, a spend column with one stray text cell must not silently stop being a
// channel (SPEC §3: every numeric cell finite, anything wrong is an error).
TEST_F(CliBadInput, NonNumericCellInAutoDetectedChannel) {
  Table t = base_table();
  t.at(5, "tv") = "12abc";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(5) + ":2", "column `tv`", "`12abc`"});
}

TEST_F(CliBadInput, NanCell) {
  Table t = base_table();
  t.at(7, "radio") = "NaN";
  const std::string path = write(t);
  expect_input_error(fit(path, {"--channels", "tv,radio"}),
                     {path + ":" + line_of(7) + ":3", "column `radio`", "value `NaN`", "finite"});
}

TEST_F(CliBadInput, NanCellInAutoDetectedChannel) {
  Table t = base_table();
  t.at(7, "radio") = "nan";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(7) + ":3", "column `radio`", "`nan`"});
}

TEST_F(CliBadInput, InfCellInKpi) {
  Table t = base_table();
  t.at(3, "revenue") = "inf";
  const std::string path = write(t);
  expect_input_error(fit(path),
                     {path + ":" + line_of(3) + ":4", "column `revenue`", "value `inf`", "finite"});
}

TEST_F(CliBadInput, NegativeSpend) {
  Table t = base_table();
  t.at(4, "tv") = "-5";
  const std::string path = write(t);
  expect_input_error(fit(path),
                     {path + ":" + line_of(4) + ":2", "column `tv`", "value `-5`", "spend ≥ 0"});
}

TEST_F(CliBadInput, NamedChannelAllZeros) {
  Table t = base_table();
  for (std::size_t r = 0; r < t.rows.size(); ++r) t.at(r, "tv") = "0";
  const std::string path = write(t);
  expect_input_error(fit(path, {"--channels", "tv,radio"}),
                     {path, "channel `tv`", "zero spend in every period"});
}

TEST_F(CliBadInput, EmptyKpiCell) {
  Table t = base_table();
  t.at(5, "revenue") = "";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(5) + ":4", "column `revenue`", "value ``"});
}

TEST_F(CliBadInput, ConstantKpi) {
  Table t = base_table();
  for (std::size_t r = 0; r < t.rows.size(); ++r) t.at(r, "revenue") = "5";
  const std::string path = write(t);
  expect_input_error(fit(path), {path, "KPI column `revenue`", "constant"});
}

TEST_F(CliBadInput, RowWithAnUnquotedComma) {
  Table t = base_table();
  t.at(5, "tv") = "1,5";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(5), "5 fields", "header has 4", "quoted"});
}

TEST_F(CliBadInput, UnclosedQuote) {
  Table t = base_table();
  t.at(5, "tv") = "\"12";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(5), "never closed"});
}

TEST_F(CliBadInput, EmptySpendCellsAreFilledWithZero) {
  Table t = base_table();
  t.at(5, "tv") = "";
  t.at(6, "radio") = "";
  t.at(7, "radio") = "";
  const std::string path = write(t);
  const CliResult r = fit(path, {"--json"});
  const nlohmann::json j = expect_success(r);
  EXPECT_NE(r.err.find("notice: filled 3 empty spend cells with 0 (tv: 1, radio: 2)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(j.value("channels", 0), 2);
  // The filled zeros are spend: the mean weekly tv spend counts them.
  double tv = 0;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    tv += t.at(i, "tv").empty() ? 0.0 : std::stod(t.at(i, "tv"));
  }
  const CsvFile results = read_csv(fs::path(out()) / "model_results.csv");
  ASSERT_EQ(results.rows.size(), 2u);
  const double current = std::stod(results.rows[0].at(16));
  EXPECT_NEAR(current, tv / 60.0, 1e-9 * current);
}

}  // namespace
}  // namespace mmm::test
