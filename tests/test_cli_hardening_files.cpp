// Issue 13 (hardening), end to end: hostile files — JSON nested 100,000 deep or with unknown
// keys, incomplete or newer model.json files, FIFOs and devices as input, absurd cells and
// column names, bad --out paths — get one `error:` line and exit 2, never a crash or a hang.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "host/io/output_dir.hpp"
#include "tests/bad_input_fixture.hpp"

// GCC defines __SANITIZE_ADDRESS__ under ASan; clang (tools/sanitize.sh) has __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MMM_CLANG_ASAN 1
#endif
#endif
#ifndef MMM_CLANG_ASAN
#define MMM_CLANG_ASAN 0
#endif

namespace mmm::test {
namespace {

const char* kGoodHyper =
    R"({"ridge_lambda": 10, "channels": {"tv": {"theta": 0.3, "alpha": 1.5, "gamma": 900},)"
    R"( "radio": {"theta": 0.2, "alpha": 1.2, "gamma": 800}}})";

// ---- JSON inputs ----

TEST_F(CliBadInput, DeeplyNestedHyperparameterValueIsRefused) {
  const std::string path = write(base_table());
  const std::string deep = std::string(100000, '[') + "0.5" + std::string(100000, ']');
  const std::string hyper = write(
      "deep.json", R"({"channels": {"tv": {"theta": )" + deep +
                       R"(, "alpha": 1.5, "gamma": 900}, "radio": {"theta": 0.2, "alpha": 1.2,)"
                       R"( "gamma": 800}}})");
  expect_input_error(fit(path, {"--hyperparameters", hyper}), {hyper, "deeper than 64"});
}

TEST_F(CliBadInput, LongBadHyperparameterValueIsQuotedShort) {
  const std::string path = write(base_table());
  const std::string hyper =
      write("long.json", R"({"channels": {"tv": {"theta": ")" + std::string(100000, 'x') +
                             R"(", "alpha": 1.5, "gamma": 900}, "radio": {"theta": 0.2,)"
                             R"( "alpha": 1.2, "gamma": 800}}})");
  const CliResult r = fit(path, {"--hyperparameters", hyper});
  expect_input_error(r, {hyper, "`theta`", "xxxxx…", "expected a finite number"});
  EXPECT_LT(r.err.size(), 400u) << r.err.substr(0, 400);
}

// Found by tests/fuzz/fuzz_hyperparameters: nlohmann reports a number beyond double's range
// as out_of_range, which escaped as an internal error (exit 1).
TEST_F(CliBadInput, NumberBeyondDoubleRangeInJsonIsAnInputError) {
  const std::string path = write(base_table());
  const std::string hyper = write("huge.json", R"({"ridge_lambda": 1e999, "channels": {}})");
  expect_input_error(fit(path, {"--hyperparameters", hyper}),
                     {hyper, "not valid JSON", "number overflow"});
}

TEST_F(CliBadInput, UnknownHyperparameterKeyIsNamed) {
  const std::string path = write(base_table());
  std::string hyper = write("typo.json", R"({"ridge_lamda": 3, "channels": {}})");
  expect_input_error(fit(path, {"--hyperparameters", hyper}),
                     {hyper, "unknown key \"ridge_lamda\""});
  std::string text = kGoodHyper;
  text.replace(text.find("\"gamma\": 900"), 12, "\"gamma\": 900, \"gama\": 1");
  hyper = write("typo2.json", text);
  expect_input_error(fit(path, {"--hyperparameters", hyper}),
                     {hyper, "channel `tv`", "unknown key \"gama\"", "theta, alpha, gamma"});
  // A full model.json (any other keys) is still a hyperparameters file.
  hyper =
      write("model.json", std::string(R"({"format": "mmm-model", "r2": 0.5, "hyperparameters": )") +
                              kGoodHyper + "}");
  expect_success(fit(path, {"--hyperparameters", hyper, "--json"}));
}

TEST_F(CliBadInput, ModelFromANewerProgramIsRefused) {
  const std::string path = write(base_table());
  const std::string model =
      write("model.json",
            std::string(R"({"format_version": 99, "hyperparameters": )") + kGoodHyper + "}");
  expect_input_error(fit(path, {"--hyperparameters", model}),
                     {model, "format_version 99", "newer mmm"});
  const CliResult r = run_mmm({"compare", "--model", model, "--out", dir_ / "cmp.csv"});
  expect_input_error(r, {model, "format_version 99"});
}

TEST_F(CliBadInput, FitWritesTheModelFormatVersion) {
  const std::string path = write(base_table());
  expect_success(fit(path, {"--json"}));
  const auto model = nlohmann::json::parse(read_text(fs::path(out()) / "model.json"));
  EXPECT_EQ(model["format_version"], 1);
}

