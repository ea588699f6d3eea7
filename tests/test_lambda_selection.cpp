// --ridge-lambda auto (host/validation/lambda_selection): each λ's score is the rolling-CV
// out-of-sample loss of the model fitted at that λ, computed here directly with CvObjective;
// the lowest wins; a noise-only KPI prefers heavy shrinkage; short data skip; the flag's text.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/validation/cv_objective.hpp"
#include "host/validation/lambda_selection.hpp"

namespace mmm {
namespace {

const std::vector<double> kTruth = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};

/// `T` weekly rows, two channels, the default controls; the KPI carries the media effect
/// (media_scale) and uniform noise.
ModelData problem(int T, double media_scale, double noise) {
  ModelData d;
  PhiloxStream rng(91, 5u);
  d.spend.resize(T, 2);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const Eigen::MatrixXd h = transform_media(d.spend, kTruth.data());
  d.y.resize(T);
  for (int t = 0; t < T; ++t)
    d.y(t) = 500.0 + media_scale * (80.0 * h(t, 0) + 50.0 * h(t, 1)) + rng.uniform(-noise, noise);
  d.ridge_lambda = 7.0;  // ignored by select_lambda
  d.nonnegative_media = true;
  return d;
}

EvaluatorFactory cpu_backend() {
  return [](const ModelData& m) { return std::make_unique<cpu::CpuEvaluator>(m, 2); };
}

TEST(LambdaSelection, ScoresAreTheCvLossOfEachLambdasFitAndTheLowestWins) {
  const ModelData d = problem(90, 1.0, 20.0);
  const CvOptions cv{30, 10, 10};
  const std::vector<double> grid = {0.01, 0.5, 4.0, 60.0};
  std::vector<double> seen;
  const LambdaSelection s =
      select_lambda(d, grid, cv, cpu_backend(), [&](const ModelData& m, Evaluator&) {
        seen.push_back(m.ridge_lambda);
        return kTruth;
      });
  EXPECT_EQ(seen, grid) << "fit_at sees each λ's model, in grid order";
  ASSERT_EQ(s.scores.size(), grid.size());
  ASSERT_FALSE(s.skipped);
  int argmin = 0;
  for (size_t i = 0; i < grid.size(); ++i) {
    ModelData at = d;
    at.ridge_lambda = grid[i];
    cpu::CpuEvaluator backend(at, 2);
    std::vector<double> loss;
    CvObjective(at, cv, backend).evaluate(kTruth.data(), 1, loss);
    EXPECT_EQ(s.scores[i].lambda, grid[i]);
    EXPECT_DOUBLE_EQ(s.scores[i].cv_loss, loss[0]) << "λ " << grid[i];
    if (loss[0] < s.scores[static_cast<size_t>(argmin)].cv_loss) argmin = static_cast<int>(i);
  }
  EXPECT_EQ(s.best, argmin);
  EXPECT_EQ(s.lambda(), grid[static_cast<size_t>(argmin)]);
  // The scores differ: λ changes the folds' fits, so the choice is not a tie broken by order.
  EXPECT_NE(s.scores.front().cv_loss, s.scores.back().cv_loss);
}

TEST(LambdaSelection, KeepBestReceivesEachNewBestsBackendAndLastTheChosenOne) {
  const ModelData d = problem(90, 1.0, 20.0);
  const CvOptions cv{30, 10, 10};
  const std::vector<double> grid = {60.0, 4.0, 0.5, 0.01, 4.0};
  std::vector<double> seen;
  std::vector<double> kept;
  std::unique_ptr<Evaluator> kept_backend;
  const LambdaSelection s = select_lambda(
      d, grid, cv, cpu_backend(),
      [&](const ModelData& m, Evaluator&) {
        seen.push_back(m.ridge_lambda);
        return kTruth;
      },
      [&](std::unique_ptr<Evaluator> backend) {
        ASSERT_NE(backend, nullptr);
        kept.push_back(seen.back());
        kept_backend = std::move(backend);
      });
  ASSERT_GE(s.best, 0);
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.front(), grid.front()) << "the first finite score is the best so far";
  EXPECT_EQ(kept.back(), s.lambda());
  // Each kept λ scored strictly lower than the one kept before it (a tie keeps the first).
  for (size_t i = 1; i < kept.size(); ++i) {
    const auto score = [&](double lambda) {
      for (const LambdaScore& x : s.scores)
        if (x.lambda == lambda) return x.cv_loss;
      return std::numeric_limits<double>::quiet_NaN();
    };
    EXPECT_LT(score(kept[i]), score(kept[i - 1])) << "λ " << kept[i];
  }
  // The kept backend is the chosen λ's: its CV loss is the chosen score.
  ModelData at = d;
  at.ridge_lambda = s.lambda();
  std::vector<double> loss;
  CvObjective(at, cv, *kept_backend).evaluate(kTruth.data(), 1, loss);
  EXPECT_EQ(loss[0], s.scores[static_cast<size_t>(s.best)].cv_loss);
}

