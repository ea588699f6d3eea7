// Input handling through the CLI (issue 15 part 4): dates in another format only with an
// explicit --date-format (the ISO error names the one that fits), empty control cells only with
// an explicit --missing-controls policy, a negative would-be spend column suggests --controls,
// and channel-long warehouse data (--format long) fits exactly like the equivalent wide file.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

// "2021-01-04" → "04/01/2021".
std::string day_month_year(const std::string& iso) {
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::vector<std::string> result_rows(const std::string& dir) {
  return split_lines(read_text(fs::path(dir) / "model_results.csv"));
}

TEST_F(CliBadInput, DateFormatReadsOtherDatesAndFitsLikeIso) {
  Table t = base_table();
  const std::string iso = write(t, "iso.csv");
  for (auto& row : t.rows) row[0] = day_month_year(row[0]);
  const std::string dmy = write(t, "dmy.csv");
  // Without the flag: the ISO error names the format that reads the column.
  expect_input_error(fit(dmy), {dmy + ":2:1", "column `date`", "value `04/01/2021`", "ISO 8601",
                                "pass --date-format %d/%m/%Y"});
  // A cell that does not match the explicit format.
  t.at(5, "date") = "2021-02-08";
  const std::string mixed = write(t, "mixed.csv");
  expect_input_error(fit(mixed, {"--date-format", "%d/%m/%Y"}),
                     {mixed + ":" + line_of(5) + ":1", "value `2021-02-08`",
                      "a date in the --date-format %d/%m/%Y"});
  expect_input_error(fit(dmy, {"--date-format", "%d/%m/%q"}),
                     {"invalid --date-format `%d/%m/%q`", "%q"});

  expect_success(fit(dmy, {"--date-format", "%d/%m/%Y", "--json"}));
  const std::vector<std::string> from_dmy = result_rows(out());
  expect_success(fit(iso, {"--json"}));
  EXPECT_EQ(result_rows(out()), from_dmy);
}

TEST_F(CliBadInput, EmptyControlCellsNeedAnExplicitPolicy) {
  Table t = base_table();
  std::vector<std::string> price;
  for (std::size_t r = 0; r < t.rows.size(); ++r) price.push_back(std::to_string(10 + r % 3));
  price[7] = "";
  t.add_column("price", price);
  const std::string path = write(t);
  expect_input_error(fit(path, {"--controls", "price"}),
                     {path + ":" + line_of(7) + ":5", "column `price`", "--missing-controls"});
  const CliResult ffill =
      fit(path, {"--controls", "price", "--missing-controls", "ffill", "--json"});
  expect_success(ffill);
  EXPECT_NE(ffill.err.find("filled empty control cells by --missing-controls ffill (price: 1)"),
            std::string::npos)
      << ffill.err;
  // The same as writing the previous week's value into the cell.
  const std::vector<std::string> filled_by_flag = result_rows(out());
  t.at(7, "price") = t.at(6, "price");
  expect_success(fit(write(t, "full.csv"), {"--controls", "price", "--json"}));
  EXPECT_EQ(result_rows(out()), filled_by_flag);
  fs::remove_all(out());  // the failures below must leave it empty
  expect_input_error(fit(path, {"--controls", "price", "--missing-controls", "guess"}),
                     {"invalid --missing-controls `guess`", "error, zero, ffill, mean"});
  // The policy from the config file.
  const std::string config = write("c.toml", "[data]\nmissing_controls = \"mean\"\n");
  expect_success(fit(path, {"--controls", "price", "--config", config, "--json"}));
  // Spend and KPI stay strict.
  fs::remove_all(out());
  t.at(3, "revenue") = "";
  const std::string no_kpi = write(t, "nokpi.csv");
  expect_input_error(fit(no_kpi, {"--controls", "price", "--missing-controls", "zero"}),
                     {no_kpi + ":" + line_of(3) + ":4", "column `revenue`", "empty"});
}

TEST_F(CliBadInput, NegativeWouldBeSpendColumnSuggestsControls) {
  Table t = base_table();
  std::vector<std::string> temperature;
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    temperature.push_back(std::to_string(static_cast<int>(r % 9) - 3) + ".5");
  t.add_column("temperature", temperature);
  const std::string path = write(t);
  expect_input_error(fit(path),
                     {path + ":2:5", "column `temperature`", "value `-3.5`", "has negative values",
                      "spend cannot be negative", "pass --controls temperature"});
  expect_success(fit(path, {"--controls", "temperature", "--json"}));
}

TEST_F(CliBadInput, NegativeColumnInSegmentedDataSuggestsControls) {
  Table t = base_table(30);
  t.add_column("segment", std::vector<std::string>(t.rows.size(), "north"));
  t.add_column("temperature", std::vector<std::string>(t.rows.size(), "4.5"));
  const std::size_t n = t.rows.size();
  for (std::size_t r = 0; r < n; ++r) {
    t.rows.push_back(t.rows[r]);
    t.rows.back()[static_cast<std::size_t>(t.col("segment"))] = "south";
  }
  t.at(n + 3, "temperature") = "-1";
  const std::string path = write(t);
  expect_input_error(
      fit(path, {"--segments", "segment", "--nested-budget", "0"}),
      {path + ":" + line_of(n + 3) + ":6", "value `-1`", "pass --controls temperature"});
}

// ---- channel-long warehouse data ----

class CliChannelLong : public CliBadInput {
 protected:
  void simulate(const std::string& path, const std::string& format) {
    const CliResult r = run_mmm({"simulate", "--weeks", "80", "--channels", "3", "--seed", "7",
                                 "--format", format, "--out", path, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
  }
};

TEST_F(CliChannelLong, FitsExactlyLikeTheEquivalentWideFile) {
  const std::string wide = dir_ / "wide.csv", warehouse = dir_ / "warehouse.csv";
  simulate(wide, "wide");
  simulate(warehouse, "long");
  EXPECT_EQ(read_csv(warehouse).header.size(), 6u);
  EXPECT_EQ(read_csv(warehouse).rows.size(), 80u * 3 * 2);  // week × channel × geo

  const CliResult long_fit = fit(warehouse, {"--format", "long", "--json"});
  expect_success(long_fit);
  EXPECT_NE(long_fit.err.find("pivoted 480 rows to 80 dates × 3 channel keys"), std::string::npos)
      << long_fit.err;
  const CsvFile from_long = read_csv(fs::path(out()) / "model_results.csv");
  const nlohmann::json long_model =
      nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  expect_success(fit(wide, {"--json"}));
  const CsvFile from_wide = read_csv(fs::path(out()) / "model_results.csv");
  const nlohmann::json wide_model =
      nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));

  ASSERT_EQ(from_long.rows.size(), 3u);
  ASSERT_EQ(from_wide.rows.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    const std::string& name = from_wide.rows[r][0];
    EXPECT_EQ(from_long.rows[r][0], name + "_GLOBAL_all");  // CHANNEL_KEY
    EXPECT_EQ(from_long.rows[r][1], name);                  // CHANNEL_CODE
    EXPECT_EQ(from_long.rows[r][2], "GLOBAL");              // GEO_CODE
    EXPECT_EQ(from_long.rows[r][3], "all");                 // PRODUCT_CODE
    // Every figure, to the last digit.
    for (std::size_t c = 4; c < from_wide.rows[r].size(); ++c) {
      EXPECT_EQ(from_long.rows[r][c], from_wide.rows[r][c]) << "row " << r << " column " << c;
    }
  }
  EXPECT_EQ(long_model["metrics"], wide_model["metrics"]);
  EXPECT_EQ(long_model["coefficients"], wide_model["coefficients"]);
  EXPECT_EQ(long_model["config"]["input"]["format"], "long");
  EXPECT_EQ(long_model["config"]["input"]["min_spend"], 1000.0);
}

TEST_F(CliChannelLong, MinimumSpendDropsKeysAndBadRowsAreInputErrors) {
  const std::string warehouse = dir_ / "warehouse.csv";
  simulate(warehouse, "long");
  // Total spend per key is in the hundreds of thousands; a high bar drops some.
  const CliResult dropped = fit(warehouse, {"--format", "long", "--min-spend", "1e12", "--channels",
                                            "tv_GLOBAL_all", "--json"});
  expect_success(dropped);  // named keys are kept whatever the bar
  fs::remove_all(out());    // the failures below must leave it empty
  const CliResult none = fit(warehouse, {"--format", "long", "--min-spend", "1e12"});
  expect_input_error(none, {warehouse, "under --min-spend 1e+12", "tv_GLOBAL_all"});

  std::string text = read_text(warehouse);
  const std::size_t second_line = text.find('\n') + 1;
  const std::size_t third_line = text.find('\n', second_line) + 1;
  // The first data row again: a duplicate (date, channel, geo, product).
  text.insert(third_line, text.substr(second_line, third_line - second_line));
  const std::string duplicated = write("dup.csv", text);
  expect_input_error(fit(duplicated, {"--format", "long"}),
                     {duplicated + ":3:1", "column `DATE`", "already on line 2"});
  expect_input_error(fit(warehouse, {"--min-spend", "10"}), {"--min-spend needs --format long"});
  expect_input_error(fit(warehouse, {"--format", "long", "--geo-level", "COUNTRY"}),
                     {"invalid --geo-level `COUNTRY`", "GLOBAL", "GEO"});
  expect_input_error(fit(warehouse, {"--format", "long", "--segments", "GEO"}),
                     {"--format long is not supported with --segments"});
}

TEST_F(CliChannelLong, ConfigAndSweepReadChannelLongData) {
  const std::string warehouse = dir_ / "warehouse.csv";
  simulate(warehouse, "long");
  const std::string config = write("c.toml",
                                   "[data]\nformat = \"long\"\ngeo_level = \"GEO\"\n"
                                   "min_spend = 0\nlong_revenue = \"row\"\n");
  const nlohmann::json summary = expect_success(fit(warehouse, {"--config", config, "--json"}));
  EXPECT_EQ(summary["channels"], 6) << summary.dump();  // 3 channels × 2 geos
  const CsvFile results = read_csv(fs::path(out()) / "model_results.csv");
  EXPECT_EQ(results.rows[1][0], "tv_south_all");
  EXPECT_EQ(results.rows[1][2], "south");

  const CliResult sweep = run_mmm({"sweep", "--data", warehouse, "--format", "long", "--n", "64",
                                   "--top", "5", "--out", dir_ / "sweep", "--quiet"});
  ASSERT_EQ(sweep.exit_code, 0) << describe(sweep);
  EXPECT_NE(
      read_csv(dir_.path() / "sweep" / "sweep_top.csv").header_line.find("tv_GLOBAL_all_theta"),
      std::string::npos);
}

}  // namespace
}  // namespace mmm::test
