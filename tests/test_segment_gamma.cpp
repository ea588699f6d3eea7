// `--segment-gamma scaled` (host/segments/segment_model.hpp): each segment's γ is the shared γ
// times its largest weekly spend over the largest of all segments. The scale and the
// per-segment blocks are checked against direct computations, the simulator's scaled truth
// against its market sizes, and the CLI fit stores per-segment γ in that ratio and refits
// from its model.json exactly.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/data/segmented_loader.hpp"
#include "host/segments/segment_model.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

using test::CliResult;
using test::describe;
using test::read_text;
using test::run_mmm;
using test::TempDir;
namespace fs = std::filesystem;

SimulationOptions small(std::uint64_t seed) {
  SimulationOptions o;
  o.weeks = 80;
  o.channels = 3;
  o.noise = 0.03;
  o.seed = seed;
  return o;
}

TEST(SegmentGamma, ScaleIsEachSegmentsLargestSpendOverTheLargestOfAll) {
  TempDir dir;
  const std::string path = dir / "seg.csv";
  write_segment_simulation(simulate_segments(small(4), 5, 0.3), path);
  ColumnSelection sel;
  sel.segments = {"segment"};
  const SegmentProblem problem =
      make_segment_problem(load_segmented_csv(path, sel), Pooling::kPartial, PoolingPenalties{});
  const int S = problem.count(), C = problem.channels();
  const std::vector<double> scale = segment_gamma_scale(problem);
  ASSERT_EQ(scale.size(), static_cast<size_t>(S * C));
  for (int c = 0; c < C; ++c) {
    double top = 0.0, largest_scale = 0.0;
    for (int s = 0; s < S; ++s) top = std::max(top, problem.segments[s].spend.col(c).maxCoeff());
    for (int s = 0; s < S; ++s) {
      const double v = scale[static_cast<size_t>(s * C + c)];
      EXPECT_DOUBLE_EQ(v, problem.segments[s].spend.col(c).maxCoeff() / top) << s << "," << c;
      EXPECT_GT(v, 0.0);
      largest_scale = std::max(largest_scale, v);
    }
    EXPECT_EQ(largest_scale, 1.0) << "the largest segment keeps the shared γ";
  }
  // The segments differ in size, so the scales are not all 1.
  EXPECT_LT(*std::min_element(scale.begin(), scale.end()), 0.9);
}

TEST(SegmentGamma, ScaledBlocksMultiplyOnlyGamma) {
  const std::vector<double> shared = {0.3, 1.5, 100.0, 0.6, 2.0, 40.0};
  const std::vector<double> scale = {1.0, 0.5, 0.25, 2.0};  // 2 segments × 2 channels
  const std::vector<double> own = scaled_segment_hyper(shared.data(), 2, scale);
  const std::vector<double> expected = {0.3, 1.5, 100.0, 0.6, 2.0, 20.0,
                                        0.3, 1.5, 25.0,  0.6, 2.0, 80.0};
  EXPECT_EQ(own, expected);
}

TEST(SegmentGamma, SimulatorScalesTheTrueGammaWithMarketSize) {
  const SegmentSimulation shared = simulate_segments(small(6), 4, 0.3);
  const SegmentSimulation scaled = simulate_segments(small(6), 4, 0.3, 0.0, true);
  ASSERT_TRUE(scaled.gamma_scaled);
  for (int c = 0; c < 3; ++c) {
    for (int s = 1; s < 4; ++s) {
      // Spend is scaled to size × the global max, so γ_s / γ_0 = max spend_s / max spend_0.
      const double ratio =
          scaled.segments[s].truth[c].hyper.gamma / scaled.segments[0].truth[c].hyper.gamma;
      const double sizes =
          scaled.segments[s].spend.col(c).maxCoeff() / scaled.segments[0].spend.col(c).maxCoeff();
      EXPECT_NEAR(ratio, sizes, 1e-12 * sizes) << s << "," << c;
      EXPECT_EQ(shared.segments[s].truth[c].hyper.gamma, shared.global[c].hyper.gamma);
      // The same spend and coefficient draws; only the saturation differs.
      EXPECT_EQ(scaled.segments[s].spend, shared.segments[s].spend);
      EXPECT_EQ(scaled.segments[s].truth[c].coef, shared.segments[s].truth[c].coef);
    }
  }
}

