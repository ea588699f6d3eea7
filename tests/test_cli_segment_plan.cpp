// `mmm predict --plan` on a segmented fit (issue 15 part 3): a plan with the fit's segment
// column predicts each segment from its own history, coefficients, θ, α, γ and draws, so a
// plan equal to each segment's last weeks reproduces the fit's fitted values; the plan's
// segments must be the model's; a model written before these keys gets the refit hint. Also
// that `mmm simulate --segments --controls` output fits with no flags (its controls are
// controls, not spend).

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

class CliSegmentPlan : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim =
        run_mmm({"simulate", "--weeks", "104", "--channels", "3", "--controls", "1", "--segments",
                 "3", "--seed", "4", "--out", path("seg.csv"), "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    for (const std::string gamma : {"shared", "scaled"}) {
      const CliResult fit = run_mmm({"fit", "--data", path("seg.csv"), "--segments", "segment",
                                     "--out", path("fit_" + gamma), "--evaluations", "300",
                                     "--bootstrap", "20", "--segment-gamma", gamma, "--quiet"});
      ASSERT_EQ(fit.exit_code, 0) << describe(fit);
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  static double num(const CsvFile& f, std::size_t row, const std::string& col) {
    return std::stod(f.rows.at(row).at(static_cast<std::size_t>(f.column(col))));
  }
  static std::string cell(const CsvFile& f, std::size_t row, const std::string& col) {
    return f.rows.at(row).at(static_cast<std::size_t>(f.column(col)));
  }
  /// The last `n` rows of each segment of seg.csv (all its columns), segments in file order.
  static std::string last_weeks(std::size_t n, const std::string& name) {
    const std::vector<std::string> lines = split_lines(read_text(path("seg.csv")));
    std::map<std::string, std::vector<std::string>> by_segment;
    std::vector<std::string> order;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].empty()) continue;
      const std::string seg = split_csv_line(lines[i]).at(1);
      if (by_segment.find(seg) == by_segment.end()) order.push_back(seg);
      by_segment[seg].push_back(lines[i]);
    }
    std::string text = lines[0] + "\n";
    for (const std::string& seg : order) {
      const auto& rows = by_segment[seg];
      for (std::size_t i = rows.size() - n; i < rows.size(); ++i) text += rows[i] + "\n";
    }
    write_text(path(name), text);
    return path(name);
  }

  static TempDir* dir_;
};
TempDir* CliSegmentPlan::dir_ = nullptr;

TEST_F(CliSegmentPlan, SimulatedControlsAreControlsWithoutFlags) {
  const nlohmann::json model = nlohmann::json::parse(read_text(path("fit_shared/model.json")));
  EXPECT_EQ(model["config"]["channels"], nlohmann::json({"tv", "search", "social"}));
  EXPECT_EQ(model["config"]["controls"], nlohmann::json({"ctrl_1"}));
}

TEST_F(CliSegmentPlan, PlanOfEachSegmentsLastWeeksReproducesTheFittedValues) {
  const std::string plan = last_weeks(8, "last8.csv");
  for (const std::string gamma : {"shared", "scaled"}) {
    const std::string out = path("pred_" + gamma);
    const CliResult r = run_mmm(
        {"predict", "--model", path("fit_" + gamma + "/model.json"), "--plan", plan, "--out", out});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "plan: 3 segments")) << r.out;
    EXPECT_TRUE(contains(r.out, "seg_02")) << r.out;
    const CsvFile dec = read_csv(path("fit_" + gamma + "/decomposition.csv"));
    std::map<std::string, std::size_t> fitted_row;  // "segment date" → decomposition row
    for (std::size_t i = 0; i < dec.rows.size(); ++i)
      fitted_row[cell(dec, i, "SEGMENT") + " " + cell(dec, i, "DATE")] = i;
    const CsvFile p = read_csv(out + "/plan_predictions.csv");
    ASSERT_EQ(p.header.at(0), "SEGMENT");
    ASSERT_EQ(p.rows.size(), 24u);
    for (std::size_t t = 0; t < p.rows.size(); ++t) {
      const std::string key = cell(p, t, "SEGMENT") + " " + cell(p, t, "DATE");
      ASSERT_TRUE(fitted_row.count(key)) << key;
      const std::size_t i = fitted_row[key];
      const double fitted = num(dec, i, "PREDICTED");
      EXPECT_NEAR(num(p, t, "kpi"), fitted, 1e-9 * std::abs(fitted)) << gamma << " " << key;
      EXPECT_NEAR(num(p, t, "baseline"), num(dec, i, "BASELINE"), 1e-9 * std::abs(fitted));
      for (const char* ch : {"tv", "search", "social"}) {
        EXPECT_NEAR(num(p, t, std::string(ch) + "_contribution"), num(dec, i, ch),
                    1e-9 * std::abs(fitted))
            << gamma << " " << key << " " << ch;
      }
      // The prediction interval holds the coefficient band and is wider (residual noise).
      EXPECT_LE(num(p, t, "kpi_pred_lower"), num(p, t, "kpi_coef_lower"));
      EXPECT_GE(num(p, t, "kpi_pred_upper"), num(p, t, "kpi_coef_upper"));
      EXPECT_LT(num(p, t, "kpi_coef_lower"), num(p, t, "kpi_coef_upper"));
    }
  }
}

