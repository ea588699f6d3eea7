// The default estimator through the CLI (issue "estimates a marketer can trust"): media
// coefficients never negative, γ searched within the adstocked spend, trials with their ROI
// spread and the chosen one stated, and --reference giving back the seed's pipeline.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

/// Simulated data (156 weeks, 8 channels, seed 1: the example) shared by the tests.
class CliEstimates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim = run_mmm({"simulate", "--weeks", "156", "--channels", "8", "--seed", "1",
                                   "--out", *dir_ / "data.csv"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string data() { return *dir_ / "data.csv"; }
  static CliResult fit(const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"fit",       "--data",  data(),  "--out",
                                     *dir_ / out, "--quiet", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }
  static nlohmann::json model(const std::string& out) {
    return read_json(*dir_ / (out + "/model.json"));
  }
  static inline TempDir* dir_ = nullptr;
};

TEST_F(CliEstimates, DefaultFitKeepsMediaNonNegativeAndTheBaselinePositive) {
  // A long search: with the reference objective this is where the absurd fits appeared.
  const CliResult r = fit("long", {"--budget", "5000", "--bootstrap", "20"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("long");
  EXPECT_EQ(m["search"]["gamma_encoding"], "adstocked_max");
  EXPECT_EQ(m["search"]["nonnegative_media"], true);
  const std::vector<double> coef = m["coefficients"]["coef"];
  for (int c = 0; c < 8; ++c) EXPECT_GE(coef[c], 0.0) << "channel " << c;
  const CsvFile d = read_csv(*dir_ / "long/decomposition.csv");
  const int baseline = d.column("BASELINE");
  ASSERT_GE(baseline, 0);
  double sum = 0.0;
  for (const auto& row : d.rows) sum += std::stod(row[static_cast<size_t>(baseline)]);
  EXPECT_GT(sum / static_cast<double>(d.rows.size()), 0.0);
}

TEST_F(CliEstimates, ReferenceIsTheSeedPipeline) {
  const CliResult r = fit("ref", {"--reference", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("ref");
  EXPECT_EQ(m["search"]["reference"], true);
  EXPECT_EQ(m["search"]["gamma_encoding"], "spend_fraction");
  EXPECT_EQ(m["search"]["nonnegative_media"], false);
  EXPECT_EQ(m["search"]["evaluations"], 500);
  EXPECT_EQ(m["bootstrap"]["nested"], false);
  EXPECT_DOUBLE_EQ(m["hyperparameters"]["ridge_lambda"].get<double>(), 10.0);
  // γ within the reference box: at most the max raw weekly spend.
  const CsvFile data_csv = read_csv(data());
  for (const auto& [name, h] : m["hyperparameters"]["channels"].items()) {
    const int j = data_csv.column(name);
    ASSERT_GE(j, 0) << name;
    double max = 0.0;
    for (const auto& row : data_csv.rows)
      max = std::max(max, std::stod(row[static_cast<size_t>(j)]));
    EXPECT_LE(h["gamma"].get<double>(), max * (1 + 1e-12)) << name;
  }
}

TEST_F(CliEstimates, TrialsAreReportedAndTheChosenOneStated) {
  const CliResult r = fit("trials", {"--trials", "3", "--budget", "300", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["trials"].size(), 3u);
  EXPECT_EQ(j["evaluations"], 900);
  const nlohmann::json m = model("trials");
  ASSERT_EQ(m["search"]["trials"].size(), 3u);
  int chosen = 0;
  double best = INFINITY;
  for (const auto& t : m["search"]["trials"]) {
    chosen += t["chosen"].get<bool>() ? 1 : 0;
    best = std::min(best, t["loss"].get<double>());
    EXPECT_EQ(t["channels"].size(), 8u);
  }
  EXPECT_EQ(chosen, 1);
  // --select loss: the chosen trial has the lowest loss, and it is the model.
  EXPECT_DOUBLE_EQ(m["search"]["best_loss"].get<double>(), best);
  // Trial 1 keeps the run's seed: it is the plain search of the same seed and budget.
  const CliResult one = fit("one", {"--budget", "300", "--bootstrap", "0"});
  ASSERT_EQ(one.exit_code, 0) << describe(one);
  EXPECT_DOUBLE_EQ(m["search"]["trials"][0]["loss"].get<double>(),
                   model("one")["search"]["best_loss"].get<double>());
  // The human summary names the chosen trial and prints the ROI range over the trials.
  const CliResult text = run_mmm({"fit", "--data", data(), "--out", *dir_ / "trials_text",
                                  "--trials", "3", "--budget", "300", "--bootstrap", "0"});
  ASSERT_EQ(text.exit_code, 0) << describe(text);
  EXPECT_NE(text.out.find("3 trials × 300 evaluations"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ROI over 3 trials: tv "), std::string::npos) << text.out;
}

TEST_F(CliEstimates, SelectByCvPicksTheLowestCvMape) {
  const CliResult r =
      fit("cv", {"--trials", "3", "--budget", "300", "--bootstrap", "0", "--select", "cv"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("cv");
  double best = INFINITY;
  int best_trial = -1;
  for (const auto& t : m["search"]["trials"]) {
    ASSERT_TRUE(t["cv_mape"].is_number());
    if (t["cv_mape"].get<double>() < best) {
      best = t["cv_mape"];
      best_trial = t["trial"];
    }
  }
  EXPECT_EQ(m["search"]["chosen_trial"], best_trial);
  EXPECT_NEAR(m["metrics"]["cv_mape"].get<double>(), best, 1e-12);
}

TEST_F(CliEstimates, CvObjectiveIsTheChosenModelsOutOfSampleError) {
  // --objective cv: the search's best loss is the chosen model's pooled test MSE over the
  // folds of cv_folds.csv (13-week test windows, so the mean of RMSE²) over the KPI's
  // variance, plus its all-rows media-share term (its loss less 1 − R²).
  const CliResult r = fit("cvobj", {"--objective", "cv", "--budget", "300", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("cvobj");
  EXPECT_EQ(m["search"]["objective"], "cv");
  const CsvFile folds = read_csv(*dir_ / "cvobj/cv_folds.csv");
  const int rmse = folds.column("RMSE");
  ASSERT_GE(rmse, 0);
  double mse = 0.0;
  int n = 0;
  for (const auto& row : folds.rows) {
    if (row[0].empty() || !std::isdigit(static_cast<unsigned char>(row[0][0]))) continue;
    mse += std::pow(std::stod(row[static_cast<size_t>(rmse)]), 2);
    ++n;
  }
  ASSERT_EQ(n, 8);
  mse /= n;
  const CsvFile data_csv = read_csv(data());
  const int kpi = data_csv.column("revenue");
  double mean = 0.0, var = 0.0;
  for (const auto& row : data_csv.rows) mean += std::stod(row[static_cast<size_t>(kpi)]);
  mean /= static_cast<double>(data_csv.rows.size());
  for (const auto& row : data_csv.rows)
    var += std::pow(std::stod(row[static_cast<size_t>(kpi)]) - mean, 2);
  var /= static_cast<double>(data_csv.rows.size());
  const double excess =
      m["metrics"]["loss"].get<double>() - (1.0 - m["metrics"]["r2"].get<double>());
  EXPECT_NEAR(m["search"]["best_loss"].get<double>(), mse / var + excess, 1e-8);
}

TEST_F(CliEstimates, CvObjectiveIsRefusedWhereItDoesNotApply) {
  const CliResult ref = fit("cvref", {"--objective", "cv", "--reference"});
  EXPECT_EQ(ref.exit_code, 2) << describe(ref);
  EXPECT_NE(ref.err.find("--objective cv is not part of the reference pipeline"), std::string::npos)
      << ref.err;
  const CliResult bad = fit("cvbad", {"--objective", "nrmse"});
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("expected rsq, cv or pareto"), std::string::npos) << bad.err;
}

TEST_F(CliEstimates, RidgeLambdaAutoChoosesTheLowestCvLossAndRefitsAtIt) {
  const CliResult r =
      fit("lauto", {"--lambda-grid", "0.5,4", "--evaluations", "300", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("lauto");
  const nlohmann::json& sel = m["search"]["lambda_selection"];
  ASSERT_TRUE(sel.is_object()) << m["search"].dump();
  ASSERT_EQ(sel["scores"].size(), 2u);
  const double l0 = sel["scores"][0]["cv_loss"], l1 = sel["scores"][1]["cv_loss"];
  const double chosen = sel["chosen"];
  EXPECT_EQ(chosen, l0 <= l1 ? 0.5 : 4.0);
  EXPECT_EQ(m["config"]["ridge_lambda"].get<double>(), chosen);
  EXPECT_EQ(m["hyperparameters"]["ridge_lambda"].get<double>(), chosen);
  // The chosen model is exactly the fit at that λ given as a number.
  const CliResult fixed = fit("lfixed", {"--ridge-lambda", chosen == 0.5 ? "0.5" : "4",
                                         "--evaluations", "300", "--bootstrap", "0"});
  ASSERT_EQ(fixed.exit_code, 0) << describe(fixed);
  EXPECT_EQ(read_text(*dir_ / "lauto/model_results.csv"),
            read_text(*dir_ / "lfixed/model_results.csv"));
  EXPECT_TRUE(model("lfixed")["search"]["lambda_selection"].is_null());
  // The summary says which λ and why (without --quiet).
  const CliResult shown =
      run_mmm({"fit", "--data", data(), "--out", *dir_ / "lshown", "--ridge-lambda", "auto",
               "--evaluations", "100", "--bootstrap", "0"});
  ASSERT_EQ(shown.exit_code, 0) << describe(shown);
  EXPECT_NE(shown.out.find("chosen by rolling-CV out-of-sample loss (0.1: "), std::string::npos)
      << shown.out;
  EXPECT_EQ(model("lshown")["search"]["lambda_selection"]["scores"].size(), 5u);
}

TEST_F(CliEstimates, RidgeLambdaAutoIsRefusedWhereItDoesNotApply) {
  const CliResult ref = fit("lref", {"--ridge-lambda", "auto", "--reference"});
  EXPECT_EQ(ref.exit_code, 2) << describe(ref);
  EXPECT_NE(ref.err.find("not part of the reference pipeline"), std::string::npos) << ref.err;
  const CliResult bad = fit("lbad", {"--lambda-grid", "1,0x10"});
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("invalid --lambda-grid value `0x10`"), std::string::npos) << bad.err;
  const CliResult text = fit("ltext", {"--ridge-lambda", "big"});
  EXPECT_EQ(text.exit_code, 2) << describe(text);
  EXPECT_NE(text.err.find("invalid --ridge-lambda `big`: expected a finite number > 0 or auto"),
            std::string::npos)
      << text.err;
  const std::string config = *dir_ / "lauto.toml";
  write_text(config, "[model]\nridge_lambda = \"auto\"\n");
  const CliResult sweep = run_mmm(
      {"sweep", "--config", config, "--data", data(), "--out", *dir_ / "lsweep", "--n", "10"});
  EXPECT_EQ(sweep.exit_code, 2) << describe(sweep);
  EXPECT_NE(sweep.err.find("mmm sweep needs λ as a number"), std::string::npos) << sweep.err;
}

TEST_F(CliEstimates, EvaluationsIsTheSearchSizeAndBudgetItsOldName) {
  const CliResult r = run_mmm(
      {"fit", "--data", data(), "--out", *dir_ / "alias", "--budget", "60", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("notice: --budget is now --evaluations (a number of search evaluations, "
                       "not money)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(model("alias")["search"]["evaluations"], 60);
  const CliResult n = fit("evals", {"--evaluations", "70", "--bootstrap", "0"});
  ASSERT_EQ(n.exit_code, 0) << describe(n);
  EXPECT_EQ(model("evals")["search"]["evaluations"], 70);
  const CliResult both = fit("both", {"--evaluations", "70", "--budget", "60"});
  EXPECT_EQ(both.exit_code, 2) << describe(both);
  EXPECT_NE(both.err.find("--budget is the old name of --evaluations"), std::string::npos)
      << both.err;
  const CliResult bad = fit("badnested", {"--nested-evaluations", "-1"});
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("invalid --nested-evaluations -1"), std::string::npos) << bad.err;
}

TEST_F(CliEstimates, RevenuePerKpiPutsContributionsAndRoiInMoney) {
  // The KPI as conversions (revenue / 40) with 40 per conversion gives the revenue fit's ROI,
  // contributions and R² (the ridge is linear in y; same seed, same search).
  const CsvFile d = read_csv(data());
  const int kpi = d.column("revenue");
  ASSERT_GE(kpi, 0);
  std::string text = d.header_line + "\n";
  for (auto row : d.rows) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", std::stod(row[static_cast<size_t>(kpi)]) / 40.0);
    row[static_cast<size_t>(kpi)] = buf;
    for (size_t j = 0; j < row.size(); ++j) text += (j ? "," : "") + row[j];
    text += "\n";
  }
  const std::string conversions = *dir_ / "conversions.csv";
  write_text(conversions, text);
  const std::vector<std::string> common = {"--evaluations", "200",   "--bootstrap", "0",
                                           "--quiet",       "--json"};
  std::vector<std::string> a = {"fit", "--data", data(), "--out", *dir_ / "money"};
  std::vector<std::string> b = {
      "fit", "--data", conversions, "--out", *dir_ / "per_kpi", "--revenue-per-kpi", "40"};
  a.insert(a.end(), common.begin(), common.end());
  b.insert(b.end(), common.begin(), common.end());
  ASSERT_EQ(run_mmm(a).exit_code, 0);
  const CliResult r = run_mmm(b);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const CsvFile x = read_csv(*dir_ / "money/model_results.csv");
  const CsvFile y = read_csv(*dir_ / "per_kpi/model_results.csv");
  const int roi = x.column("ROI");
  ASSERT_EQ(x.rows.size(), y.rows.size());
  for (size_t i = 0; i < x.rows.size(); ++i) {
    const double want = std::stod(x.rows[i][static_cast<size_t>(roi)]);
    EXPECT_NEAR(std::stod(y.rows[i][static_cast<size_t>(roi)]), want, 1e-6 * (1 + want)) << i;
  }
  EXPECT_EQ(model("per_kpi")["config"]["revenue_per_kpi"], 40.0);
  EXPECT_EQ(fit("rpk_bad", {"--revenue-per-kpi", "0"}).exit_code, 2);
}

TEST_F(CliEstimates, BadTrialsAndSelectAreInputErrors) {
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--trials", "0"}, {"--trials", "1001"}, {"--select", "r2"}}) {
    const CliResult r = fit("bad", extra);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.err.rfind("error: invalid --", 0), 0u) << r.err;
  }
}

TEST_F(CliEstimates, BaggedPointEstimateIsTheMedianOfTheNestedSearches) {
  // 21 resamples (odd: the median is one of them) of short searches keep the test quick.
  const std::vector<std::string> small = {"--bootstrap", "21",       "--nested-evaluations",
                                          "60",          "--budget", "300"};
  const CliResult r = fit("bagged", small);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = model("bagged");
  EXPECT_EQ(m["search"]["point_estimate"], "bagged");
  const std::vector<std::vector<double>> draws = m["bootstrap_draws"]["hyper"];
  ASSERT_EQ(draws.size(), 21u);
  const std::vector<std::string> names = m["columns"];
  auto median = [&](size_t j) {
    std::vector<double> v;
    for (const auto& d : draws) v.push_back(d.at(j));
    std::nth_element(v.begin(), v.begin() + 10, v.end());
    return v[10];
  };
  bool differs_from_search = false;
  for (size_t c = 0; c < 8; ++c) {
    const nlohmann::json& h = m["hyperparameters"]["channels"][names[c]];
    EXPECT_NEAR(h["theta"].get<double>(), median(3 * c), 1e-12) << names[c];
    EXPECT_NEAR(h["alpha"].get<double>(), median(3 * c + 1), 1e-12) << names[c];
    EXPECT_NEAR(h["gamma"].get<double>(), median(3 * c + 2), 1e-9 * median(3 * c + 2)) << names[c];
    const nlohmann::json& s = m["search"]["trials"][0]["channels"][names[c]];
    differs_from_search |= s["theta"].get<double>() != h["theta"].get<double>();
  }
  EXPECT_TRUE(differs_from_search);

  // --point-estimate search: the search's own transforms, the same resamples and intervals.
  std::vector<std::string> own = small;
  own.insert(own.end(), {"--point-estimate", "search"});
  const CliResult s = fit("own", own);
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  const nlohmann::json o = model("own");
  EXPECT_EQ(o["search"]["point_estimate"], "search");
  for (size_t c = 0; c < 8; ++c) {
    const nlohmann::json& t = o["search"]["trials"][0]["channels"][names[c]];
    const nlohmann::json& h = o["hyperparameters"]["channels"][names[c]];
    EXPECT_DOUBLE_EQ(h["theta"].get<double>(), t["theta"].get<double>()) << names[c];
    EXPECT_DOUBLE_EQ(h["gamma"].get<double>(), t["gamma"].get<double>()) << names[c];
  }
  const CsvFile a = read_csv(*dir_ / "bagged/model_results.csv");
  const CsvFile b = read_csv(*dir_ / "own/model_results.csv");
  const int lo = a.column("ROI_CI_LOWER"), hi = a.column("ROI_CI_UPPER");
  ASSERT_GE(lo, 0);
  for (size_t c = 0; c < a.rows.size(); ++c) {
    EXPECT_EQ(a.rows[c][static_cast<size_t>(lo)], b.rows[c][static_cast<size_t>(lo)]);
    EXPECT_EQ(a.rows[c][static_cast<size_t>(hi)], b.rows[c][static_cast<size_t>(hi)]);
  }
  // Without a nested bootstrap there is nothing to take the median of.
  const CliResult plain = fit("plain", {"--budget", "300", "--bootstrap", "0"});
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_EQ(model("plain")["search"]["point_estimate"], "search");
  // Nor where the choice is by rolling CV, which the nested searches do not make.
  const CliResult cv = fit("cv_nested", {"--objective", "cv", "--budget", "100", "--bootstrap", "5",
                                         "--nested-evaluations", "30"});
  ASSERT_EQ(cv.exit_code, 0) << describe(cv);
  EXPECT_EQ(model("cv_nested")["search"]["point_estimate"], "search");
}

TEST_F(CliEstimates, BadPointEstimatesAreInputErrors) {
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--point-estimate", "mean"},
           {"--point-estimate", "bagged", "--bootstrap", "0"},
           {"--point-estimate", "bagged", "--nested-evaluations", "0"},
           {"--point-estimate", "bagged", "--reference"},
           {"--point-estimate", "bagged", "--objective", "cv"},
           {"--point-estimate", "bagged", "--trials", "2", "--select", "cv"}}) {
    const CliResult r = fit("bad_point", extra);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("--point-estimate"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace mmm::test