TEST_F(CliBadInput, CompareNamesTheMissingKeyOfAnIncompleteModel) {
  const std::string model =
      write("x.json", R"({"segment_coefficients":{},"segments":[],"global_performance":{}})");
  const std::string cmp = dir_ / "cmp.csv";
  expect_input_error(run_mmm({"compare", "--model", model, "--out", cmp}),
                     {model, "missing key `config`"});
  EXPECT_FALSE(fs::exists(cmp));
  const std::string no_perf = write(
      "y.json", R"({"segment_coefficients":{"a":{}},"segments":["a"],"global_performance":{},)"
                R"("config":{"channels":["tv"]}})");
  expect_input_error(run_mmm({"compare", "--model", no_perf, "--out", cmp}),
                     {no_perf, "missing key `segment_coefficients.a.performance`"});
  const std::string bad_segments =
      write("z.json", R"({"segment_coefficients":{},"segments":[1],"global_performance":{}})");
  expect_input_error(run_mmm({"compare", "--model", bad_segments, "--out", cmp}),
                     {bad_segments, "`segments[0]` is `1`", "a string"});
}

TEST_F(CliBadInput, PredictNamesTheMissingKeyOfAnIncompleteModel) {
  const std::string data = write(base_table());
  auto predict = [&](const std::string& model) {
    return run_mmm({"predict", "--model", model, "--data", data, "--new-segment", "--out", out()});
  };
  std::string model = write("a.json", R"({"segments":[],"global":{}})");
  expect_input_error(predict(model), {model, "missing key `config`"});
  model = write("b.json", R"({"segments":[],"global":{},"config":{"date_col":"date"}})");
  expect_input_error(predict(model), {model, "missing key `config.kpi_col`"});
  model = write("c.json", R"({"segments":[],"global":{"intercept":1},"config":{"date_col":"date",)"
                          R"("kpi_col":"revenue","channels":["tv","radio"],"controls":[]}})");
  expect_input_error(predict(model), {model, "missing key `global.coef`"});
}

// ---- files that are not regular files ----

TEST_F(CliBadInput, DeviceAsDataIsRefused) {
  expect_input_error(fit("/dev/zero"), {"/dev/zero", "character device", "regular file"});
}

TEST_F(CliBadInput, FifoInputsAreRefusedWithoutBlocking) {
  const std::string data = write(base_table());
  const std::string fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_input_error(fit(fifo), {fifo, "FIFO", "regular file"});
  for (const char* flag : {"--hyperparameters", "--init-from", "--config"}) {
    SCOPED_TRACE(flag);
    const CliResult r = fit(data, {flag, fifo});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("FIFO"), std::string::npos) << describe(r);
  }
  expect_input_error(run_mmm({"compare", "--model", fifo, "--out", dir_ / "cmp.csv"}),
                     {fifo, "FIFO"});
  expect_input_error(
      run_mmm({"predict", "--model", fifo, "--data", data, "--new-segment", "--out", out()}),
      {fifo, "FIFO"});
}

// ---- cells and column names ----

TEST_F(CliBadInput, HugeKpiCellIsRefused) {
  Table t = base_table();
  t.at(5, "revenue") = "1e308";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(5), "column `revenue`", "`1e308`", "1e15"});
}

TEST_F(CliBadInput, HugeSpendCellIsRefused) {
  Table t = base_table();
  t.at(7, "tv") = "1e308";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(7), "column `tv`", "`1e308`", "1e15"});
}

TEST_F(CliBadInput, HexadecimalSpendIsNotANumber) {
  Table t = base_table();
  t.at(3, "tv") = "0x10";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(3), "column `tv`", "`0x10`", "a number"});
}

TEST_F(CliBadInput, TextAfterTheDateIsRefused) {
  Table t = base_table();
  t.at(4, "date") = t.at(4, "date") + " garbage";
  const std::string path = write(t);
  expect_input_error(fit(path), {path + ":" + line_of(4) + ":1", "garbage"});
}

TEST_F(CliBadInput, LongColumnNameIsRefused) {
  Table t = base_table();
  t.add_column(std::string(10000, 'n'), std::vector<std::string>(t.rows.size(), "1"));
  const std::string path = write(t);
  const CliResult r = fit(path);
  expect_input_error(r, {path + ":1:5", "column 5", "10000 bytes", "at most 256"});
  EXPECT_LT(r.err.size(), 400u);
}

TEST_F(CliBadInput, LongSegmentValueIsRefused) {
  Table t = base_table();
  std::vector<std::string> market(t.rows.size(), "north");
  market[9] = std::string(10000, 'm');
  t.add_column("market", market);
  const std::string path = write(t);
  const CliResult r = fit(path, {"--segments", "market"});
  expect_input_error(r, {path + ":" + line_of(9) + ":5", "column `market`", "at most 256 bytes"});
  EXPECT_LT(r.err.size(), 400u);
}

