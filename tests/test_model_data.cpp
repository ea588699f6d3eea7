// ModelData and the reference media transform (SPEC §4): geometric adstock then Hill, the
// fitted-KPI formula and γ's unit (the max weekly spend).

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/common/philox.hpp"
#include "host/data/dataset.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

Eigen::MatrixXd random_spend(int T, int C, std::uint64_t seed) {
  PhiloxStream rng(seed, 7u);
  Eigen::MatrixXd x(T, C);
  for (int c = 0; c < C; ++c) {
    for (int t = 0; t < T; ++t) x(t, c) = (t % 5 == 3) ? 0.0 : rng.uniform(0.0, 100.0 * (c + 1));
  }
  return x;
}

double hill_by_hand(double a, double alpha, double gamma) {
  const double aa = std::pow(a, alpha), ga = std::pow(gamma, alpha);
  return aa / (aa + ga);
}

TEST(ModelData, TransformMediaMatchesHandRolledAdstockThenHill) {
  const int T = 40, C = 3;
  const Eigen::MatrixXd x = random_spend(T, C, 11);
  const std::vector<double> hyper = {0.0, 1.0, 50.0, 0.5, 2.0, 120.0, 0.9, 0.7, 80.0};
  const Eigen::MatrixXd h = transform_media(x, hyper.data());
  ASSERT_EQ(h.rows(), T);
  ASSERT_EQ(h.cols(), C);
  for (int c = 0; c < C; ++c) {
    const double theta = hyper[3 * c], alpha = hyper[3 * c + 1], gamma = hyper[3 * c + 2];
    std::vector<double> a(T);
    for (int t = 0; t < T; ++t) a[t] = x(t, c) + (t > 0 ? theta * a[t - 1] : 0.0);
    for (int t = 0; t < T; ++t) {
      const double expected = hill_by_hand(a[t], alpha, gamma);
      EXPECT_NEAR(h(t, c), expected, 1e-12 * expected + 1e-100) << "t=" << t << " c=" << c;
    }
  }
}

TEST(ModelData, TransformMediaZeroSpendStaysNearZeroAndAdstockCarriesOver) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(6, 1);
  x(1, 0) = 100.0;  // a = 0, 100, 50, 25, 12.5, 6.25 with θ = 0.5
  const std::vector<double> hyper = {0.5, 1.0, 25.0};
  const Eigen::MatrixXd h = transform_media(x, hyper.data());
  EXPECT_LT(h(0, 0), 1e-100);
  EXPECT_NEAR(h(1, 0), 100.0 / 125.0, 1e-14);
  EXPECT_NEAR(h(2, 0), 50.0 / 75.0, 1e-14);
  EXPECT_NEAR(h(3, 0), 0.5, 1e-14);
  EXPECT_NEAR(h(4, 0), 12.5 / 37.5, 1e-14);
  EXPECT_NEAR(h(5, 0), 6.25 / 31.25, 1e-14);
}

TEST(ModelData, PredictKpiIsInterceptPlusMediaAndControls) {
  const int T = 30, C = 2;
  ModelData m;
  m.spend = random_spend(T, C, 5);
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2023, 1, 2}.plus_days(7 * t));
  m.controls = default_controls(dates).values;
  m.y = Eigen::VectorXd::Zero(T);
  const std::vector<double> hyper = {0.3, 1.5, 40.0, 0.6, 0.8, 90.0};
  std::vector<double> coef(m.parameters());
  for (int j = 0; j < m.parameters(); ++j) coef[j] = 3.0 * j - 7.5;
  const double intercept = 123.25;
  const Eigen::VectorXd pred = predict_kpi(m, hyper.data(), coef.data(), intercept);
  const Eigen::MatrixXd h = transform_media(m.spend, hyper.data());
  ASSERT_EQ(pred.size(), T);
  for (int t = 0; t < T; ++t) {
    double expected = intercept;
    for (int c = 0; c < C; ++c) expected += coef[c] * h(t, c);
    for (int k = 0; k < m.control_count(); ++k) expected += coef[C + k] * m.controls(t, k);
    EXPECT_NEAR(pred(t), expected, 1e-11 * std::abs(expected) + 1e-11) << "t=" << t;
  }
}

TEST(ModelData, PredictKpiWithoutControls) {
  ModelData m;
  m.spend = random_spend(10, 1, 3);
  m.controls.resize(10, 0);
  m.y = Eigen::VectorXd::Zero(10);
  const std::vector<double> hyper = {0.2, 1.0, 30.0};
  const double coef = 4.0;
  const Eigen::VectorXd pred = predict_kpi(m, hyper.data(), &coef, -1.0);
  const Eigen::MatrixXd h = transform_media(m.spend, hyper.data());
  for (int t = 0; t < 10; ++t) EXPECT_NEAR(pred(t), 4.0 * h(t, 0) - 1.0, 1e-14);
}

TEST(ModelData, MaxSpendAndCounts) {
  ModelData m;
  m.spend.resize(4, 3);
  m.spend << 1, 0, 5,  //
      7, 0, 2,         //
      3, 2.5, 9,       //
      6, 1, 0;
  m.controls = Eigen::MatrixXd::Ones(4, 2);
  m.y = Eigen::VectorXd::Ones(4);
  EXPECT_EQ(m.max_spend(), (std::vector<double>{7.0, 2.5, 9.0}));
  EXPECT_EQ(m.rows(), 4);
  EXPECT_EQ(m.channels(), 3);
  EXPECT_EQ(m.control_count(), 2);
  EXPECT_EQ(m.parameters(), 5);
  EXPECT_DOUBLE_EQ(m.ridge_lambda, kDefaultRidgeLambda);
  EXPECT_DOUBLE_EQ(m.penalty_weight, kDefaultPenaltyWeight);
}

TEST(ModelData, MakeModelDataCopiesTheDataset) {
  Dataset d;
  for (int t = 0; t < 8; ++t) d.dates.push_back(Date{2024, 1, 1}.plus_days(7 * t));
  d.channels = {"tv", "search"};
  d.spend = random_spend(8, 2, 9);
  d.kpi = Eigen::VectorXd::LinSpaced(8, 100.0, 170.0);
  d.control_values.resize(8, 0);
  const ControlMatrix controls = build_controls(d);
  const ModelData m = make_model_data(d, controls, 2.5);
  EXPECT_EQ(m.spend, d.spend);
  EXPECT_EQ(m.y, d.kpi);
  EXPECT_EQ(m.controls, controls.values);
  EXPECT_DOUBLE_EQ(m.ridge_lambda, 2.5);
  EXPECT_EQ(m.parameters(), 2 + 9);
}

}  // namespace
}  // namespace mmm
