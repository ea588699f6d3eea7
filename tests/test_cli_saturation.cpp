// `--saturation logistic` and `[channels.NAME] saturation` end to end (issue 16): the shape in
// model.json (hyperparameters and responses) and model_results.csv, the response curves drawn
// with it, a --hyperparameters refit that reproduces the model, `mmm optimize` and `mmm
// predict --plan` on the saved model, and the errors for bad names and contradictions.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

class CliSaturation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim = run_mmm({"simulate", "--weeks", "104", "--channels", "3", "--controls",
                                   "1", "--seed", "3", "--out", path("data.csv"), "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    const CliResult fit = run_mmm({"fit", "--data", path("data.csv"), "--out", path("fit"),
                                   "--saturation", "logistic", "--evaluations", "600",
                                   "--bootstrap", "20", "--nested-evaluations", "60", "--quiet"});
    ASSERT_EQ(fit.exit_code, 0) << describe(fit);
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
  static inline TempDir* dir_ = nullptr;
};

const std::vector<std::string> kChannels = {"tv", "search", "social"};

TEST_F(CliSaturation, ModelJsonAndResultsCarryTheShape) {
  const nlohmann::json m = read_json(path("fit/model.json"));
  for (const std::string& c : kChannels) {
    const nlohmann::json& h = m["hyperparameters"]["channels"][c];
    EXPECT_EQ(h["saturation"], "logistic") << c;
    EXPECT_EQ(h["alpha"].get<double>(), 1.0) << c;  // unused, kUnusedAlpha
  }
  for (const nlohmann::json& r : m["responses"]) EXPECT_EQ(r["saturation"], "logistic") << r;
  const CsvFile res = read_csv(path("fit/model_results.csv"));
  ASSERT_EQ(res.rows.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(cell(res, c, "SATURATION_ALPHA"), "") << c;  // a logistic curve has no α
    EXPECT_NEAR(num(res, c, "SATURATION_POINT"),
                m["hyperparameters"]["channels"][kChannels[c]]["gamma"].get<double>(),
                1e-9 * num(res, c, "SATURATION_POINT"));
  }
}