TEST(LambdaSelection, ANoiseOnlyKpiPrefersHeavyShrinkage) {
  // No media effect: every column only fits noise on 30 training rows, so the heavily
  // penalized model predicts the test weeks better than the nearly unpenalized one.
  const ModelData d = problem(90, 0.0, 50.0);
  const LambdaSelection s = select_lambda(d, {0.001, 100.0}, CvOptions{30, 10, 10}, cpu_backend(),
                                          [](const ModelData&, Evaluator&) { return kTruth; });
  ASSERT_EQ(s.best, 1) << s.scores[0].cv_loss << " vs " << s.scores[1].cv_loss;
  EXPECT_LT(s.scores[1].cv_loss, s.scores[0].cv_loss);
}

TEST(LambdaSelection, TooFewRowsForOneFoldSkipsWithoutFitting) {
  const ModelData d = problem(40, 1.0, 20.0);
  int fits = 0;
  const LambdaSelection s = select_lambda(d, default_lambda_grid(), CvOptions{30, 13, 13},
                                          cpu_backend(), [&](const ModelData&, Evaluator&) {
                                            ++fits;
                                            return kTruth;
                                          });
  EXPECT_TRUE(s.skipped);
  EXPECT_EQ(s.best, -1);
  EXPECT_EQ(fits, 0);
}

TEST(LambdaSelection, RidgeLambdaTextIsANumberOrAuto) {
  FitOptions o;
  set_ridge_lambda(o, "auto");
  EXPECT_EQ(o.lambda_grid, default_lambda_grid());
  EXPECT_FALSE(o.ridge_lambda_explicit);
  set_ridge_lambda(o, "2.5");
  EXPECT_EQ(o.ridge_lambda, 2.5);
  EXPECT_TRUE(o.ridge_lambda_explicit);
  EXPECT_TRUE(o.lambda_grid.empty()) << "a number after auto replaces it";
  set_ridge_lambda(o, "1e-3");
  EXPECT_EQ(o.ridge_lambda, 1e-3);
  for (const char* bad : {"0x10", "inf", "nan", "-1", "0", "abc", "", "1.5x", "Auto"}) {
    FitOptions p;
    EXPECT_THROW(set_ridge_lambda(p, bad), InputError) << bad;
  }
}

TEST(LambdaSelection, GridValuesAreChecked) {
  FitOptions o;
  o.lambda_grid = {1.0, -2.0};
  EXPECT_THROW(check_fit_options(resolved_fit_options(o)), InputError);
  o.lambda_grid.assign(kMaxLambdaGrid + 1, 1.0);
  EXPECT_THROW(check_fit_options(resolved_fit_options(o)), InputError);
  o.lambda_grid = {1.0, 3.0};
  o.reference = true;
  EXPECT_THROW(check_fit_options(resolved_fit_options(o)), InputError);
  o.reference = false;
  EXPECT_NO_THROW(check_fit_options(resolved_fit_options(o)));
}

}  // namespace
}  // namespace mmm
