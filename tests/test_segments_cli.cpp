// `mmm fit --segments` end to end: long CSV loading and its errors (exit 2, file:line:column),
// the three poolings, the output tables and model.json, filters and refits.

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

// The ISO date of week w, weeks starting Monday 2022-01-03.
std::string week_date(int w) {
  int y = 2022, m = 1, d = 3 + 7 * w;
  const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  while (d > mdays[m - 1] + (m == 2 && y % 4 == 0 ? 1 : 0)) {
    d -= mdays[m - 1] + (m == 2 && y % 4 == 0 ? 1 : 0);
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  char date[48];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
  return date;
}

// A long CSV: date, geo, tv, radio, revenue; `geos` segments × `weeks` rows, rows ordered by
// geo then date. Geo codes are numbers (100, 101, …) so that auto-detection would take them
// for spend if segment columns were not excluded.
std::string long_csv(int geos, int weeks, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::string text = "date,geo,tv,radio,revenue\n";
  for (int g = 0; g < geos; ++g) {
    double a_tv = 0, a_radio = 0;
    for (int w = 0; w < weeks; ++w) {
      const double tv = 1000 * u(rng), radio = 300 * u(rng);
      a_tv = tv + 0.4 * a_tv;
      a_radio = radio + 0.2 * a_radio;
      const double rev = 8000 + 500 * g + (1.5 + 0.2 * g) * a_tv + 2.0 * a_radio + 200 * u(rng);
      text += week_date(w) + "," + std::to_string(100 + g) + "," + std::to_string(tv) + "," +
              std::to_string(radio) + "," + std::to_string(rev) + "\n";
    }
  }
  return text;
}

class SegmentsCli : public ::testing::Test {
 protected:
  std::string write(const std::string& text, const std::string& name = "long.csv") {
    const std::string path = dir_ / name;
    write_text(path, text);
    return path;
  }
  std::string out() const { return dir_ / "out"; }
  CliResult fit(const std::string& data, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"fit", "--data",   data, "--out",  out(),    "--segments",
                                     "geo", "--budget", "60", "--json", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }
  void expect_input_error(const CliResult& r, const std::vector<std::string>& pieces) {
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.out, "");
    for (const auto& piece : pieces) {
      EXPECT_NE(r.err.find(piece), std::string::npos) << "`" << piece << "` missing: " << r.err;
    }
    EXPECT_TRUE(file_names(out()).empty());
  }
  std::vector<std::string> lines(const std::string& text) { return split_lines(text); }
  TempDir dir_;
};

