// `mmm fit` end to end (SPEC §10, §11): simulated data in, every output file out, with the
// JSON summary, the tables' headers and values, refits from model.json, seeds, the TOML config
// and a real third-party data set (Robyn's simulated weekly data).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "host/model/hyperparameters.hpp"
#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

const std::vector<std::string> kChannels = {"tv", "search", "social", "display"};
const std::vector<std::string> kOutputFiles = {
    "budget_allocation.csv", "cv_folds.csv",    "decomposition.csv",
    "mmm_manifest.json",     "model.json",      "model_results.csv",
    "response_curves.csv",   "search_trace.csv"};

double num(const std::string& text) { return std::stod(text); }

double cell(const CsvFile& f, std::size_t row, const std::string& column) {
  const int j = f.column(column);
  EXPECT_GE(j, 0) << "no column " << column << " in " << f.header_line;
  return j < 0 ? NAN : num(f.rows.at(row).at(static_cast<std::size_t>(j)));
}

std::string text_cell(const CsvFile& f, std::size_t row, const std::string& column) {
  const int j = f.column(column);
  EXPECT_GE(j, 0) << "no column " << column << " in " << f.header_line;
  return j < 0 ? "" : f.rows.at(row).at(static_cast<std::size_t>(j));
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

/// One simulated data set (104 weeks, 4 channels, seed 3) and one fit of it, shared by the
/// tests that only read the outputs.
class CliFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim = run_mmm({"simulate", "--weeks", "104", "--channels", "4", "--seed", "3",
                                   "--out", *dir_ / "data.csv"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    fit_ = new CliResult(run_mmm({"fit", "--data", data(), "--out", res(), "--budget", "300",
                                  "--bootstrap", "20", "--json", "--quiet"}));
  }
  static void TearDownTestSuite() {
    delete fit_;
    fit_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(fit_, nullptr);
    ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  }

  static std::string data() { return *dir_ / "data.csv"; }
  static std::string res() { return *dir_ / "res"; }
  static std::string res_file(const std::string& name) { return res() + "/" + name; }
  static nlohmann::json summary() { return nlohmann::json::parse(fit_->out); }

  /// Largest weekly spend of each simulated channel, read from the CSV.
  static std::vector<double> max_spend() {
    const CsvFile f = read_csv(data());
    std::vector<double> out;
    for (const auto& name : kChannels) {
      double m = 0;
      for (std::size_t r = 0; r < f.rows.size(); ++r) m = std::max(m, cell(f, r, name));
      out.push_back(m);
    }
    return out;
  }

  /// A quiet JSON fit of the shared data into `out` with extra flags.
  static CliResult fit_json(const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"fit", "--data", data(), "--out", out, "--json", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }

  static TempDir* dir_;
  static CliResult* fit_;
};

TempDir* CliFit::dir_ = nullptr;
CliResult* CliFit::fit_ = nullptr;

TEST_F(CliFit, JsonSummaryIsOneObjectOnStdout) {
  // --quiet keeps stderr free of notices and progress; what is left is exactly the plausibility
  // warnings (about the result, so printed anyway), one line per model.json diagnostic.
  std::string warnings;
  const nlohmann::json model = read_json(res_file("model.json"));
  for (const auto& d : model["diagnostics"])
    warnings += "warning: " + d["message"].get<std::string>() + "\n";
  EXPECT_EQ(fit_->err, warnings) << "--quiet must keep stderr to the warnings";
  const std::vector<std::string> lines = split_lines(fit_->out);
  ASSERT_EQ(lines.size(), 1u) << fit_->out;
  const nlohmann::json j = summary();
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"loss", "r2", "cv_mape", "evaluations", "seconds", "backend", "out"}) {
    EXPECT_TRUE(j.contains(key)) << "missing key " << key << " in " << j.dump();
  }
  EXPECT_EQ(j["evaluations"], 300);
  EXPECT_EQ(j["out"], res());
  EXPECT_EQ(j.value("rows", 0), 104);
  EXPECT_EQ(j.value("channels", 0), 4);
  EXPECT_EQ(j.value("bootstrap", -1), 20);
  const double loss = j["loss"], r2 = j["r2"];
  EXPECT_GT(r2, 0.5);
  EXPECT_LT(r2, 1.0);
  // Loss = (1 − R²) + penalty ≥ 0.
  EXPECT_GE(loss, 1.0 - r2 - 1e-12);
  ASSERT_TRUE(j["cv_mape"].is_number()) << j.dump();
  EXPECT_GT(j["cv_mape"].get<double>(), 0.0);
  EXPECT_LT(j["cv_mape"].get<double>(), 0.5);
  EXPECT_GE(j["seconds"].get<double>(), 0.0);
  ASSERT_TRUE(j["backend"].is_string());
  EXPECT_FALSE(j["backend"].get<std::string>().empty());
}

