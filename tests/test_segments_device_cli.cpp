// `mmm fit --segments … --device`: the segmented fit resolves the device like the single fit
// (SPEC §2, §9, §12). Without a GPU, `--device cuda` exits 2 naming the way out, `auto` runs on
// the CPU and says so, and a bad value lists the grammar; with one, `--device cuda` gives the
// CPU's loss within 1e-9 (skipped where no CUDA device is visible).

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

class SegmentsDeviceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const CliResult sim = run_mmm({"simulate", "--segments", "4", "--weeks", "52", "--channels",
                                   "2", "--seed", "5", "--out", data(), "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    const CliResult info = run_mmm({"info"});
    gpu_visible_ = info.out.find("cuda devices: 0") == std::string::npos;
  }
  std::string data() const { return dir_ / "seg.csv"; }
  std::string out(const std::string& name) const { return dir_ / name; }
  /// A short segmented fit (small search, no bootstrap) on `device`; progress and notices on.
  CliResult fit(const std::string& device, const std::string& name, bool quiet = false,
                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "fit",     "--data",   data(), "--segments", "segment", "--device",    device, "--out",
        out(name), "--budget", "120",  "--seed",     "3",       "--bootstrap", "0",    "--json"};
    if (quiet) args.push_back("--quiet");
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }
  TempDir dir_;
  bool gpu_visible_ = false;
};

TEST_F(SegmentsDeviceCli, CudaWithoutADeviceExitsTwoNamingTheWayOut) {
  if (gpu_visible_) GTEST_SKIP() << "a CUDA device is visible; `--device cuda` is valid here";
  for (const std::string device : {"cuda", "cuda:1"}) {
    const CliResult r = fit(device, "cuda_out", true);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("error: --device " + device), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--device cpu"), std::string::npos) << r.err;
    EXPECT_TRUE(file_names(out("cuda_out")).empty());
  }
}

TEST_F(SegmentsDeviceCli, AutoFallsBackToTheCpuWithANotice) {
  if (gpu_visible_) GTEST_SKIP() << "a CUDA device is visible; auto picks it for large batches";
  const CliResult r = fit("auto", "auto_out");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("notice: no CUDA device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("using the cpu ("), std::string::npos) << r.err;
  const auto summary = nlohmann::json::parse(r.out);
  const std::string backend = summary["backend"];
  EXPECT_EQ(backend.rfind("cpu (", 0), 0u) << backend;
  const auto model = nlohmann::json::parse(read_text(fs::path(out("auto_out")) / "model.json"));
  EXPECT_EQ(model["backend"], backend);
  // The same fit on an explicit cpu: same numbers, and nothing to say about devices.
  const CliResult cpu = fit("cpu", "cpu_out");
  ASSERT_EQ(cpu.exit_code, 0) << describe(cpu);
  EXPECT_EQ(cpu.err.find("CUDA"), std::string::npos) << cpu.err;
  EXPECT_EQ(nlohmann::json::parse(cpu.out)["loss"], summary["loss"]);
}

TEST_F(SegmentsDeviceCli, BadDeviceValueListsTheGrammar) {
  const CliResult r = fit("gpu2", "bad_out", true);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("invalid --device `gpu2`; expected one of: auto, cpu, cuda, cuda:<ordinal>"),
            std::string::npos)
      << r.err;
}

TEST_F(SegmentsDeviceCli, CudaGivesTheCpuLoss) {
  if (!gpu_visible_) GTEST_SKIP() << "no CUDA device visible";
  // At the simulation's true θ, α, γ (no search, whose path could turn on a rounding tie),

  const std::vector<std::string> fixed = {"--hyperparameters", dir_ / "seg.truth.json"};
  const CliResult gpu = fit("cuda", "gpu_out", true, fixed);
  ASSERT_EQ(gpu.exit_code, 0) << describe(gpu);
  const CliResult cpu = fit("cpu", "cpu_out", true, fixed);
  ASSERT_EQ(cpu.exit_code, 0) << describe(cpu);
  const auto g = nlohmann::json::parse(gpu.out), c = nlohmann::json::parse(cpu.out);
  const std::string backend = g["backend"];
  EXPECT_EQ(backend.rfind("cuda:0 (", 0), 0u) << backend;
  const double lg = g["loss"], lc = c["loss"];
  EXPECT_NEAR(lg, lc, 1e-9 * std::abs(lc));
}

}  // namespace
}  // namespace mmm::test