TEST_F(SegmentsCli, FitsPartialPoolingAndWritesSegmentTables) {
  const std::string data = write(long_csv(3, 60));
  const CliResult r = fit(data);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["segments"], 3);
  EXPECT_EQ(summary["pooling"], "partial");
  EXPECT_EQ(summary["rows"], 180);
  EXPECT_EQ(summary["channels"], 2);  // geo is a segment column, not a channel

  const CsvFile results = read_csv(fs::path(out()) / "model_results.csv");
  ASSERT_EQ(results.rows.size(), 2u + 3u * 2u);  // GLOBAL rows + segment × channel
  const int geo = results.column("GEO_CODE"), seg = results.column("SEGMENT");
  ASSERT_GE(geo, 0);
  ASSERT_GE(seg, 0);
  ASSERT_GE(results.column("POOLING_FACTOR"), 0);
  EXPECT_EQ(results.rows[0][geo], "GLOBAL");
  EXPECT_EQ(results.rows[2][geo], "100");
  EXPECT_EQ(results.rows[2][results.column("CHANNEL_KEY")], "tv_100");

  // --budget 60 --bootstrap default (100): intervals on every row.
  const int lo = results.column("ROI_CI_LOWER"), hi = results.column("ROI_CI_UPPER");
  for (const auto& row : results.rows) {
    ASSERT_FALSE(row[lo].empty());
    EXPECT_LT(std::stod(row[lo]), std::stod(row[hi]));
    EXPECT_TRUE(row[results.column("IS_SIGNIFICANT")] == "TRUE" ||
                row[results.column("IS_SIGNIFICANT")] == "FALSE");
  }
  // Per segment, the allocation keeps the segment's weekly budget (±30% per channel).
  const int cur = results.column("CURRENT_SPEND"), opt = results.column("OPTIMAL_SPEND_SUGGESTION");
  for (size_t seg_row = 2; seg_row < results.rows.size(); seg_row += 2) {
    double current = 0, proposed = 0;
    for (size_t k = seg_row; k < seg_row + 2; ++k) {
      current += std::stod(results.rows[k][cur]);
      proposed += std::stod(results.rows[k][opt]);
      EXPECT_LE(std::stod(results.rows[k][opt]), 1.3 * std::stod(results.rows[k][cur]) + 1e-6);
    }
    EXPECT_NEAR(proposed, current, 1e-6 * current);
  }
  const CsvFile perf = read_csv(fs::path(out()) / "segment_performance.csv");
  ASSERT_EQ(perf.rows.size(), 6u);
  for (const char* col : {"SEGMENT", "CHANNEL", "SPEND", "CONTRIBUTION", "ROAS", "EFFICIENCY"}) {
    EXPECT_GE(perf.column(col), 0) << col;
  }
  for (const auto& row : perf.rows) {
    const double spend = std::stod(row[perf.column("SPEND")]);
    const double contribution = std::stod(row[perf.column("CONTRIBUTION")]);
    EXPECT_NEAR(std::stod(row[perf.column("ROAS")]), contribution / spend, 1e-9);
  }

  const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["pooling"], "partial");
  EXPECT_EQ(model["segments"].size(), 3u);
  ASSERT_TRUE(model["segment_coefficients"].contains("101"));
  EXPECT_EQ(model["segment_coefficients"]["101"]["coef"].size(), 2u + 9u);
  for (const char* ch : {"tv", "radio"}) {
    const double f = model["pooling_factor"][ch];
    EXPECT_GE(f, 0.0);
    EXPECT_LE(f, 1.0);
  }
}

TEST_F(SegmentsCli, PoolingModesAndFactors) {
  const std::string data = write(long_csv(3, 60));
  ASSERT_EQ(fit(data, {"--pooling", "none"}).exit_code, 0);
  auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["pooling"], "none");
  EXPECT_EQ(model["pooling_factor"]["tv"], 0.0);
  ASSERT_EQ(fit(data, {"--pooling", "complete"}).exit_code, 0);
  model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["pooling_factor"]["tv"], 1.0);
  EXPECT_EQ(model["segment_coefficients"]["100"]["coef"][0],
            model["segment_coefficients"]["102"]["coef"][0]);
}

TEST_F(SegmentsCli, RefitFromSegmentedModelJsonReproducesCoefficients) {
  const std::string data = write(long_csv(3, 60));
  ASSERT_EQ(fit(data).exit_code, 0);
  const std::string model_path = dir_ / "model.json";
  fs::copy_file(fs::path(out()) / "model.json", model_path);
  const auto first = nlohmann::json::parse(read_text(model_path));
  const CliResult r = fit(data, {"--hyperparameters", model_path});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto second = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_FALSE(second["search"]["searched"]);
  const double a = first["segment_coefficients"]["101"]["coef"][0];
  const double b = second["segment_coefficients"]["101"]["coef"][0];
  EXPECT_NEAR(a, b, 1e-9 * std::abs(a));
}

TEST_F(SegmentsCli, SegmentFilterRestrictsReportRows) {
  const std::string data = write(long_csv(3, 60));
  ASSERT_EQ(fit(data, {"--segment-filter", "geo=101"}).exit_code, 0);
  const CsvFile perf = read_csv(fs::path(out()) / "segment_performance.csv");
  ASSERT_EQ(perf.rows.size(), 2u);
  EXPECT_EQ(perf.rows[0][0], "101");
  fs::remove_all(out());
  expect_input_error(fit(data, {"--segment-filter", "region=1"}),
                     {"--segment-filter", "`region` is not a --segments column"});
  // A filter that matches no segment is refused, not an empty report with exit 0.
  expect_input_error(fit(data, {"--segment-filter", "geo=999"}),
                     {"--segment-filter `geo=999`", "matches none of the 3 segments"});
}