TEST_F(CliFit, WritesEveryOutputFileAndNoTemporaries) {
  std::vector<std::string> names = file_names(res());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, kOutputFiles);
  for (const auto& n : names) {
    EXPECT_NE(n.front(), '.') << "temporary file left behind: " << n;
    EXPECT_GT(fs::file_size(res_file(n)), 0u) << n;
  }
}

TEST_F(CliFit, ModelResultsTable) {
  const CsvFile f = read_csv(res_file("model_results.csv"));
  EXPECT_EQ(f.header_line,
            "CHANNEL_KEY,CHANNEL_CODE,GEO_CODE,PRODUCT_CODE,COEFFICIENT_WEIGHT,ROI,ROI_CI_LOWER,"
            "ROI_CI_UPPER,IS_SIGNIFICANT,MARGINAL_ROI,ADSTOCK_DECAY_RATE,SATURATION_ALPHA,"
            "SATURATION_POINT,MODEL_R2_INSAMPLE,MODEL_MAPE_CV,N_OBSERVATIONS,CURRENT_SPEND,"
            "SPEND_SHARE,OPTIMAL_SPEND_SUGGESTION");
  ASSERT_EQ(f.rows.size(), 4u);
  const nlohmann::json j = summary();
  const std::vector<double> max = max_spend();
  double share = 0;
  for (std::size_t r = 0; r < 4; ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    ASSERT_EQ(f.rows[r].size(), f.header.size());
    EXPECT_EQ(text_cell(f, r, "CHANNEL_KEY"), kChannels[r]);
    EXPECT_EQ(text_cell(f, r, "CHANNEL_CODE"), kChannels[r]);
    EXPECT_EQ(text_cell(f, r, "GEO_CODE"), "GLOBAL");
    EXPECT_EQ(text_cell(f, r, "PRODUCT_CODE"), "ALL");
    const double lo = cell(f, r, "ROI_CI_LOWER"), hi = cell(f, r, "ROI_CI_UPPER");
    EXPECT_LE(lo, hi);
    // IS_SIGNIFICANT (host/diagnostics/significance): TRUE needs a lower bound above 0 and
    // above 1% of the ROI (and < 5% zero draws, which the table does not show).
    const std::string significant = text_cell(f, r, "IS_SIGNIFICANT");
    EXPECT_TRUE(significant == "TRUE" || significant == "FALSE") << significant;
    if (lo <= 0 || lo <= 0.01 * cell(f, r, "ROI")) {
      EXPECT_EQ(significant, "FALSE");
    }
    const double theta = cell(f, r, "ADSTOCK_DECAY_RATE");
    EXPECT_GE(theta, 0.0);
    EXPECT_LE(theta, 0.95);
    // The default saturation is the logistic, which has no α: the cell is empty (a Hill fit's
    // α is checked in test_cli_saturation.cpp).
    EXPECT_EQ(text_cell(f, r, "SATURATION_ALPHA"), "");
    // γ lies in the default box: at most 5 × the peak of the adstocked spend, itself at most
    // max weekly spend / (1 − θ).
    const double gamma = cell(f, r, "SATURATION_POINT");
    EXPECT_GT(gamma, 0.0);
    EXPECT_LE(gamma, kDefaultGammaPositionHi * max[r] / (1 - theta) * (1 + 1e-9));
    EXPECT_NEAR(cell(f, r, "MODEL_R2_INSAMPLE"), j["r2"].get<double>(), 1e-10);
    EXPECT_NEAR(cell(f, r, "MODEL_MAPE_CV"), j["cv_mape"].get<double>(), 1e-10);
    EXPECT_EQ(text_cell(f, r, "N_OBSERVATIONS"), "104");
    EXPECT_GT(cell(f, r, "CURRENT_SPEND"), 0.0);
    // Media coefficients are ≥ 0 (hard constraint), so is the marginal ROI; 0 only for a
    // channel the fit dropped (ROI 0).
    EXPECT_GE(cell(f, r, "MARGINAL_ROI"), 0.0);
    if (cell(f, r, "ROI") > 0) {
      EXPECT_GT(cell(f, r, "MARGINAL_ROI"), 0.0);
    }
    // The allocation keeps every channel within ±30% of its current spend (default limit).
    const double current = cell(f, r, "CURRENT_SPEND");
    const double optimal = cell(f, r, "OPTIMAL_SPEND_SUGGESTION");
    EXPECT_GE(optimal, 0.7 * current * (1 - 1e-6));
    EXPECT_LE(optimal, 1.3 * current * (1 + 1e-6));
    share += cell(f, r, "SPEND_SHARE");
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
}

TEST_F(CliFit, ResponseCurvesTable) {
  const CsvFile f = read_csv(res_file("response_curves.csv"));
  EXPECT_EQ(f.header_line,
            "CHANNEL,SPEND,PREDICTED_REVENUE,PREDICTED_REVENUE_CI_LOWER,"
            "PREDICTED_REVENUE_CI_UPPER,MARGINAL_ROI_AT_SPEND,EFFICIENCY_ZONE");
  ASSERT_EQ(f.rows.size(), 400u);
  const std::vector<double> max = max_spend();
  const std::set<std::string> zones = {"EFFICIENT", "DIMINISHING", "SATURATED"};
  const CsvFile results = read_csv(res_file("model_results.csv"));
  for (std::size_t c = 0; c < 4; ++c) {
    SCOPED_TRACE(kChannels[c]);
    const double sign = cell(results, c, "COEFFICIENT_WEIGHT") >= 0 ? 1.0 : -1.0;
    const std::size_t first = 100 * c, last = first + 99;
    EXPECT_EQ(text_cell(f, first, "CHANNEL"), kChannels[c]);
    EXPECT_EQ(text_cell(f, last, "CHANNEL"), kChannels[c]);
    EXPECT_EQ(cell(f, first, "SPEND"), 0.0);
    EXPECT_NEAR(cell(f, last, "SPEND"), 3.0 * max[c], 1e-9 * max[c]);
    EXPECT_NEAR(cell(f, first, "PREDICTED_REVENUE"), 0.0, 1e-6);
    for (std::size_t r = first; r <= last; ++r) {
      ASSERT_EQ(f.rows[r].size(), f.header.size());
      if (r > first) {
        EXPECT_GT(cell(f, r, "SPEND"), cell(f, r - 1, "SPEND"));
        // The Hill curve rises with spend: revenue moves with the coefficient's sign.
        EXPECT_GE(sign * cell(f, r, "PREDICTED_REVENUE"),
                  sign * cell(f, r - 1, "PREDICTED_REVENUE"));
      }
      EXPECT_LE(cell(f, r, "PREDICTED_REVENUE_CI_LOWER"), cell(f, r, "PREDICTED_REVENUE_CI_UPPER"));
      const double mroi = cell(f, r, "MARGINAL_ROI_AT_SPEND");
      const std::string zone = text_cell(f, r, "EFFICIENCY_ZONE");
      EXPECT_TRUE(zones.count(zone)) << zone;
      EXPECT_EQ(zone, mroi > 1.5   ? "EFFICIENT"
                      : mroi < 0.8 ? "SATURATED"
                                   : "DIMINISHING")
          << "mROI " << mroi;
    }
  }
}

TEST_F(CliFit, SupportingTables) {
  const nlohmann::json j = summary();

  const CsvFile alloc = read_csv(res_file("budget_allocation.csv"));
  ASSERT_EQ(alloc.rows.size(), 5u);
  EXPECT_EQ(text_cell(alloc, 4, "CHANNEL"), "TOTAL");
  const double current = cell(alloc, 4, "CURRENT_SPEND");
  EXPECT_NEAR(cell(alloc, 4, "RECOMMENDED_SPEND"), current, 1e-6 * current);
  EXPECT_GE(cell(alloc, 4, "LIFT"), -1e-6 * std::abs(cell(alloc, 4, "CONTRIBUTION_CURRENT")));

  // 104 rows, train 52 / test 13 / step 13: 4 folds, then MEAN, STD, IN_SAMPLE.
  const CsvFile folds = read_csv(res_file("cv_folds.csv"));
  ASSERT_EQ(folds.rows.size(), 7u);
  EXPECT_EQ(text_cell(folds, 4, "FOLD"), "MEAN");
  EXPECT_EQ(text_cell(folds, 6, "FOLD"), "IN_SAMPLE");
  EXPECT_NEAR(cell(folds, 4, "MAPE"), j["cv_mape"].get<double>(), 1e-10);
  EXPECT_NEAR(cell(folds, 6, "R2"), j["r2"].get<double>(), 1e-10);
  EXPECT_EQ(text_cell(folds, 0, "TRAIN_START"), "2021-01-04");

  const CsvFile decomp = read_csv(res_file("decomposition.csv"));
  EXPECT_EQ(decomp.header_line, "DATE,ACTUAL,PREDICTED,BASELINE,tv,search,social,display");
  ASSERT_EQ(decomp.rows.size(), 104u);
  const CsvFile input = read_csv(data());
  for (std::size_t t = 0; t < 104; ++t) {
    EXPECT_EQ(text_cell(decomp, t, "DATE"), text_cell(input, t, "date"));
    EXPECT_NEAR(cell(decomp, t, "ACTUAL"), cell(input, t, "revenue"),
                1e-9 * cell(input, t, "revenue"));
    double sum = cell(decomp, t, "BASELINE");
    for (const auto& c : kChannels) sum += cell(decomp, t, c);
    EXPECT_NEAR(sum, cell(decomp, t, "PREDICTED"), 1e-6 * std::abs(cell(decomp, t, "PREDICTED")));
  }

  // The search trace ends at the 300 evaluations asked for; the best loss never worsens and
  // ends at the search's best loss. The model is then fitted at the nested searches' median
  // transforms (the bagged point estimate), whose loss is the summary's.
  const CsvFile trace = read_csv(res_file("search_trace.csv"));
  ASSERT_GE(trace.rows.size(), 2u);
  const std::size_t last = trace.rows.size() - 1;
  EXPECT_EQ(text_cell(trace, 0, "GENERATION"), "0");
  EXPECT_EQ(text_cell(trace, last, "EVALUATIONS"), "300");
  for (std::size_t g = 1; g < trace.rows.size(); ++g) {
    EXPECT_GT(cell(trace, g, "EVALUATIONS"), cell(trace, g - 1, "EVALUATIONS"));
    EXPECT_LE(cell(trace, g, "BEST_LOSS"), cell(trace, g - 1, "BEST_LOSS"));
  }
  const nlohmann::json m = nlohmann::json::parse(read_text(res_file("model.json")));
  EXPECT_NEAR(cell(trace, last, "BEST_LOSS"), m["search"]["best_loss"].get<double>(), 1e-9);
  EXPECT_EQ(m["search"]["point_estimate"], "bagged");
  EXPECT_NEAR(m["metrics"]["loss"].get<double>(), j["loss"].get<double>(), 1e-12);
}

// The tables agree with each other and with the input: ROI = Σ contribution / Σ spend from
// decomposition.csv and data.csv, CURRENT_SPEND = mean weekly spend, the marginal ROI and the
// recommended spend match budget_allocation.csv.
TEST_F(CliFit, TablesAgreeWithEachOtherAndTheData) {
  const CsvFile results = read_csv(res_file("model_results.csv"));
  const CsvFile decomp = read_csv(res_file("decomposition.csv"));
  const CsvFile alloc = read_csv(res_file("budget_allocation.csv"));
  const CsvFile input = read_csv(data());
  ASSERT_EQ(results.rows.size(), 4u);
  ASSERT_EQ(decomp.rows.size(), input.rows.size());
  ASSERT_EQ(alloc.rows.size(), 5u);
  for (std::size_t c = 0; c < 4; ++c) {
    SCOPED_TRACE(kChannels[c]);
    double spend = 0, contribution = 0;
    for (std::size_t t = 0; t < input.rows.size(); ++t) {
      spend += cell(input, t, kChannels[c]);
      contribution += cell(decomp, t, kChannels[c]);
    }
    const double roi = cell(results, c, "ROI");
    EXPECT_NEAR(contribution / spend, roi, 1e-8 * std::abs(roi));
    const double mean_spend = spend / static_cast<double>(input.rows.size());
    EXPECT_NEAR(cell(results, c, "CURRENT_SPEND"), mean_spend, 1e-9 * mean_spend);
    EXPECT_EQ(text_cell(alloc, c, "CHANNEL"), kChannels[c]);
    EXPECT_NEAR(cell(alloc, c, "CURRENT_SPEND"), mean_spend, 1e-9 * mean_spend);
    EXPECT_EQ(text_cell(alloc, c, "MARGINAL_ROI_CURRENT"), text_cell(results, c, "MARGINAL_ROI"));
    EXPECT_EQ(text_cell(alloc, c, "RECOMMENDED_SPEND"),
              text_cell(results, c, "OPTIMAL_SPEND_SUGGESTION"));
  }
}

TEST_F(CliFit, ModelJson) {
  const nlohmann::json m = read_json(res_file("model.json"));
  const nlohmann::json j = summary();
  EXPECT_EQ(m["format"], "mmm-model");
  EXPECT_TRUE(m["version"].is_string());
  EXPECT_EQ(m["metrics"]["loss"], j["loss"]);
  EXPECT_EQ(m["metrics"]["r2"], j["r2"]);
  EXPECT_EQ(m["metrics"]["rows"], 104);
  EXPECT_EQ(m["search"]["evaluations"], 300);
  EXPECT_EQ(m["search"]["searched"], true);
  EXPECT_EQ(m["bootstrap"]["resamples"], 20);
  EXPECT_EQ(m["config"]["channels"], nlohmann::json(kChannels));
  EXPECT_EQ(m["backend"], j["backend"]);
  // residual_sd = √(RSS / (T − p − 1 − k)): 104 rows, p = 4 channels + 9 controls, and k = 8
  // transform parameters searched (θ and γ of each of the 4 logistic channels).
  const CsvFile decomp = read_csv(res_file("decomposition.csv"));
  double rss = 0.0;
  for (std::size_t t = 0; t < decomp.rows.size(); ++t)
    rss += std::pow(cell(decomp, t, "ACTUAL") - cell(decomp, t, "PREDICTED"), 2);
  EXPECT_NEAR(m["residual_sd"].get<double>(), std::sqrt(rss / (104 - 13 - 1 - 8)),
              1e-6 * m["residual_sd"].get<double>());
  const nlohmann::json& hyper = m["hyperparameters"]["channels"];
  ASSERT_EQ(hyper.size(), 4u);
  const CsvFile results = read_csv(res_file("model_results.csv"));
  for (std::size_t c = 0; c < 4; ++c) {
    const nlohmann::json& h = hyper.at(kChannels[c]);
    EXPECT_NEAR(h["theta"].get<double>(), cell(results, c, "ADSTOCK_DECAY_RATE"), 1e-10);
    EXPECT_EQ(h["saturation"], "logistic");  // the default shape
    EXPECT_EQ(text_cell(results, c, "SATURATION_ALPHA"), "");
    EXPECT_NEAR(h["gamma"].get<double>() / cell(results, c, "SATURATION_POINT"), 1.0, 1e-10);
  }
  // Scaler and coefficients cover the 4 channels and the 9 default controls.
  EXPECT_EQ(m["columns"].size(), 13u);
  EXPECT_EQ(m["scaler"]["mean"].size(), 13u);
  EXPECT_EQ(m["coefficients"]["coef"].size(), 13u);
}

TEST_F(CliFit, RefitFromModelJsonReproducesTheLoss) {
  const std::string refit = *dir_ / "refit";
  const CliResult r =
      fit_json(refit, {"--hyperparameters", res_file("model.json"), "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out), first = summary();
  EXPECT_EQ(j["evaluations"], 0);
  EXPECT_EQ(j["bootstrap"], 0);
  const double loss = j["loss"], first_loss = first["loss"];
  EXPECT_NEAR(loss, first_loss, 1e-12 * std::abs(first_loss));
  EXPECT_NEAR(j["r2"].get<double>(), first["r2"].get<double>(), 1e-12);
  const nlohmann::json a = read_json(res_file("model.json")), b = read_json(refit + "/model.json");
  EXPECT_EQ(a["hyperparameters"], b["hyperparameters"]);
  EXPECT_EQ(b["search"]["searched"], false);
  // Without a bootstrap the CI cells are empty and IS_SIGNIFICANT is blank.
  const CsvFile results = read_csv(refit + "/model_results.csv");
  ASSERT_EQ(results.rows.size(), 4u);
  EXPECT_EQ(text_cell(results, 0, "ROI_CI_LOWER"), "");
  EXPECT_EQ(text_cell(results, 0, "IS_SIGNIFICANT"), "");
}

TEST_F(CliFit, SameSeedSameResultDifferentSeedDifferentResult) {
  const std::vector<std::string> flags = {"--budget", "200", "--bootstrap", "0"};
  auto run = [&](const std::string& name, const std::string& seed,
                 std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), flags.begin(), flags.end());
    extra.insert(extra.end(), {"--seed", seed});
    const CliResult r = fit_json(*dir_ / name, extra);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return std::make_pair(nlohmann::json::parse(r.out), read_json(*dir_ / name + "/model.json"));
  };
  const auto a = run("seed7a", "7"), b = run("seed7b", "7"), c = run("seed8", "8");
  EXPECT_EQ(a.first["loss"], b.first["loss"]);
  EXPECT_EQ(a.second["hyperparameters"], b.second["hyperparameters"]);
  EXPECT_EQ(a.second["config"]["seed"], 7);
  EXPECT_NE(a.second["hyperparameters"], c.second["hyperparameters"]);
  // The thread count does not change the result on the CPU (each candidate is one thread's).
  const auto one = run("seed7_1thread", "7", {"--threads", "1", "--device", "cpu"});
  const auto many = run("seed7_cpu", "7", {"--device", "cpu"});
  EXPECT_EQ(one.second["hyperparameters"], many.second["hyperparameters"]);
  EXPECT_EQ(one.first["loss"], many.first["loss"]);
}

TEST_F(CliFit, ConfigFileAndFlagOverride) {
  const std::string cfg = *dir_ / "fit.toml";
  write_text(cfg, "[data]\npath = \"" + data() +
                      "\"\n\n[search]\nbudget = 200\n\n[bootstrap]\nresamples = 0\n\n"
                      "[channels.tv]\ntheta = [0.1, 0.2]\n");
  const CliResult r =
      run_mmm({"fit", "--config", cfg, "--out", *dir_ / "cfg", "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["evaluations"], 200);
  EXPECT_EQ(j["bootstrap"], 0);
  const nlohmann::json m = read_json(*dir_ / "cfg/model.json");
  const double theta = m["hyperparameters"]["channels"]["tv"]["theta"];
  EXPECT_GE(theta, 0.1);
  EXPECT_LE(theta, 0.2);
  EXPECT_EQ(m["config"]["data"], data());

  const CliResult o = run_mmm(
      {"fit", "--config", cfg, "--out", *dir_ / "cfg150", "--budget", "150", "--json", "--quiet"});
  ASSERT_EQ(o.exit_code, 0) << describe(o);
  const nlohmann::json k = nlohmann::json::parse(o.out);
  EXPECT_EQ(k["evaluations"], 150);
  EXPECT_EQ(k["bootstrap"], 0);  // what the flags do not name still comes from the config
  const double theta150 =
      read_json(*dir_ / "cfg150/model.json")["hyperparameters"]["channels"]["tv"]["theta"];
  EXPECT_GE(theta150, 0.1);
  EXPECT_LE(theta150, 0.2);
}

TEST_F(CliFit, ConfigFileWithUnknownKeyIsABadInput) {
  const std::string cfg = *dir_ / "bad.toml";
  write_text(cfg, "[data]\npath = \"" + data() + "\"\n[search]\nbudgett = 200\n");
  const std::string out = *dir_ / "badcfg";
  const CliResult r = run_mmm({"fit", "--config", cfg, "--out", out, "--json", "--quiet"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(cfg + ":4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("search.budgett"), std::string::npos) << r.err;
  EXPECT_TRUE(file_names(out).empty());
}

TEST_F(CliFit, RobynSimulatedWeekly) {
  const std::string path = std::string(MMM_SOURCE_DIR) + "/tests/data/dt_simulated_weekly.csv";
  ASSERT_TRUE(fs::exists(path)) << "bundled test data missing: " << path;
  const std::string out = *dir_ / "robyn";
  const CliResult r =
      run_mmm({"fit", "--data", path, "--date-col", "DATE", "--kpi-col", "revenue", "--channels",
               "tv_S,ooh_S,print_S,facebook_S,search_S", "--controls", "competitor_sales_B",
               "--out", out, "--budget", "300", "--bootstrap", "10", "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["r2"].get<double>(), 0.8) << j.dump();
  EXPECT_EQ(j["channels"], 5);
  EXPECT_EQ(j["rows"], 208);
  const nlohmann::json m = read_json(out + "/model.json");
  EXPECT_EQ(m["config"]["controls"], nlohmann::json::array({"competitor_sales_B"}));
  EXPECT_EQ(read_csv(out + "/model_results.csv").rows.size(), 5u);
}

TEST_F(CliFit, HumanReadableSummary) {
  const std::string out = *dir_ / "human";
  const CliResult r =
      run_mmm({"fit", "--data", data(), "--out", out, "--budget", "200", "--bootstrap", "20"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("R²"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("104 weekly rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("200 evaluations"), std::string::npos) << r.out;
  for (const auto& c : kChannels) EXPECT_NE(r.out.find("\n" + c + " "), std::string::npos) << c;
  EXPECT_NE(r.err.find("notice: using date column `date` and KPI column `revenue`"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
  // Progress bars are off when stderr is not a terminal: every stderr line is a notice or a
  // plausibility warning.
  for (const auto& line : split_lines(r.err))
    EXPECT_TRUE(line.rfind("notice: ", 0) == 0 || line.rfind("warning: ", 0) == 0) << line;
  EXPECT_EQ(file_names(out).size(), kOutputFiles.size());
}

}  // namespace
}  // namespace mmm::test
