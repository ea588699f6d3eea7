// Plausibility checks of a segmented fit (host/segments/segment_figures): the all-segment
// figures and the per-segment media share, on constructed reports, and the warnings in the
// segmented model.json and --json summary through the CLI.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "host/segments/segment_figures.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

/// Two segments of 4 weeks, one channel. Segment A: KPI 100/week, media 40 in all; segment B:
/// KPI 10/week (40 in all), media `b_media`.
SegmentReport two_segments(double b_media) {
  SegmentReport r;
  r.data.names = {"A", "B"};
  r.data.segments.resize(2);
  r.data.segments[0].kpi = Eigen::VectorXd::Constant(4, 100.0);
  r.data.segments[1].kpi = Eigen::VectorXd::Constant(4, 10.0);
  for (auto& d : r.data.segments) d.channels = {"tv"};
  r.channels.resize(2, std::vector<SegmentChannel>(1));
  r.channels[0][0].contribution = 40.0;
  r.channels[1][0].contribution = b_media;
  r.global.resize(1);
  r.global[0].roi = 2.0;
  r.global[0].roi_lower = 1.5;
  r.global[0].roi_upper = 2.5;
  r.hyperparameters.channels = {ChannelHyper{0.3, 1.5, 100.0}};
  return r;
}

TEST(SegmentFigures, AllSegmentFigures) {
  const FitFigures f = segment_fit_figures(two_segments(20.0));
  EXPECT_DOUBLE_EQ(f.total_kpi, 440.0);
  EXPECT_DOUBLE_EQ(f.total_media, 60.0);
  EXPECT_DOUBLE_EQ(f.mean_kpi, 55.0);
  EXPECT_DOUBLE_EQ(f.mean_baseline, (440.0 - 60.0) / 8.0);
  ASSERT_EQ(f.channels.size(), 1u);
  EXPECT_EQ(f.channels[0].name, "tv");
  EXPECT_DOUBLE_EQ(f.channels[0].roi_lower, 1.5);
  EXPECT_TRUE(std::isnan(f.channels[0].search_u[0]));  // no search ran
}

TEST(SegmentFigures, SilentOnAPlausibleFitAndNamesTheSegmentWhoseMediaExceedsItsKpi) {
  EXPECT_TRUE(segment_plausibility_checks(two_segments(20.0)).empty());
  const auto d = segment_plausibility_checks(two_segments(60.0));  // 60 > B's KPI of 40
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "segment_media_above_kpi");
  EXPECT_NE(d[0].message.find("segment `B`"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].message.find("150%"), std::string::npos) << d[0].message;
}

}  // namespace

namespace test {
namespace {

TEST(SegmentFiguresCli, SegmentedModelJsonCarriesTheDiagnostics) {
  TempDir dir;
  const CliResult sim = run_mmm({"simulate", "--segments", "3", "--weeks", "104", "--channels", "3",
                                 "--seed", "9", "--out", dir / "seg.csv"});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  const CliResult r = run_mmm({"fit", "--data", dir / "seg.csv", "--segments", "segment", "--out",
                               dir / "o", "--bootstrap", "20", "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json model = nlohmann::json::parse(read_text(dir / "o/model.json"));
  ASSERT_TRUE(model.contains("diagnostics"));
  ASSERT_TRUE(model["diagnostics"].is_array());
  const nlohmann::json summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["warnings"], model["diagnostics"]);
  // Every warning is on stderr, --quiet or not.
  for (const auto& d : model["diagnostics"]) {
    EXPECT_NE(r.err.find("warning: " + d["message"].get<std::string>()), std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace test
}  // namespace mmm
