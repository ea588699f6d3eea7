// `mmm fit` on bad input and bad flags, end to end (SPEC §3, §10, §11): exit code 2, one
// `error: …` line on stderr naming the file, line, column and bad value where there is one,
// and no result file left in the --out folder. Also the inputs that look odd but are fine
// (constant control, short data, quoted commas, BOM, CRLF): exit 0.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

// "YYYY-MM-DD" of `days` after 1970-01-01 (H. Hinnant's civil_from_days), written here so the
// test data does not depend on the product's own date code.
std::string iso_date(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

constexpr std::int64_t kFirstMonday = 18631;  // 2021-01-04

/// A wide table the test edits cell by cell before writing it.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  }
  std::string& at(std::size_t row, const std::string& name) {
    return rows.at(row).at(static_cast<std::size_t>(col(name)));
  }
  void add_column(const std::string& name, const std::vector<std::string>& values) {
    header.push_back(name);
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r].push_back(values.at(r));
  }
  std::string text(const std::string& eol = "\n") const {
    std::string out;
    auto line = [&](const std::vector<std::string>& fields) {
      for (std::size_t j = 0; j < fields.size(); ++j) out += (j ? "," : "") + fields[j];
      out += eol;
    };
    line(header);
    for (const auto& r : rows) line(r);
    return out;
  }
};

/// `rows` weekly rows from 2021-01-04: date, `channels` spend columns with positive, varied
/// spend (tv, radio, then ch3, ch4, …), revenue that depends on them.
Table base_table(int rows = 60, int channels = 2) {
  Table t;
  t.header = {"date"};
  for (int c = 0; c < channels; ++c) {
    t.header.push_back(c == 0 ? "tv" : c == 1 ? "radio" : "ch" + std::to_string(c + 1));
  }
  t.header.push_back("revenue");
  for (int i = 0; i < rows; ++i) {
    std::vector<std::string> row = {iso_date(kFirstMonday + 7 * i)};
    double revenue = 20000.0 + 150.0 * (i % 4) + 40.0 * ((i * 7) % 9);
    for (int c = 0; c < channels; ++c) {
      const double spend = 800.0 + 300.0 * c + 37.0 * ((i * (5 + 2 * c) + 3 * c) % 11) + 11.0 * i;
      revenue += (3.0 - 0.2 * c) * spend;
      row.push_back(std::to_string(static_cast<long>(spend)));
    }
    row.push_back(std::to_string(static_cast<long>(revenue)));
    t.rows.push_back(row);
  }
  return t;
}

/// The 1-based line of data row `r` (the header is line 1).
std::string line_of(std::size_t r) { return std::to_string(r + 2); }

class CliBadInput : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_ / name;
    write_text(path, content);
    return path;
  }
  std::string write(const Table& t, const std::string& name = "data.csv") {
    return write(name, t.text());
  }
  std::string out() const { return dir_ / "out"; }

  /// `mmm fit --data <data> --out <out()> <extra…>` with a small, fast budget.
  CliResult fit(const std::string& data, std::initializer_list<std::string> extra = {}) {
    std::vector<std::string> args = {"fit",      "--data", data,          "--out", out(),
                                     "--budget", "60",     "--bootstrap", "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }

  /// Exit code 2, exactly one `error: ` line containing every piece of `expected` (besides,
  /// with `usage_hint`, CLI11's usage line and nothing else), and no file in the --out folder.
  void expect_input_error(const CliResult& r, const std::vector<std::string>& expected,
                          bool usage_hint = false) {
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.out, "") << describe(r);
    const std::vector<std::string> lines = split_lines(r.err);
    std::vector<std::string> errors;
    for (const auto& l : lines) {
      if (l.rfind("error: ", 0) == 0) {
        errors.push_back(l);
      } else if (!usage_hint || l.find("--help") == std::string::npos) {
        ADD_FAILURE() << "unexpected stderr line: " << l;
      }
    }
    ASSERT_EQ(errors.size(), 1u) << describe(r);
    EXPECT_LE(lines.size(), usage_hint ? 2u : 1u) << describe(r);
    for (const auto& piece : expected) {
      EXPECT_NE(errors[0].find(piece), std::string::npos)
          << "`" << piece << "` missing from: " << errors[0];
    }
    EXPECT_TRUE(file_names(out()).empty()) << "files left in --out after a failed run";
  }

  /// Exit code 0 and the JSON summary on stdout.
  nlohmann::json expect_success(const CliResult& r) {
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(r.err.find("error"), std::string::npos) << describe(r);
    EXPECT_TRUE(fs::exists(fs::path(out()) / "model.json")) << describe(r);
    if (r.exit_code != 0) return nlohmann::json();
    return nlohmann::json::parse(r.out);
  }

  TempDir dir_;
};

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