TEST_F(CliBadInput, SeedAbove64BitsIsRefused) {
  const std::string path = write(base_table());
  const CliResult r = fit(path, {"--seed", "18446744073709551616"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("--seed"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(out()));
}

// ---- --out ----

TEST_F(CliBadInput, OutSymlinkLoopFailsUpfront) {
  const std::string path = write(base_table());
  const std::string loop = dir_ / "loop";
  ASSERT_EQ(::symlink(loop.c_str(), loop.c_str()), 0);
  const CliResult r = run_mmm({"fit", "--data", path, "--out", loop, "--budget", "60"});
  expect_input_error(r, {"--out", loop, "symbolic links"});
}

TEST_F(CliBadInput, OutDanglingSymlinkFailsUpfront) {
  const std::string path = write(base_table());
  const std::string link = dir_ / "dangling";
  const std::string target = (dir_.path() / "nowhere" / "x").string();
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const CliResult r = run_mmm({"fit", "--data", path, "--out", link, "--budget", "60"});
  expect_input_error(r, {"--out", link, "symbolic link to a missing target"});
  const CliResult under =
      run_mmm({"fit", "--data", path, "--out", link + "/results", "--budget", "60"});
  expect_input_error(under, {"--out", link, "symbolic link to a missing target"});
}

TEST_F(CliBadInput, OutNameTooLongFailsUpfront) {
  const std::string path = write(base_table());
  const std::string name = std::string(300, 'a');
  const CliResult r =
      run_mmm({"fit", "--data", path, "--out", dir_ / (name + "/out"), "--budget", "60"});
  expect_input_error(r, {"--out", "300 bytes long", "at most 255"});
  std::string long_path = dir_.path().string();
  for (int i = 0; i < 30; ++i) long_path += "/" + std::string(200, 'c');
  const CliResult r2 = run_mmm({"fit", "--data", path, "--out", long_path, "--budget", "60"});
  EXPECT_EQ(r2.exit_code, 2) << describe(r2);
  EXPECT_NE(r2.err.find("bytes long"), std::string::npos) << describe(r2);
}

TEST_F(CliBadInput, SecondWriterIntoTheSameOutIsRefused) {
  const std::string path = write(base_table());
  fs::create_directories(out());
  // Another run holds the folder's lock (an flock on the folder itself).
  const int fd = ::open(out().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  expect_input_error(fit(path), {"--out", out(), "in use by another mmm run"});
  ::close(fd);
  // Once the other writer is gone the folder is usable, and holds only the results.
  expect_success(fit(path, {"--json"}));
  for (const std::string& name : file_names(out())) EXPECT_NE(name[0], '.') << name;
}

TEST(OutputDirLock, SecondOutputDirOnTheSameFolderIsRefused) {
  TempDir dir;
  const std::string out = dir / "new";
  {
    OutputDir first(out);
    OutputDir second(out);  // the folder does not exist yet: both pass the upfront check
    first.add("a.csv", "1\n");
    const std::string msg = input_error([&] { second.add("b.csv", "2\n"); });
    EXPECT_NE(msg.find("in use by another mmm run"), std::string::npos) << msg;
    first.commit();
  }
  EXPECT_EQ(file_names(out), (std::vector<std::string>{"a.csv", "mmm_manifest.json"}));
  // An existing folder is refused at once, before any work.
  OutputDir holder(out);
  EXPECT_NE(input_error([&] { OutputDir late(out); }).find("in use"), std::string::npos);
}

// ---- threads ----

TEST_F(CliBadInput, ThreadsThatCannotStartFallBackWithANotice) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || MMM_CLANG_ASAN
  GTEST_SKIP() << "sanitizers reserve terabytes of address space; ulimit -v cannot apply";
#endif
  const std::string path = write(base_table());
  // 1024 threads of 8 MiB stacks cannot fit in 2 GB of address space.
  const std::string command = "ulimit -v 2000000 && exec " + shell_quote(MMM_BINARY) +
                              " fit --data " + shell_quote(path) + " --out " + shell_quote(out()) +
                              " --budget 60 --bootstrap 0 --device cpu --threads 1024 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  const int status = ::pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  EXPECT_EQ(WEXITSTATUS(status), 0) << text;
  EXPECT_NE(text.find("notice: could start only"), std::string::npos) << text;
  EXPECT_NE(text.find("of 1024 threads"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(fs::path(out()) / "model.json")) << text;
}

}  // namespace
}  // namespace mmm::test
