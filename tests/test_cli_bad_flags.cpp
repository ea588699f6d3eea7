// `mmm fit` with bad flags or a model too big for the data, end to end (SPEC §11): exit code 2
// with one `error: …` line and no output; and inputs that look odd but are fine (constant
// control, short data, quoted commas, BOM, CRLF): exit 0.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

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