TEST(SegmentGamma, FitStoresPerSegmentGammaInProportionAndRefitsExactly) {
  TempDir dir;
  const std::string data = dir / "seg.csv";
  ASSERT_EQ(run_mmm({"simulate", "--segments", "4", "--weeks", "80", "--channels", "3", "--seed",
                     "8", "--segment-gamma", "scaled", "--out", data, "--quiet"})
                .exit_code,
            0);
  const std::vector<std::string> base = {"fit",     "--data",          data,     "--segments",
                                         "segment", "--segment-gamma", "scaled", "--evaluations",
                                         "200",     "--bootstrap",     "0",      "--quiet"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--out", dir / "o1"});
  const CliResult first = run_mmm(args);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const auto m = nlohmann::json::parse(read_text(dir / "o1/model.json"));
  EXPECT_EQ(m["config"]["segment_gamma"], "scaled");
  ColumnSelection sel;
  sel.segments = {"segment"};
  const SegmentedData loaded = load_segmented_csv(data, sel);
  const std::vector<std::string>& names = loaded.segments[0].channels;
  for (size_t c = 0; c < names.size(); ++c) {
    double top = 0.0;
    for (const auto& seg : loaded.segments)
      top = std::max(top, seg.spend.col(static_cast<Eigen::Index>(c)).maxCoeff());
    const double shared = m["hyperparameters"]["channels"][names[c]]["gamma"];
    for (size_t s = 0; s < loaded.names.size(); ++s) {
      const double own = m["segment_coefficients"][loaded.names[s]]["hyperparameters"]["channels"]
                          [names[c]]["gamma"];
      const double expect =
          shared * loaded.segments[s].spend.col(static_cast<Eigen::Index>(c)).maxCoeff() / top;
      EXPECT_NEAR(own, expect, 1e-12 * expect) << loaded.names[s] << " " << names[c];
    }
  }
  // A refit from the model.json uses the stored per-segment γ and reproduces the fit.
  args = {"fit", "--data",  data,    "--segments", "segment",           "--bootstrap",
          "0",   "--quiet", "--out", dir / "o2",   "--hyperparameters", dir / "o1/model.json"};
  const CliResult second = run_mmm(args);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  const auto m2 = nlohmann::json::parse(read_text(dir / "o2/model.json"));
  EXPECT_EQ(m2["segment_coefficients"]["seg_02"]["hyperparameters"],
            m["segment_coefficients"]["seg_02"]["hyperparameters"]);
  const double a = m["metrics"]["loss"], b = m2["metrics"]["loss"];
  EXPECT_NEAR(a, b, 1e-10 * a);
}

TEST(SegmentGamma, BadUseIsAnInputError) {
  TempDir dir;
  const std::string data = dir / "seg.csv";
  ASSERT_EQ(
      run_mmm({"simulate", "--segments", "2", "--weeks", "60", "--out", data, "--quiet"}).exit_code,
      0);
  CliResult r = run_mmm({"fit", "--data", data, "--segments", "segment", "--out", dir / "o",
                         "--segment-gamma", "relative"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("invalid --segment-gamma `relative`: expected shared or scaled"),
            std::string::npos)
      << r.err;
  r = run_mmm({"fit", "--data", data, "--segments", "segment", "--out", dir / "o",
               "--segment-gamma", "scaled", "--per-segment-hyperparameters"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("cannot be combined with --per-segment-hyperparameters"), std::string::npos)
      << r.err;
  const std::string wide = dir / "wide.csv";
  ASSERT_EQ(run_mmm({"simulate", "--weeks", "60", "--out", wide, "--quiet"}).exit_code, 0);
  r = run_mmm({"fit", "--data", wide, "--out", dir / "o", "--segment-gamma", "scaled"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("--segment-gamma needs --segments"), std::string::npos) << r.err;
  r = run_mmm({"simulate", "--segment-gamma", "scaled", "--out", wide});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  r = run_mmm({"simulate", "--segments", "2", "--segment-gamma", "big", "--out", wide});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_FALSE(fs::exists(dir / "o"));
}

}  // namespace
}  // namespace mmm