// ---- model size ----

TEST_F(CliBadInput, MoreParametersThanRows) {
  const std::string path = write(base_table(12, 8));
  // 8 channels + 9 default controls + intercept = 18 parameters on 12 rows.
  expect_input_error(fit(path), {path, "12 rows", "18 parameters"});
}

// ---- flags ----

TEST_F(CliBadInput, UnknownFlag) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--bogus"}), {"--bogus"}, /*usage_hint=*/true);
}

TEST_F(CliBadInput, OutUnderARegularFile) {
  const std::string path = write(base_table());
  const std::string file = write("file.txt", "not a folder\n");
  const std::string bad_out = file + "/out";
  const CliResult r =
      run_mmm({"fit", "--data", path, "--out", bad_out, "--budget", "60", "--bootstrap", "5"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  const std::vector<std::string> lines = split_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << describe(r);
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("--out"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(bad_out), std::string::npos) << lines[0];
  EXPECT_EQ(read_text(file), "not a folder\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliBadInput, OutIsARegularFile) {
  const std::string path = write(base_table());
  const std::string file = write("file.txt", "not a folder\n");
  const CliResult r = run_mmm({"fit", "--data", path, "--out", file, "--budget", "60"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("not a folder"), std::string::npos) << describe(r);
  EXPECT_EQ(read_text(file), "not a folder\n");
}

TEST_F(CliBadInput, DeviceCudaWithoutCuda) {
  const CliResult info = run_mmm({"info"});
  ASSERT_EQ(info.exit_code, 0) << describe(info);
  if (info.out.find("cuda devices: 0") == std::string::npos) {
    GTEST_SKIP() << "a CUDA device is visible; `--device cuda` is valid here";
  }
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--device", "cuda"}), {"--device cuda", "--device cpu"});
}

TEST_F(CliBadInput, DeviceNameUnknown) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--device", "gpu2"}),
                     {"--device `gpu2`", "auto", "cpu", "cuda", "cuda:<ordinal>"});
}

TEST_F(CliBadInput, HyperparametersFileMissingAChannel) {
  const std::string path = write(base_table());
  const std::string hyper =
      write("hyper.json", R"({"channels": {"tv": {"theta": 0.3, "alpha": 1.5, "gamma": 900}}})");
  expect_input_error(fit(path, {"--hyperparameters", hyper}), {hyper, "channel `radio`"});
}

TEST_F(CliBadInput, CiOutOfRange) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--ci", "1.5"}), {"--ci", "1.5"});
}

TEST_F(CliBadInput, CiOutOfRangeWithoutBootstrap) {
  const std::string path = write(base_table());
  const CliResult r = run_mmm(
      {"fit", "--data", path, "--out", out(), "--budget", "60", "--bootstrap", "0", "--ci", "1.5"});
  expect_input_error(r, {"--ci", "1.5"});
}

TEST_F(CliBadInput, NegativeBootstrap) {
  const std::string path = write(base_table());
  const CliResult r =
      run_mmm({"fit", "--data", path, "--out", out(), "--budget", "60", "--bootstrap", "-1"});
  expect_input_error(r, {"--bootstrap", "-1", "≥ 0"});
}

TEST_F(CliBadInput, NegativeSeedIsAUsageError) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--seed", "-1"}), {"--seed", "-1"}, /*usage_hint=*/true);
}

TEST_F(CliBadInput, ThreadsOutOfRange) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--threads", "-3"}), {"--threads", "-3"});
  expect_input_error(fit(path, {"--threads", "100000"}), {"--threads", "100000", "1024"});
}

TEST_F(CliBadInput, ConfigFileMissing) {
  const std::string path = write(base_table());
  const std::string cfg = dir_ / "missing.toml";
  expect_input_error(fit(path, {"--config", cfg}), {"--config", cfg}, /*usage_hint=*/true);
}

// ---- odd but valid input: exit 0 ----

