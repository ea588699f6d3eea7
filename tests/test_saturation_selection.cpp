// --saturation auto (host/validation/saturation_selection): each shape's score is the rolling-CV
// out-of-sample loss of the model fitted with it, computed here directly with CvObjective; the
// lowest wins, and on data made with a logistic curve that is the logistic; short data skip;
// the options that cannot go with it are refused.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/validation/cv_objective.hpp"
#include "host/validation/saturation_selection.hpp"

namespace mmm {
namespace {

/// θ, α, γ of the two channels; α is unused by the logistic.
const std::vector<double> kHyper = {0.4, 2.5, 150.0, 0.1, 2.5, 250.0};

/// `T` weekly rows, two channels, the default controls; the KPI is made with `truth` shapes.
ModelData problem(int T, SaturationShape truth) {
  ModelData d;
  PhiloxStream rng(17, 5u);
  d.spend.resize(T, 2);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const Eigen::MatrixXd h = transform_media(d.spend, kHyper.data(), {truth, truth});
  d.y.resize(T);
  for (int t = 0; t < T; ++t)
    d.y(t) = 500.0 + 400.0 * h(t, 0) + 300.0 * h(t, 1) + rng.uniform(-5.0, 5.0);
  d.nonnegative_media = true;
  return d;
}

EvaluatorFactory cpu_backend() {
  return [](const ModelData& m) { return std::make_unique<cpu::CpuEvaluator>(m, 2); };
}

ShapesFor both(int channels) {
  return [channels](SaturationShape s) { return std::vector<SaturationShape>(channels, s); };
}

TEST(SaturationSelection, ScoresAreEachShapesCvLossAndTheTrueShapeWins) {
  const CvOptions cv{30, 10, 10};
  for (SaturationShape truth : {SaturationShape::Hill, SaturationShape::Logistic}) {
    const ModelData d = problem(90, truth);
    std::vector<std::vector<SaturationShape>> seen;
    const SaturationSelection s =
        select_saturation(d, {SaturationShape::Hill, SaturationShape::Logistic}, both(2), cv,
                          cpu_backend(), [&](const ModelData& m, Evaluator&) {
                            seen.push_back(m.saturation);
                            return kHyper;  // the true transforms: only the shape differs
                          });
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0], std::vector<SaturationShape>(2, SaturationShape::Hill));
    EXPECT_EQ(seen[1], std::vector<SaturationShape>(2, SaturationShape::Logistic));
    ASSERT_EQ(s.scores.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      ModelData with = d;
      with.saturation = seen[i];
      cpu::CpuEvaluator backend(with, 2);
      std::vector<double> loss;
      CvObjective(with, cv, backend).evaluate(kHyper.data(), 1, loss);
      EXPECT_DOUBLE_EQ(s.scores[i].cv_loss, loss[0]) << i;
    }
    ASSERT_GE(s.best, 0);
    EXPECT_EQ(s.shape(), truth) << s.scores[0].cv_loss << " vs " << s.scores[1].cv_loss;
  }
}

TEST(SaturationSelection, TooFewRowsForOneFoldSkipsWithoutFitting) {
  const ModelData d = problem(40, SaturationShape::Hill);
  int fits = 0;
  const SaturationSelection s =
      select_saturation(d, {SaturationShape::Hill, SaturationShape::Logistic}, both(2),
                        CvOptions{30, 13, 13}, cpu_backend(), [&](const ModelData&, Evaluator&) {
                          ++fits;
                          return kHyper;
                        });
  EXPECT_TRUE(s.skipped);
  EXPECT_EQ(s.best, -1);
  EXPECT_EQ(fits, 0);
}

TEST(SaturationSelection, AutoIsRefusedWhereItCannotChoose) {
  FitOptions o = resolved_fit_options(FitOptions{});
  o.saturation = "auto";
  EXPECT_NO_THROW(check_fit_options(o));
  EXPECT_EQ(media_saturation(o, {"tv"}), std::vector<SaturationShape>{SaturationShape::Hill});
  FitOptions with_lambda = o;
  with_lambda.lambda_grid = {1.0, 3.0};
  EXPECT_THROW(check_fit_options(with_lambda), InputError);
  FitOptions fixed = o;
  fixed.hyperparameters_path = "model.json";
  fixed.nested_budget = 0;
  EXPECT_THROW(check_fit_options(fixed), InputError);
  FitOptions bad = o;
  bad.saturation = "best";
  try {
    check_fit_options(bad);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "invalid --saturation `best`; expected one of: hill, logistic, auto");
  }
}

}  // namespace
}  // namespace mmm
