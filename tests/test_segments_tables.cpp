// The analysis tables of a segmented fit (host/outputs/segment_tables, SPEC §7, §8, §10):
// response_curves.csv, budget_allocation.csv, cv_folds.csv and decomposition.csv end to end
// on `mmm simulate --segments` data, --segment-filter, and the tables against the report.

#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "host/outputs/segment_tables.hpp"
#include "host/segments/segment_pipeline.hpp"
#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

double num(const std::string& cell) { return cell.empty() ? std::nan("") : std::stod(cell); }

// A segmented simulation (3 segments × 104 weeks × 3 channels, 2% noise) written once.
class SegmentTables : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const CliResult sim =
        run_mmm({"simulate", "--segments", "3", "--weeks", "104", "--channels", "3", "--noise",
                 "0.02", "--seed", "9", "--out", data(), "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string data() { return *dir_ / "seg.csv"; }
  static std::string truth() { return *dir_ / "seg.truth.json"; }
  static TempDir* dir_;
};
TempDir* SegmentTables::dir_ = nullptr;

TEST_F(SegmentTables, CliWritesTheFourTablesWithSegmentColumn) {
  const std::string out = *dir_ / "out_all";
  CliResult r = run_mmm({"fit", "--data", data(), "--segments", "segment", "--out", out, "--budget",
                         "60", "--bootstrap", "20", "--quiet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto summary = nlohmann::json::parse(r.out);
  ASSERT_TRUE(summary["cv_mape"].is_number()) << summary.dump();
  const double cv_mape = summary["cv_mape"];
  EXPECT_GT(cv_mape, 0.0);
  EXPECT_LT(cv_mape, 0.2);
  const int C = 3, S = 3, T = 104;

  const CsvFile curves = read_csv(fs::path(out) / "response_curves.csv");
  EXPECT_EQ(curves.header_line,
            "SEGMENT,CHANNEL,SPEND,PREDICTED_REVENUE,PREDICTED_REVENUE_CI_LOWER,"
            "PREDICTED_REVENUE_CI_UPPER,MARGINAL_ROI_AT_SPEND,EFFICIENCY_ZONE");
  EXPECT_EQ(curves.rows.size(), 100u * C * (S + 1));
  EXPECT_EQ(curves.rows.front()[0], "GLOBAL");
  EXPECT_EQ(curves.rows.back()[0], "seg_03");
  int banded = 0;
  for (const auto& row : curves.rows) {
    ASSERT_FALSE(row[4].empty());
    banded += num(row[4]) < num(row[5]);
  }
  EXPECT_GT(banded, static_cast<int>(curves.rows.size()) / 2) << "bootstrap bands";

  const CsvFile alloc = read_csv(fs::path(out) / "budget_allocation.csv");
  EXPECT_EQ(alloc.header_line,
            "SEGMENT,CHANNEL,CURRENT_SPEND,RECOMMENDED_SPEND,CHANGE,CHANGE_PERCENT,"
            "MARGINAL_ROI_CURRENT,MARGINAL_ROI_RECOMMENDED,CONTRIBUTION_CURRENT,"
            "CONTRIBUTION_RECOMMENDED,LIFT,LIFT_PERCENT");
  ASSERT_EQ(alloc.rows.size(), static_cast<size_t>((C + 1) * (S + 1)));
  std::map<std::string, double> summed_current, summed_recommended;
  for (const auto& row : alloc.rows) {
    if (row[0] == "GLOBAL" || row[1] == "TOTAL") continue;
    summed_current[row[1]] += num(row[2]);
    summed_recommended[row[1]] += num(row[3]);
    EXPECT_LE(std::abs(num(row[5])), 30.0 + 1e-6) << row[0] << " " << row[1];
    EXPECT_FALSE(row[6].empty());
  }
  for (size_t i = 0; i < alloc.rows.size(); i += C + 1) {
    const auto& total = alloc.rows[i + C];
    ASSERT_EQ(total[1], "TOTAL");
    // Every segment keeps its weekly budget, and so does the market.
    EXPECT_NEAR(num(total[3]), num(total[2]), 1e-6 * num(total[2])) << total[0];
    double current = 0, recommended = 0;
    for (int c = 0; c < C; ++c) {
      current += num(alloc.rows[i + c][2]);
      recommended += num(alloc.rows[i + c][3]);
    }
    EXPECT_NEAR(current, num(total[2]), 1e-9 * current);
    EXPECT_NEAR(recommended, current, 1e-6 * current) << total[0];
    EXPECT_GE(num(total[10]), -1e-9 * std::abs(num(total[8]))) << "lift " << total[0];
  }
  for (int c = 0; c < C; ++c) {  // GLOBAL = Σ segments, marginal ROI left empty
    const auto& g = alloc.rows[c];
    EXPECT_EQ(g[0], "GLOBAL");
    EXPECT_NEAR(num(g[2]), summed_current[g[1]], 1e-9 * num(g[2]));
    EXPECT_NEAR(num(g[3]), summed_recommended[g[1]], 1e-9 * num(g[3]));
    EXPECT_TRUE(g[6].empty());
  }

  const CsvFile folds = read_csv(fs::path(out) / "cv_folds.csv");
  EXPECT_EQ(folds.header_line,
            "SEGMENT,FOLD,TRAIN_START,TRAIN_END,TEST_START,TEST_END,R2,RMSE,MAE,MAPE,NRMSE");
  // 104 weeks: 4 folds; per block 4 folds + MEAN + STD + IN_SAMPLE.
  ASSERT_EQ(folds.rows.size(), 7u * (S + 1));
  const CsvFile results = read_csv(fs::path(out) / "model_results.csv");
  const int mape_col = results.column("MODEL_MAPE_CV"), seg_col = results.column("SEGMENT");
  for (const auto& row : folds.rows) {
    if (row[1] != "MEAN") continue;
    for (const auto& res : results.rows) {
      if (res[seg_col] == row[0]) {
        EXPECT_NEAR(num(res[mape_col]), num(row[9]), 1e-12);
      }
    }
    if (row[0] == "GLOBAL") {
      EXPECT_NEAR(num(row[9]), cv_mape, 1e-10);
    }
  }
  EXPECT_EQ(folds.rows[0][2], "2021-01-04");  // GLOBAL fold 1 trains from the first week
  EXPECT_EQ(folds.rows[6][1], "IN_SAMPLE");
  const auto model = nlohmann::json::parse(read_text(fs::path(out) / "model.json"));
  EXPECT_NEAR(model["metrics"]["cv_mape"].get<double>(), cv_mape, 1e-12);
  EXPECT_NEAR(model["segment_coefficients"]["seg_02"]["cv_mape"].get<double>(),
              num(folds.rows[7 + 7 + 4][9]), 1e-12);
  EXPECT_NEAR(num(folds.rows[6][6]), model["metrics"]["r2"].get<double>(), 1e-9)
      << "GLOBAL IN_SAMPLE R² is the pooled R²";

  const CsvFile dec = read_csv(fs::path(out) / "decomposition.csv");
  EXPECT_EQ(dec.header.size(), 5u + C);
  EXPECT_EQ(dec.header[0], "SEGMENT");
  ASSERT_EQ(dec.rows.size(), static_cast<size_t>(T * (S + 1)));
  std::map<std::string, std::vector<double>> actual, predicted;
  for (const auto& row : dec.rows) {
    double parts = 0;
    for (int j = 4; j < 5 + C; ++j) parts += num(row[j]);
    EXPECT_NEAR(parts, num(row[3]), 1e-8 * std::abs(num(row[3])));
    actual[row[0]].push_back(num(row[2]));
    predicted[row[0]].push_back(num(row[3]));
  }
  for (const char* seg : {"seg_01", "seg_02", "seg_03"}) {
    // PREDICTED is the in-sample fit: its R² is the segment's R² in model.json.
    const Eigen::Map<const Eigen::VectorXd> y(actual[seg].data(), T), f(predicted[seg].data(), T);
    const double r2 = 1 - (y - f).squaredNorm() / (y.array() - y.mean()).square().sum();
    EXPECT_NEAR(r2, model["segment_coefficients"][seg]["r2"].get<double>(), 1e-8) << seg;
  }
  for (int t = 0; t < T; ++t) {  // GLOBAL: the market, Σ segments per date
    const double sum = actual["seg_01"][t] + actual["seg_02"][t] + actual["seg_03"][t];
    EXPECT_NEAR(actual["GLOBAL"][t], sum, 1e-9 * sum);
  }

  // The text summary mentions the CV and the new files.
  r = run_mmm({"fit", "--data", data(), "--segments", "segment", "--out", out, "--budget", "30",
               "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("cv: MAPE "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over 4 folds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("response_curves.csv, budget_allocation.csv, cv_folds.csv, "
                       "decomposition.csv"),
            std::string::npos)
      << r.out;
  // Without a bootstrap the band is the curve itself, as for the single model.
  const CsvFile plain = read_csv(fs::path(out) / "response_curves.csv");
  for (const auto& row : plain.rows) ASSERT_EQ(row[3], row[4]);
}

TEST_F(SegmentTables, SegmentFilterRestrictsRowsButNotGlobal) {
  const std::string all = *dir_ / "f_all", one = *dir_ / "f_one";
  const std::vector<std::string> base = {"fit",     "--data",   data(),  "--segments",
                                         "segment", "--budget", "30",    "--bootstrap",
                                         "0",       "--quiet",  "--json"};
  std::vector<std::string> a = base, b = base;
  a.insert(a.end(), {"--out", all});
  b.insert(b.end(), {"--out", one, "--segment-filter", "segment=seg_02"});
  ASSERT_EQ(run_mmm(a).exit_code, 0);
  const CliResult r = run_mmm(b);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name :
       {"response_curves.csv", "budget_allocation.csv", "cv_folds.csv", "decomposition.csv"}) {
    SCOPED_TRACE(name);
    const CsvFile full = read_csv(fs::path(all) / name), part = read_csv(fs::path(one) / name);
    std::set<std::string> segments;
    std::vector<std::vector<std::string>> global_full, global_part;
    for (const auto& row : part.rows) {
      segments.insert(row[0]);
      if (row[0] == "GLOBAL") global_part.push_back(row);
    }
    for (const auto& row : full.rows)
      if (row[0] == "GLOBAL") global_full.push_back(row);
    EXPECT_EQ(segments, (std::set<std::string>{"GLOBAL", "seg_02"}));
    EXPECT_EQ(global_part, global_full) << "GLOBAL rows cover all segments";
    size_t seg02 = 0;
    for (const auto& row : full.rows) seg02 += row[0] == "seg_02";
    EXPECT_EQ(part.rows.size(), global_full.size() + seg02);
  }
  EXPECT_EQ(read_csv(fs::path(one) / "response_curves.csv").rows.size(), 100u * 3 * 2);
}

TEST_F(SegmentTables, CvSkippedWhenWindowsExceedEverySegment) {
  const std::string out = *dir_ / "out_skip";
  CliResult r = run_mmm({"fit", "--data", data(), "--segments", "segment", "--out", out, "--budget",
                         "30", "--bootstrap", "0", "--cv-train", "100", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(nlohmann::json::parse(r.out)["cv_mape"].is_null()) << r.out;
  EXPECT_NE(r.err.find("notice: cross-validation skipped: no segment has --cv-train + --cv-test "
                       "= 113 rows (the longest has 104)"),
            std::string::npos)
      << r.err;
  const CsvFile folds = read_csv(fs::path(out) / "cv_folds.csv");
  ASSERT_EQ(folds.rows.size(), 4u);  // IN_SAMPLE of GLOBAL and of each segment
  for (const auto& row : folds.rows) EXPECT_EQ(row[1], "IN_SAMPLE");
  const CsvFile results = read_csv(fs::path(out) / "model_results.csv");
  for (const auto& row : results.rows) EXPECT_EQ(row[results.column("MODEL_MAPE_CV")], "");
  const auto model = nlohmann::json::parse(read_text(fs::path(out) / "model.json"));
  EXPECT_TRUE(model["metrics"]["cv_mape"].is_null());
  EXPECT_EQ(model["config"]["cv"]["train"], 100);
  // Invalid windows are refused before the search, naming the flag.
  r = run_mmm({"fit", "--data", data(), "--segments", "segment", "--out", *dir_ / "out_bad",
               "--cv-step", "0", "--quiet"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("--cv-step 0"), std::string::npos) << r.err;
  EXPECT_TRUE(file_names(*dir_ / "out_bad").empty());
}

TEST_F(SegmentTables, InProcessTablesMatchTheReport) {
  // At the true θ, α, γ: the decomposition's PREDICTED is intercept_s + Σ coef·x of the
  // segment (its in-sample prediction), the allocation rows are the report's.
  FitOptions o;
  o.data_path = data();
  o.columns.segments = {"segment"};
  o.hyperparameters_path = truth();
  o.bootstrap = 0;
  o.quiet = true;
  o.threads = 2;
  const SegmentReport r = run_segment_fit(o);
  // 2% noise at the true hyperparameters; ridge and partial pooling shrink (single-market fits
  // of these segments score 3.5–4.7%).
  EXPECT_TRUE(std::isfinite(r.cv.mape()));
  EXPECT_GT(r.cv.mape(), 0.005);
  EXPECT_LT(r.cv.mape(), 0.12);
  const std::string path = *dir_ / "decomposition_in_process.csv";
  write_text(path, segment_decomposition(r));
  const CsvFile dec = read_csv(path);
  const int C = r.problem.channels();
  std::map<std::string, int> row_of;
  for (int s = 0; s < r.problem.count(); ++s) {
    const ModelData& m = r.problem.segments[s];
    Eigen::MatrixXd X(m.rows(), m.parameters());
    X.leftCols(C) = transform_media(m.spend, r.segment_hyper3c(s));
    X.rightCols(m.control_count()) = m.controls;
    const Eigen::VectorXd fitted = (X * r.coef[s]).array() + r.intercepts[s];
    int t = 0;
    for (const auto& row : dec.rows) {
      if (row[0] != r.data.names[s]) continue;
      ASSERT_LT(t, m.rows());
      EXPECT_EQ(row[1], r.data.segments[s].dates[t].to_string());
      EXPECT_NEAR(num(row[3]), fitted[t], 1e-8 * std::abs(fitted[t]));
      EXPECT_NEAR(num(row[5]), r.coef[s][0] * X(t, 0), 1e-9 * std::abs(fitted[t]));
      ++t;
    }
    EXPECT_EQ(t, m.rows());
  }
  write_text(path, segment_budget_allocation(r));
  const CsvFile alloc = read_csv(path);
  const AllocationResult& a = r.allocations[1];
  const auto& row = alloc.rows[2 * (C + 1) + 1];  // seg_02, second channel
  EXPECT_EQ(row[0], r.data.names[1]);
  EXPECT_EQ(row[1], a.channels[1].name);
  EXPECT_NEAR(num(row[3]), a.channels[1].recommended_spend, 1e-9 * a.channels[1].current_spend);
  EXPECT_NEAR(num(row[7]), a.channels[1].marginal_roi_recommended,
              1e-9 * std::abs(a.channels[1].marginal_roi_recommended));
  EXPECT_NEAR(r.channels[1][1].recommended_spend, a.channels[1].recommended_spend, 0.0);
}

}  // namespace
}  // namespace mmm::test