TEST_F(SegmentsCli, CompareWritesOneMetricAcrossSegments) {
  const std::string data = write(long_csv(3, 60));
  ASSERT_EQ(fit(data).exit_code, 0);
  const std::string model = (fs::path(out()) / "model.json").string();
  const std::string csv = dir_ / "cmp.csv";
  const CliResult r = run_mmm(
      {"compare", "--model", model, "--segments", "100,102", "--metric", "roas", "--out", csv});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("roas by segment"), std::string::npos) << r.out;
  const CsvFile cmp = read_csv(csv);
  EXPECT_EQ(cmp.header_line, "CHANNEL,100,102,GLOBAL,BEST_SEGMENT");
  ASSERT_EQ(cmp.rows.size(), 2u);
  // The values are segment_performance.csv's ROAS.
  const CsvFile perf = read_csv(fs::path(out()) / "segment_performance.csv");
  for (const auto& row : perf.rows) {
    if (row[0] == "102" && row[1] == cmp.rows[0][0]) {
      EXPECT_NEAR(std::stod(cmp.rows[0][2]), std::stod(row[perf.column("ROAS")]),
                  1e-9 * std::abs(std::stod(cmp.rows[0][2])));
    }
  }
  // Without --out the comparison goes beside the model.
  const CliResult beside = run_mmm({"compare", "--model", model, "--quiet"});
  ASSERT_EQ(beside.exit_code, 0) << describe(beside);
  EXPECT_TRUE(fs::exists(fs::path(out()) / "segment_comparison.csv"));
  const CliResult bad = run_mmm({"compare", "--model", model, "--segments", "999", "--out", csv});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no segment `999`; segments are: 100, 101, 102"), std::string::npos)
      << bad.err;
  EXPECT_EQ(run_mmm({"compare", "--model", model, "--metric", "nope", "--out", csv}).exit_code, 2);
}