TEST_F(CliSegmentPlan, ModelJsonKeepsEachSegmentsHistoryNoiseAndDraws) {
  const nlohmann::json model = nlohmann::json::parse(read_text(path("fit_shared/model.json")));
  const nlohmann::json& seg = model["segment_coefficients"]["seg_01"];
  EXPECT_EQ(seg["history"]["dates"].size(), 104u);
  EXPECT_EQ(seg["history"]["spend"]["tv"].size(), 104u);
  EXPECT_TRUE(seg["history"]["control_means"].contains("ctrl_1"));
  EXPECT_GT(seg["residual_sd"].get<double>(), 0.0);
  ASSERT_EQ(seg["bootstrap_draws"]["coef"].size(), 20u);
  EXPECT_EQ(seg["bootstrap_draws"]["intercept"].size(), 20u);
  EXPECT_EQ(seg["bootstrap_draws"]["coef"][0].size(), model["columns"].size());
}

TEST_F(CliSegmentPlan, PlanSegmentsMustBeTheModels) {
  write_text(path("unknown.csv"),
             "date,segment,tv,search,social\n2022-12-26,seg_01,1,1,1\n2023-01-02,seg_09,1,1,1\n");
  CliResult r = run_mmm({"predict", "--model", path("fit_shared/model.json"), "--plan",
                         path("unknown.csv"), "--out", path("pu")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown.csv:3")) << r.err;
  EXPECT_TRUE(contains(r.err, "seg_09")) << r.err;
  EXPECT_TRUE(contains(r.err, "--new-segment")) << r.err;
  EXPECT_FALSE(fs::exists(path("pu/plan_predictions.csv")));

  write_text(path("noseg.csv"), "date,tv,search,social\n2023-01-02,1,1,1\n");
  r = run_mmm({"predict", "--model", path("fit_shared/model.json"), "--plan", path("noseg.csv"),
               "--out", path("pn")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "no segment column `segment`")) << r.err;
}

TEST_F(CliSegmentPlan, ModelWithoutThePlanKeysGetsTheRefitHint) {
  nlohmann::json model = nlohmann::json::parse(read_text(path("fit_shared/model.json")));
  model["segment_coefficients"]["seg_01"].erase("history");
  write_text(path("old.json"), model.dump());
  write_text(path("one.csv"), "date,segment,tv,search,social\n2023-01-02,seg_01,1,1,1\n");
  const CliResult r = run_mmm(
      {"predict", "--model", path("old.json"), "--plan", path("one.csv"), "--out", path("po")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "missing key `segment_coefficients.seg_01.history`")) << r.err;
  EXPECT_TRUE(contains(r.err, "run `mmm fit --segments")) << r.err;
}

TEST_F(CliSegmentPlan, ZeroSpendFutureDecaysTowardsEachSegmentsBaseline) {
  // 30 weeks of no spend after the last fitted week, for two of the three segments.
  std::string text = "date,segment,tv,search,social\n";
  const CsvFile data = read_csv(path("seg.csv"));
  ASSERT_EQ(data.rows.back()[0], "2022-12-26");
  for (const char* seg : {"seg_03", "seg_01"}) {
    for (int w = 0; w < 30; ++w) {
      // 2023-01-02 + 7w, month lengths of 2023.
      int m = 1, d = 2 + 7 * w;
      const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      while (d > mdays[m - 1]) d -= mdays[m++ - 1];
      char date[40];
      std::snprintf(date, sizeof date, "2023-%02d-%02d", m, d);
      text += std::string(date) + "," + seg + ",0,0,0\n";
    }
  }
  write_text(path("zero.csv"), text);
  const CliResult r = run_mmm({"predict", "--model", path("fit_shared/model.json"), "--plan",
                               path("zero.csv"), "--out", path("pz")});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "segment seg_03: control `ctrl_1` is not in the plan")) << r.err;
  const CsvFile p = read_csv(path("pz/plan_predictions.csv"));
  ASSERT_EQ(p.rows.size(), 60u);
  EXPECT_EQ(cell(p, 0, "SEGMENT"), "seg_03");  // the plan's order
  EXPECT_EQ(cell(p, 30, "SEGMENT"), "seg_01");
  for (std::size_t first : {0u, 30u}) {
    // The carried-over adstock decays: the first week's media exceeds the last's, which is ~0.
    const auto media = [&](std::size_t t) { return num(p, t, "kpi") - num(p, t, "baseline"); };
    EXPECT_GT(media(first), media(first + 29));
    EXPECT_NEAR(media(first + 29), 0.0, 1e-3 * std::abs(num(p, first + 29, "kpi")));
  }
}

}  // namespace
}  // namespace mmm::test