TEST_F(CliSaturation, ResponseCurvesAreTheLogisticOfTheSteadyState) {
  // PREDICTED_REVENUE = coef · (1 − e^{−λa}) / (1 + e^{−λa}), a = s / (1 − θ), λ = ln 3 / γ:
  // PyMC-Marketing's curve, computed here from model.json's own numbers.
  const nlohmann::json m = read_json(path("fit/model.json"));
  const CsvFile curves = read_csv(path("fit/response_curves.csv"));
  int checked = 0;
  for (std::size_t i = 0; i < curves.rows.size(); ++i) {
    const std::string name = cell(curves, i, "CHANNEL");
    for (const nlohmann::json& r : m["responses"]) {
      if (r["name"] != name) continue;
      const double s = num(curves, i, "SPEND"), theta = r["theta"], gamma = r["gamma"];
      const double coef = r["coef"], lam = std::log(3.0) / gamma, a = s / (1.0 - theta);
      const double want = coef * (1.0 - std::exp(-lam * a)) / (1.0 + std::exp(-lam * a));
      EXPECT_NEAR(num(curves, i, "PREDICTED_REVENUE"), want, 1e-9 * std::abs(coef) + 1e-9)
          << name << " at " << s;
      // Concave: the marginal ROI never rises with spend.
      if (i > 0 && cell(curves, i - 1, "CHANNEL") == name) {
        EXPECT_LE(num(curves, i, "MARGINAL_ROI_AT_SPEND"),
                  num(curves, i - 1, "MARGINAL_ROI_AT_SPEND") * (1 + 1e-12));
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

TEST_F(CliSaturation, RefitFromModelJsonReproducesTheLogisticModel) {
  const CliResult r =
      run_mmm({"fit", "--data", path("data.csv"), "--hyperparameters", path("fit/model.json"),
               "--out", path("refit"), "--bootstrap", "0", "--quiet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json first = read_json(path("fit/model.json"));
  const nlohmann::json again = read_json(path("refit/model.json"));
  EXPECT_NEAR(again["metrics"]["r2"].get<double>(), first["metrics"]["r2"].get<double>(), 1e-12);
  for (const std::string& c : kChannels)
    EXPECT_EQ(again["hyperparameters"]["channels"][c]["saturation"], "logistic") << c;
}

TEST_F(CliSaturation, OptimizeAndPredictUseTheSavedShape) {
  const CliResult o =
      run_mmm({"optimize", "--model", path("fit/model.json"), "--out", path("opt"), "--quiet"});
  ASSERT_EQ(o.exit_code, 0) << describe(o);
  const CsvFile want = read_csv(path("fit/budget_allocation.csv"));
  const CsvFile got = read_csv(path("opt/budget_allocation.csv"));
  ASSERT_EQ(got.rows.size(), want.rows.size());
  for (std::size_t i = 0; i < want.rows.size(); ++i)
    for (std::size_t j = 0; j < want.header.size(); ++j)
      EXPECT_EQ(got.rows[i][j], want.rows[i][j]) << i << " " << want.header[j];
  // A plan of the data's last 10 weeks gives back the fit's fitted values and contributions.
  const std::vector<std::string> lines = split_lines(read_text(path("data.csv")));
  std::string text = lines[0] + "\n";
  for (std::size_t i = 94; i < 104; ++i) text += lines[1 + i] + "\n";
  write_text(path("last10.csv"), text);
  const CliResult p = run_mmm({"predict", "--model", path("fit/model.json"), "--plan",
                               path("last10.csv"), "--out", path("pred"), "--quiet"});
  ASSERT_EQ(p.exit_code, 0) << describe(p);
  const CsvFile dec = read_csv(path("fit/decomposition.csv"));
  const CsvFile pred = read_csv(path("pred/plan_predictions.csv"));
  ASSERT_EQ(pred.rows.size(), 10u);
  for (std::size_t t = 0; t < 10; ++t) {
    const double fitted = num(dec, 94 + t, "PREDICTED");
    EXPECT_NEAR(num(pred, t, "kpi"), fitted, 1e-9 * std::abs(fitted)) << t;
    for (const std::string& c : kChannels) {
      EXPECT_NEAR(num(pred, t, c + "_contribution"), num(dec, 94 + t, c), 1e-9 * std::abs(fitted))
          << c << " week " << t;
    }
  }
}

TEST_F(CliSaturation, SavedCurvesWithoutTheKeyAreHillAndABadShapeIsNamed) {
  // The same model.json without "saturation" in its curves (as written before the logistic
  // existed) is read as Hill: the plan moves. A shape mmm does not know is an input error.
  nlohmann::json m = read_json(path("fit/model.json"));
  for (nlohmann::json& r : m["responses"]) r.erase("saturation");
  write_text(path("old_model.json"), m.dump());
  const CliResult old =
      run_mmm({"optimize", "--model", path("old_model.json"), "--out", path("old_opt"), "--quiet"});
  ASSERT_EQ(old.exit_code, 0) << describe(old);
  const CsvFile logistic = read_csv(path("fit/budget_allocation.csv"));
  const CsvFile hill = read_csv(path("old_opt/budget_allocation.csv"));
  // Same γ, other curve: at the current spend the contribution differs (Hill with α = 1,
  // a / (a + γ), meets the logistic only at a = γ). A channel valued at 0 has nothing to show.
  int compared = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    const double want = num(logistic, c, "CONTRIBUTION_CURRENT");
    if (want == 0.0) continue;
    EXPECT_GT(std::abs(num(hill, c, "CONTRIBUTION_CURRENT") - want), 1e-6 * std::abs(want)) << c;
    ++compared;
  }
  EXPECT_GE(compared, 1);
  m["responses"][1]["saturation"] = "tanh";
  write_text(path("bad_model.json"), m.dump());
  const CliResult bad =
      run_mmm({"optimize", "--model", path("bad_model.json"), "--out", path("bad_opt"), "--quiet"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "`responses[1].saturation` is `tanh`; expected hill or logistic"))
      << bad.err;
}

TEST_F(CliSaturation, PerChannelShapesFromTheConfig) {
  // Hill for every channel, logistic for one: the file's [model] shape, then the channel's.
  write_text(path("mixed.toml"),
             "[model]\nsaturation = \"hill\"\n[channels.search]\nsaturation = \"logistic\"\n");
  const CliResult r =
      run_mmm({"fit", "--data", path("data.csv"), "--config", path("mixed.toml"), "--out",
               path("mixed"), "--evaluations", "300", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json h = read_json(path("mixed/model.json"))["hyperparameters"]["channels"];
  EXPECT_EQ(h["tv"]["saturation"], "hill");
  EXPECT_EQ(h["search"]["saturation"], "logistic");
  EXPECT_EQ(h["social"]["saturation"], "hill");
  EXPECT_NE(h["tv"]["alpha"].get<double>(), 1.0);  // searched for the Hill channels
  const CsvFile res = read_csv(path("mixed/model_results.csv"));
  EXPECT_NE(cell(res, 0, "SATURATION_ALPHA"), "");
  EXPECT_EQ(cell(res, 1, "SATURATION_ALPHA"), "");
  EXPECT_TRUE(contains(r.out,
                       "saturation: logistic (gamma = half-saturation, no alpha) for "
                       "search\n"))
      << r.out;
  // Without a shape named, every channel is logistic, and the summary says so in one line.
  const CliResult plain = run_mmm({"fit", "--data", path("data.csv"), "--out", path("plain"),
                                   "--evaluations", "300", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_TRUE(contains(plain.out, "saturation: logistic for every channel")) << plain.out;
  // The json is kept in a variable: items() of a temporary would outlive it.
  const nlohmann::json plain_model = read_json(path("plain/model.json"));
  for (const auto& [name, h] : plain_model["hyperparameters"]["channels"].items())
    EXPECT_EQ(h["saturation"], "logistic") << name;
}

TEST_F(CliSaturation, AutoChoosesTheShapeWithTheLowerCvLoss) {
  const CliResult r = run_mmm({"fit", "--data", path("data.csv"), "--saturation", "auto", "--out",
                               path("auto"), "--evaluations", "300", "--bootstrap", "0"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json m = read_json(path("auto/model.json"));
  const nlohmann::json& sel = m["search"]["saturation_selection"];
  ASSERT_TRUE(sel.is_object()) << m["search"];
  ASSERT_EQ(sel["scores"].size(), 2u);
  EXPECT_EQ(sel["scores"][0]["saturation"], "hill");
  EXPECT_EQ(sel["scores"][1]["saturation"], "logistic");
  const double hill = sel["scores"][0]["cv_loss"], logistic = sel["scores"][1]["cv_loss"];
  const std::string chosen = hill <= logistic ? "hill" : "logistic";
  EXPECT_EQ(sel["chosen"], chosen);
  for (const std::string& c : kChannels)
    EXPECT_EQ(m["hyperparameters"]["channels"][c]["saturation"], chosen) << c;
  EXPECT_TRUE(contains(r.out, "saturation: " + chosen + ", chosen by rolling-CV")) << r.out;
  const CliResult both = run_mmm({"fit", "--data", path("data.csv"), "--saturation", "auto",
                                  "--ridge-lambda", "auto", "--out", path("both"), "--quiet"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.err, "give one of them")) << both.err;
}

TEST_F(CliSaturation, BadNamesAndUnsupportedModesExitTwo) {
  const CliResult bad = run_mmm(
      {"fit", "--data", path("data.csv"), "--saturation", "tanh", "--out", path("bad"), "--quiet"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(
      contains(bad.err, "invalid --saturation `tanh`; expected one of: hill, logistic, auto"))
      << bad.err;
  write_text(path("badc.toml"), "[channels.tv]\nsaturation = \"s-curve\"\n");
  const CliResult badc = run_mmm({"fit", "--data", path("data.csv"), "--config", path("badc.toml"),
                                  "--out", path("badc"), "--quiet"});
  EXPECT_EQ(badc.exit_code, 2);
  EXPECT_TRUE(contains(badc.err, "value `s-curve` in [channels.tv]; expected hill or logistic"))
      << badc.err;
  write_text(path("unknown.toml"), "[channels.radio]\nsaturation = \"logistic\"\n");
  const CliResult unknown = run_mmm({"fit", "--data", path("data.csv"), "--config",
                                     path("unknown.toml"), "--out", path("unknown"), "--quiet"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "saturation given for channel `radio`")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "media channels: tv, search, social")) << unknown.err;
  // mmm sweep evaluates Hill candidates: a config asking for another shape is refused.
  write_text(path("sweep.toml"), "[model]\nsaturation = \"logistic\"\n");
  const CliResult sweep = run_mmm({"sweep", "--config", path("sweep.toml"), "--data",
                                   path("data.csv"), "--out", path("sweep"), "--n", "10"});
  EXPECT_EQ(sweep.exit_code, 2) << describe(sweep);
  EXPECT_TRUE(contains(sweep.err, "mmm sweep evaluates Hill candidates")) << sweep.err;
  const CliResult flag = run_mmm({"sweep", "--data", path("data.csv"), "--saturation", "logistic",
                                  "--out", path("sweep2"), "--n", "10"});
  EXPECT_EQ(flag.exit_code, 2) << describe(flag);
  // A Hill model.json refitted with --saturation logistic: the file and the flag disagree.
  const CliResult hill =
      run_mmm({"fit", "--data", path("data.csv"), "--out", path("hill"), "--saturation", "hill",
               "--evaluations", "200", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(hill.exit_code, 0) << describe(hill);
  const CliResult clash =
      run_mmm({"fit", "--data", path("data.csv"), "--hyperparameters", path("hill/model.json"),
               "--saturation", "logistic", "--out", path("clash"), "--quiet"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_TRUE(contains(clash.err,
                       "channel `tv` has saturation hill, but --saturation/config "
                       "asks for logistic"))
      << clash.err;
}

}  // namespace
}  // namespace mmm::test