// Issue 13 (15): a segment whose name holds a comma is named in quotes, as in the CSV.
TEST_F(SegmentsCli, CompareNamesASegmentWithACommaInQuotes) {
  std::string text = long_csv(3, 60);
  for (std::size_t at = text.find(",101,"); at != std::string::npos; at = text.find(",101,", at)) {
    text.replace(at, 5, ",\"North, 1\",");
  }
  ASSERT_EQ(fit(write(text)).exit_code, 0);
  const std::string model = (fs::path(out()) / "model.json").string();
  const std::string csv = dir_ / "cmp.csv";
  const CliResult r = run_mmm(
      {"compare", "--model", model, "--segments", "\"North, 1\", 102", "--out", csv, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(read_csv(csv).header,
            (std::vector<std::string>{"CHANNEL", "North, 1", "102", "GLOBAL", "BEST_SEGMENT"}));
  const CliResult open_quote =
      run_mmm({"compare", "--model", model, "--segments", "\"North, 1", "--out", csv});
  EXPECT_EQ(open_quote.exit_code, 2) << describe(open_quote);
  EXPECT_NE(open_quote.err.find("quote that is not closed"), std::string::npos) << open_quote.err;
}

TEST_F(SegmentsCli, PredictNewSegmentFromGlobalCoefficients) {
  const std::string data = write(long_csv(3, 60));
  ASSERT_EQ(fit(data).exit_code, 0);
  const std::string model = dir_ / "model.json";
  fs::copy_file(fs::path(out()) / "model.json", model);
  // A fourth market: the same generator's next geo, as a wide file (no geo column).
  const std::vector<std::string> rows = split_lines(long_csv(4, 60));
  std::string with_kpi = "date,tv,radio,revenue\n", without_kpi = "date,tv,radio\n";
  for (size_t i = 1 + 3 * 60; i < rows.size(); ++i) {
    std::vector<std::string> f = split_csv_line(rows[i]);
    with_kpi += f[0] + "," + f[2] + "," + f[3] + "," + f[4] + "\n";
    without_kpi += f[0] + "," + f[2] + "," + f[3] + "\n";
  }
  const std::string pred_out = dir_ / "pred";
  CliResult r = run_mmm({"predict", "--model", model, "--data", write(with_kpi, "new.csv"),
                         "--new-segment", "--out", pred_out});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  CsvFile p = read_csv(fs::path(pred_out) / "predictions.csv");
  ASSERT_EQ(p.rows.size(), 60u);
  double actual = 0, predicted = 0;
  int inside = 0;
  for (const auto& row : p.rows) {
    actual += std::stod(row[p.column("ACTUAL")]);
    const double y = std::stod(row[p.column("PREDICTED")]);
    predicted += y;
    inside += std::stod(row[p.column("PREDICTED_CI_LOWER")]) <= y &&
              y <= std::stod(row[p.column("PREDICTED_CI_UPPER")]);
  }
  // Calibrated intercept: the mean prediction is the market's mean KPI.
  EXPECT_NEAR(predicted / 60, actual / 60, 1e-6 * actual / 60);
  EXPECT_GE(inside, 50);
  r = run_mmm({"predict", "--model", model, "--data", write(without_kpi, "new2.csv"),
               "--new-segment", "--out", pred_out, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  p = read_csv(fs::path(pred_out) / "predictions.csv");
  EXPECT_EQ(p.column("ACTUAL"), -1);
  EXPECT_EQ(p.rows.size(), 60u);
  r = run_mmm({"predict", "--model", model, "--data", dir_ / "new.csv", "--out", pred_out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--new-segment"), std::string::npos) << r.err;
}

TEST_F(SegmentsCli, ConfigSegmentsSection) {
  const std::string data = write(long_csv(3, 40));
  const std::string cfg = write(
      "[segments]\ncolumns = [\"geo\"]\npooling = \"none\"\nlambda_segment = 50\n", "fit.toml");
  CliResult r = run_mmm({"fit", "--config", cfg, "--data", data, "--out", out(), "--budget", "30",
                         "--bootstrap", "0", "--quiet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["pooling"], "none");
  EXPECT_EQ(model["config"]["lambda_segment"], 50.0);
  fs::remove_all(out());
  const std::string bad = write("[segments]\nlambda_global = -2\n", "bad.toml");
  expect_input_error(run_mmm({"fit", "--config", bad, "--data", data, "--out", out()}),
                     {"segments.lambda_global", "expected a number > 0"});
  const std::string orphan = write("[segments]\npooling = \"complete\"\n", "orphan.toml");
  expect_input_error(run_mmm({"fit", "--config", orphan, "--data", data, "--out", out()}),
                     {"need [segments] columns"});
}

TEST_F(SegmentsCli, DuplicateDateInsideOneSegment) {
  std::string text = long_csv(2, 20);
  // Segment 101's 5th row (file line 2 + 20 + 4) repeats the date of its 4th.
  std::vector<std::string> rows = lines(text);
  const std::string prev_date = rows[1 + 20 + 3].substr(0, 10);
  rows[1 + 20 + 4].replace(0, 10, prev_date);
  std::string joined;
  for (const auto& l : rows) joined += l + "\n";
  const std::string path = write(joined);
  expect_input_error(fit(path), {path + ":" + std::to_string(2 + 20 + 4) + ":1", "column `date`",
                                 "duplicate date", prev_date});
}

TEST_F(SegmentsCli, IrregularSpacingInsideOneSegment) {
  std::vector<std::string> rows = lines(long_csv(2, 20));
  // Drop one week of segment 101: its spacing jumps from 7 to 14 days there.
  rows.erase(rows.begin() + 1 + 20 + 8);
  std::string joined;
  for (const auto& l : rows) joined += l + "\n";
  const std::string path = write(joined);
  expect_input_error(fit(path), {path + ":" + std::to_string(2 + 20 + 8) + ":1", "column `date`",
                                 "14 days", "expected 7 days"});
}

TEST_F(SegmentsCli, SegmentsWithDifferentStepsAreAnError) {
  // Segment 101 is fortnightly (every second week of the generator): regular on its own, but
  // not at the 7-day step of segment 100.
  const std::vector<std::string> rows = lines(long_csv(2, 20));
  std::string text = rows[0] + "\n";
  for (size_t i = 1; i <= 20; ++i) text += rows[i] + "\n";
  for (size_t i = 21; i <= 40; i += 2) text += rows[i] + "\n";
  const std::string path = write(text);
  expect_input_error(fit(path), {path + ":23:1", "column `date`", "a step of 7 days",
                                 "segment `101` steps 14 days"});
}

TEST_F(SegmentsCli, SameDatesInDifferentSegmentsAreFine) {
  // Without --segments the same file has duplicate dates: the error says so.
  const std::string path = write(long_csv(2, 20));
  const CliResult r = run_mmm({"fit", "--data", path, "--out", out(), "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("duplicate date"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is this long data, one row per date and `geo`? fit it with "
                       "--segments geo"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(fit(path).exit_code, 0);
}

TEST_F(SegmentsCli, MissingSegmentColumn) {
  const std::string path = write(long_csv(2, 20));
  const CliResult r = run_mmm({"fit", "--data", path, "--out", out(), "--segments", "region"});
  expect_input_error(r, {path, "no segment column `region`", "columns are: date, geo"});
}

TEST_F(SegmentsCli, EmptySegmentCell) {
  std::vector<std::string> rows = lines(long_csv(2, 20));
  rows[5].replace(rows[5].find(",100,"), 5, ",,");
  std::string joined;
  for (const auto& l : rows) joined += l + "\n";
  const std::string path = write(joined);
  expect_input_error(fit(path), {path + ":6:2", "column `geo`", "a segment value"});
}

TEST_F(SegmentsCli, BadPoolingAndSegmentOnlyFlags) {
  const std::string path = write(long_csv(2, 20));
  expect_input_error(fit(path, {"--pooling", "full"}), {"invalid --pooling `full`", "partial"});
  const CliResult r =
      run_mmm({"fit", "--data", path, "--out", out(), "--pooling", "none", "--quiet"});
  expect_input_error(r, {"--pooling needs --segments"});
  expect_input_error(fit(path, {"--lambda-segment", "-1"}), {"--lambda-segment"});
}

// One `error:` line on stderr, nothing else.
void expect_one_error_line(const CliResult& r) {
  const auto err = split_lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_EQ(err[0].rfind("error:", 0), 0u) << r.err;
}

TEST_F(SegmentsCli, GlobalChannelHasOneCoefficientInEverySegment) {
  const std::string data = write(long_csv(3, 60));
  for (const char* pooling : {"none", "partial", "complete"}) {
    SCOPED_TRACE(pooling);
    fs::remove_all(out());
    const CliResult r =
        fit(data, {"--pooling", pooling, "--global-channels", "radio", "--bootstrap", "5"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const CsvFile results = read_csv(fs::path(out()) / "model_results.csv");
    ASSERT_EQ(results.rows.size(), 2u + 3u * 2u);
    const int channel = results.column("CHANNEL_CODE"), coef = results.column("COEFFICIENT_WEIGHT");
    const int factor = results.column("POOLING_FACTOR");
    ASSERT_GE(channel, 0);
    ASSERT_GE(coef, 0);
    std::set<std::string> radio, tv;
    for (const auto& row : results.rows) {
      (row[channel] == "radio" ? radio : tv).insert(row[coef]);
      if (row[channel] == "radio") {
        EXPECT_EQ(std::stod(row[factor]), 1.0);
      }
    }
    EXPECT_EQ(radio.size(), 1u) << "radio rows: the GLOBAL row and every segment, one value";
    if (std::string(pooling) != "complete") {
      EXPECT_GE(tv.size(), 3u) << "tv stays segment-specific";
    }
    const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
    EXPECT_EQ(model["global_channels"], nlohmann::json::array({"radio"}));
    EXPECT_EQ(model["pooling_factor"]["radio"], 1.0);
    EXPECT_EQ(model["segment_coefficients"]["100"]["coef"][1],
              model["segment_coefficients"]["102"]["coef"][1]);
  }
  // Without the flag the list is there and empty, and radio differs across segments.
  fs::remove_all(out());
  ASSERT_EQ(fit(data, {"--bootstrap", "0"}).exit_code, 0);
  const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_TRUE(model["global_channels"].empty());
  EXPECT_NE(model["segment_coefficients"]["100"]["coef"][1],
            model["segment_coefficients"]["102"]["coef"][1]);
}

TEST_F(SegmentsCli, GlobalChannelsFromConfig) {
  const std::string data = write(long_csv(3, 40));
  const std::string cfg =
      write("[segments]\ncolumns = [\"geo\"]\nglobal_channels = [\"tv\"]\n", "fit.toml");
  CliResult r = run_mmm({"fit", "--config", cfg, "--data", data, "--out", out(), "--budget", "30",
                         "--bootstrap", "0", "--quiet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["global_channels"], nlohmann::json::array({"tv"}));
  EXPECT_EQ(model["segment_coefficients"]["100"]["coef"][0],
            model["segment_coefficients"]["101"]["coef"][0]);
  fs::remove_all(out());
  const std::string orphan = write("[segments]\nglobal_channels = [\"tv\"]\n", "orphan.toml");
  r = run_mmm({"fit", "--config", orphan, "--data", data, "--out", out()});
  expect_input_error(r, {"need [segments] columns"});
  expect_one_error_line(r);
}

TEST_F(SegmentsCli, BadGlobalChannels) {
  const std::string path = write(long_csv(2, 20));
  CliResult r = fit(path, {"--global-channels", "tv,print"});
  expect_input_error(r, {"--global-channels `print`", "not a channel", "tv, radio"});
  expect_one_error_line(r);
  r = fit(path, {"--global-channels", "geo"});  // a segment column is not a channel
  expect_input_error(r, {"--global-channels `geo`", "not a channel"});
  expect_one_error_line(r);
  r = run_mmm({"fit", "--data", path, "--out", out(), "--global-channels", "tv", "--quiet"});
  expect_input_error(r, {"--global-channels needs --segments"});
  expect_one_error_line(r);
}

TEST_F(SegmentsCli, SingleMarketOnlyOptionsAreRefusedWithSegments) {
  const std::string path = write(long_csv(2, 20));
  expect_input_error(fit(path, {"--nested-budget", "50"}), {"--nested-budget", "--segments"});
  expect_input_error(fit(path, {"--conservative"}), {"--conservative", "--segments"});
  expect_input_error(fit(path, {"--init-from", path}), {"--init-from", "--segments"});
}

}  // namespace
}  // namespace mmm::test

namespace mmm::test {
namespace {

TEST(SegmentsSimulate, LongDataWithPerSegmentTruthIsRecoveredByPartialPooling) {
  TempDir dir;
  const std::string data = dir / "seg.csv";
  const CliResult sim = run_mmm({"simulate", "--segments", "6", "--weeks", "104", "--channels", "3",
                                 "--noise", "0.02", "--seed", "4", "--out", data, "--quiet"});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  const auto truth = nlohmann::json::parse(read_text(dir / "seg.truth.json"));
  ASSERT_EQ(truth["segment_truth"].size(), 6u);
  const CsvFile rows = read_csv(data);
  EXPECT_EQ(rows.rows.size(), 6u * 104u);
  EXPECT_EQ(rows.header[1], "segment");
  // Refit at the true θ, α, γ: partial pooling's per-segment ROI close to the truth.
  const std::string out = dir / "out";
  const CliResult fit = run_mmm({"fit", "--data", data, "--segments", "segment", "--out", out,
                                 "--hyperparameters", dir / "seg.truth.json", "--quiet"});
  ASSERT_EQ(fit.exit_code, 0) << describe(fit);
  const CsvFile perf = read_csv(fs::path(out) / "segment_performance.csv");
  ASSERT_EQ(perf.rows.size(), 18u);
  double err = 0.0;
  for (const auto& row : perf.rows) {
    const double true_roi = truth["segment_truth"][row[0]]["channels"][row[1]]["roi"];
    err += std::abs(std::stod(row[perf.column("ROAS")]) - true_roi) / true_roi;
  }
  EXPECT_LT(err / 18.0, 0.25) << "mean relative ROI error";
  EXPECT_EQ(run_mmm({"simulate", "--segments", "-1", "--out", data}).exit_code, 2);
}

}  // namespace
}  // namespace mmm::test
