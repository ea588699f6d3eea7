// Issue 13 (hardening), end to end: flags and config keys at the edge of their range — huge CV
// windows, zero grid points, infinite or boolean numbers — get one `error:` line and exit 2,
// never a crash, a hang or a silently changed value.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

constexpr const char* kIntMax = "2147483647";

// ---- CV windows: start + train + test used to overflow `int` ----

TEST_F(CliBadInput, HugeCvWindowFlagsAreRefused) {
  const std::string path = write(base_table());
  for (const char* flag : {"--cv-step", "--cv-train", "--cv-test"}) {
    SCOPED_TRACE(flag);
    expect_input_error(fit(path, {flag, kIntMax}), {flag, kIntMax, "at most 1000000"});
  }
}

TEST_F(CliBadInput, HugeCvWindowInConfigIsRefused) {
  const std::string path = write(base_table());
  for (const char* key : {"step", "train", "test"}) {
    SCOPED_TRACE(key);
    const std::string cfg = write("cv.toml", std::string("[cv]\n") + key + " = " + kIntMax + "\n");
    expect_input_error(fit(path, {"--config", cfg}),
                       {cfg + ":2", std::string("cv.") + key, kIntMax, "1000000"});
  }
}

TEST_F(CliBadInput, HugeCvWindowWithSegmentsIsRefused) {
  const std::string seg = dir_ / "seg.csv";
  const CliResult sim = run_mmm({"simulate", "--segments", "2", "--weeks", "60", "--channels", "2",
                                 "--seed", "9", "--out", seg});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  for (const char* flag : {"--cv-step", "--cv-train", "--cv-test"}) {
    SCOPED_TRACE(flag);
    const CliResult r = run_mmm({"fit", "--data", seg, "--segments", "segment", "--out", out(),
                                 "--budget", "30", "--bootstrap", "0", flag, kIntMax});
    expect_input_error(r, {flag, kIntMax, "at most 1000000"});
  }
}

// ---- sweep grid ----

TEST_F(CliBadInput, SweepGridWithZeroPointsIsRefused) {
  const std::string path = write(base_table());
  const CliResult r =
      run_mmm({"sweep", "--data", path, "--out", out(), "--design", "grid", "--grid-points", "0"});
  expect_input_error(r, {"--grid-points 0", "at least 1"});
}

// ---- infinite numbers and booleans ----

TEST_F(CliBadInput, InfiniteRidgeLambdaIsRefused) {
  const std::string path = write(base_table());
  expect_input_error(fit(path, {"--ridge-lambda", "inf"}), {"--ridge-lambda", "inf", "finite"});
}

TEST_F(CliBadInput, InfiniteSweepRidgeLambdaIsRefused) {
  const std::string path = write(base_table());
  const CliResult r =
      run_mmm({"sweep", "--data", path, "--out", out(), "--n", "16", "--ridge-lambda", "inf"});
  expect_input_error(r, {"--ridge-lambda", "inf", "finite"});
}

TEST_F(CliBadInput, InfiniteSimulationSpreadIsRefused) {
  const std::string csv = dir_ / "sim.csv";
  const CliResult r =
      run_mmm({"simulate", "--segments", "2", "--segment-spread", "inf", "--out", csv});
  expect_input_error(r, {"--segment-spread", "inf", "finite"});
  EXPECT_FALSE(fs::exists(csv));
}

TEST_F(CliBadInput, InfiniteTomlNumbersAreRefused) {
  const std::string path = write(base_table());
  std::string cfg = write("lambda.toml", "[model]\nridge_lambda = inf\n");
  expect_input_error(fit(path, {"--config", cfg}), {cfg, "ridge_lambda", "not finite"});
  cfg = write("bounds.toml", "[channels.tv]\nalpha = [0.5, inf]\n");
  expect_input_error(fit(path, {"--config", cfg}), {cfg, "alpha", "not finite"});
}

TEST_F(CliBadInput, TomlBooleanIsNotANumber) {
  const std::string path = write(base_table());
  const std::string cfg = write("budget.toml", "[search]\nbudget = true\n");
  expect_input_error(fit(path, {"--config", cfg}), {cfg, "budget", "true", "an integer"});
}

}  // namespace
}  // namespace mmm::test
