// Parity with scikit-learn's StandardScaler + Ridge (SPEC §4, issue 2): the numbers in
// tests/reference/sklearn_parity.json were produced by tests/reference/sklearn_parity.py.
// The suite only reads them; it never needs Python.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "host/backend/cpu_evaluator.hpp"
#include "host/data/wide_csv_loader.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

constexpr double kTolerance = 1e-6;  // issue 2's bound; observed agreement is near 1e-12

double worst_relative = 0.0;  // reported at the end of the test

/// |actual − expected| ≤ 1e-6 · max(|expected|, floor). The floor matters only for values that
/// are zero up to rounding (e.g. the mean of a balanced Fourier column, ~1e-17), whose
/// error is measured against the column's spread instead.
void expect_rel(double expected, double actual, const std::string& what, double floor = 1e-300) {
  const double scale = std::max(std::abs(expected), floor);
  worst_relative = std::max(worst_relative, std::abs(actual - expected) / scale);
  EXPECT_LE(std::abs(actual - expected) / scale, kTolerance)
      << what << ": expected " << expected << ", got " << actual;
}

nlohmann::json load_reference() {
  std::ifstream in(std::string(MMM_SOURCE_DIR) + "/tests/reference/sklearn_parity.json");
  return nlohmann::json::parse(in);
}

TEST(SklearnParity, CoefficientsInterceptR2AndLossMatchScikitLearn) {
  const nlohmann::json ref = load_reference();
  ASSERT_GE(ref["cases"].size(), 3u);
  int checked = 0;
  for (const auto& c : ref["cases"]) {
    const std::string path = std::string(MMM_SOURCE_DIR) + "/" + c["data"].get<std::string>();
    ASSERT_TRUE(std::filesystem::exists(path)) << "bundled test data missing: " << path;
    SCOPED_TRACE(c["name"].get<std::string>());
    ColumnSelection sel;
    sel.date_column = c["date_col"];
    sel.kpi_column = c["kpi_col"];
    sel.channels = c["channels"].get<std::vector<std::string>>();
    sel.controls = c["controls"].get<std::vector<std::string>>();
    const Dataset data = load_wide_csv(path, sel);
    const ModelData model = make_model_data(data, build_controls(data), c["ridge_lambda"]);
    std::vector<double> hyper;
    for (const auto& name : sel.channels) {
      const auto& h = c["hyperparameters"][name];
      hyper.insert(hyper.end(),
                   {h["theta"].get<double>(), h["alpha"].get<double>(), h["gamma"].get<double>()});
    }
    cpu::CpuEvaluator evaluator(model, 1);
    BatchResult out;
    evaluator.evaluate(CandidateBatch{1, model.channels(), hyper.data()}, RowWeights{}, out);
    const auto& e = c["expected"];
    ASSERT_EQ(static_cast<int>(e["coef"].size()), model.parameters());
    for (int j = 0; j < model.parameters(); ++j) {
      const std::string col = e["columns"][j];
      expect_rel(e["coef"][j], out.coef[j], "coef " + col);
      expect_rel(e["coef_scaled"][j], out.coef_scaled[j], "coef_scaled " + col);
      expect_rel(e["scaler_mean"][j], out.mean[j], "mean " + col, e["scaler_scale"][j]);
      expect_rel(e["scaler_scale"][j], out.scale[j], "scale " + col);
    }
    expect_rel(e["intercept"], out.intercept[0], "intercept");
    expect_rel(e["r2"], out.r2[0], "r2");
    expect_rel(e["loss"], out.loss[0], "loss");
    ++checked;
  }
  EXPECT_GE(checked, 3);
  std::printf("worst relative difference from scikit-learn over %d cases: %.3g\n", checked,
              worst_relative);
}

}  // namespace
}  // namespace mmm