TEST_F(CliBadInput, ConstantControlIsOnlyANotice) {
  Table t = base_table();
  t.add_column("price", std::vector<std::string>(t.rows.size(), "9.99"));
  const std::string path = write(t);
  const CliResult r = fit(path, {"--controls", "price", "--json"});
  const nlohmann::json j = expect_success(r);
  EXPECT_NE(r.err.find("notice: control `price` is constant"), std::string::npos) << r.err;
  EXPECT_EQ(j.value("channels", 0), 2);
  const nlohmann::json model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["config"]["controls"], nlohmann::json::array({"price"}));
}

TEST_F(CliBadInput, TooFewRowsForCvSkipsIt) {
  const std::string path = write(base_table(40, 2));
  const CliResult r = fit(path, {"--json"});
  const nlohmann::json j = expect_success(r);
  EXPECT_NE(r.err.find("notice: cross-validation skipped"), std::string::npos) << r.err;
  ASSERT_TRUE(j.contains("cv_mape"));
  EXPECT_TRUE(j["cv_mape"].is_null()) << j.dump();
  EXPECT_EQ(j.value("rows", 0), 40);
  EXPECT_GT(j.value("r2", 0.0), 0.5);
  // The table says so too: MODEL_MAPE_CV is empty and cv_folds.csv has only IN_SAMPLE.
  const CsvFile results = read_csv(fs::path(out()) / "model_results.csv");
  ASSERT_EQ(results.rows.size(), 2u);
  EXPECT_EQ(results.rows[0].at(static_cast<std::size_t>(results.column("MODEL_MAPE_CV"))), "");
  const CsvFile folds = read_csv(fs::path(out()) / "cv_folds.csv");
  ASSERT_EQ(folds.rows.size(), 1u);
  EXPECT_EQ(folds.rows[0].at(0), "IN_SAMPLE");
}

TEST_F(CliBadInput, QuotedCommaInUnusedTextColumn) {
  Table t = base_table();
  std::vector<std::string> notes(t.rows.size(), "plain");
  notes[3] = "\"promo, spring\"";
  notes[8] = "\"say \"\"hi\"\", twice\"";
  t.add_column("note", notes);
  const std::string path = write(t);
  const nlohmann::json j = expect_success(fit(path, {"--json"}));
  EXPECT_EQ(j.value("channels", 0), 2);
  EXPECT_EQ(j.value("rows", 0), 60);
  const nlohmann::json model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["config"]["channels"], nlohmann::json::array({"tv", "radio"}));
}

TEST_F(CliBadInput, MostlyTextColumnIsIgnoredWithANotice) {
  Table t = base_table();
  std::vector<std::string> region(t.rows.size(), "north");
  region[2] = "17";  // one number in a text column does not make it spend
  t.add_column("region", region);
  const std::string path = write(t);
  const CliResult r = fit(path, {"--json"});
  const nlohmann::json j = expect_success(r);
  EXPECT_EQ(j.value("channels", 0), 2);
  EXPECT_NE(r.err.find("ignoring column `region`: it is not numeric"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, Utf8BomIsAccepted) {
  const std::string path = write("bom.csv", "\xEF\xBB\xBF" + base_table().text());
  const CliResult r = fit(path, {"--json"});
  const nlohmann::json j = expect_success(r);
  EXPECT_NE(r.err.find("using date column `date`"), std::string::npos) << r.err;
  EXPECT_EQ(j.value("rows", 0), 60);
  const nlohmann::json model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["config"]["date_col"], "date");
}

TEST_F(CliBadInput, CrlfLineEndingsAreAccepted) {
  const Table t = base_table();
  const std::string crlf = write("crlf.csv", t.text("\r\n"));
  const nlohmann::json j = expect_success(fit(crlf, {"--json", "--quiet", "--seed", "4"}));
  EXPECT_EQ(j.value("rows", 0), 60);
  EXPECT_EQ(j.value("channels", 0), 2);
  // Same numbers as the LF file: the line endings change nothing.
  const std::string lf = write(t, "lf.csv");
  const CliResult r = run_mmm({"fit", "--data", lf, "--out", dir_ / "lf_out", "--budget", "60",
                               "--bootstrap", "5", "--json", "--quiet", "--seed", "4"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json k = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["loss"], k["loss"]);
  EXPECT_EQ(j["r2"], k["r2"]);
}

}  // namespace
}  // namespace mmm::test
