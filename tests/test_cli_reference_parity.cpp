// `mmm fit --reference` equals scikit-learn's StandardScaler + Ridge end to end: every case of
// tests/reference/sklearn_parity.json (produced by tests/reference/sklearn_parity.py) is fitted
// through the program with its fixed hyperparameters, and model.json's coefficients, scaler,
// intercept, R² and loss are compared to scikit-learn's (the library-level comparison is
// test_sklearn_parity.cpp). The default estimator differs from it on purpose (non-negative
// media), so this is what keeps the reference pipeline honest.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

void expect_rel(double expected, double actual, const std::string& what) {
  const double scale = std::max(std::abs(expected), 1e-300);
  EXPECT_LE(std::abs(actual - expected) / scale, 1e-6)
      << what << ": scikit-learn " << expected << ", mmm " << actual;
}

TEST(CliReferenceParity, FitReferenceEqualsScikitLearn) {
  std::ifstream in(std::string(MMM_SOURCE_DIR) + "/tests/reference/sklearn_parity.json");
  ASSERT_TRUE(in) << "tests/reference/sklearn_parity.json missing";
  const nlohmann::json ref = nlohmann::json::parse(in);
  TempDir dir;
  int checked = 0;
  for (const auto& c : ref["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    nlohmann::json hyper = {{"ridge_lambda", c["ridge_lambda"]},
                            {"channels", c["hyperparameters"]}};
    const std::string hyper_path = dir.write(name + ".json", hyper.dump());
    std::string channels, controls;
    for (const auto& ch : c["channels"])
      channels += (channels.empty() ? "" : ",") + ch.get<std::string>();
    for (const auto& k : c["controls"])
      controls += (controls.empty() ? "" : ",") + k.get<std::string>();
    std::vector<std::string> args = {
        "fit",
        "--reference",
        "--data",
        std::string(MMM_SOURCE_DIR) + "/" + c["data"].get<std::string>(),
        "--date-col",
        c["date_col"],
        "--kpi-col",
        c["kpi_col"],
        "--channels",
        channels,
        "--hyperparameters",
        hyper_path,
        "--bootstrap",
        "0",
        "--out",
        dir / name,
        "--quiet"};
    if (!controls.empty()) args.insert(args.end(), {"--controls", controls});
    const CliResult r = run_mmm(args);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const nlohmann::json m = nlohmann::json::parse(read_text(dir / (name + "/model.json")));
    const auto& e = c["expected"];
    ASSERT_EQ(m["columns"], e["columns"]);
    for (size_t j = 0; j < e["coef"].size(); ++j) {
      const std::string col = e["columns"][j];
      expect_rel(e["coef"][j], m["coefficients"]["coef"][j], "coef " + col);
      expect_rel(e["scaler_scale"][j], m["scaler"]["scale"][j], "scale " + col);
    }
    expect_rel(e["intercept"], m["coefficients"]["intercept"], "intercept");
    expect_rel(e["r2"], m["metrics"]["r2"], "r2");
    expect_rel(e["loss"], m["metrics"]["loss"], "loss");
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace mmm::test
