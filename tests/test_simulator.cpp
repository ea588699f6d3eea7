// `mmm simulate` (SPEC §3): determinism, shapes, the truth it reports and the exact revenue
// formula, recomputed here from the returned matrices with the engine's own transforms.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "host/common/errors.hpp"
#include "host/features/transforms.hpp"
#include "host/simulate/simulator.hpp"

namespace mmm {
namespace {

constexpr double kPi = 3.14159265358979323846;

Eigen::VectorXd hill_series(const Eigen::VectorXd& x, const ChannelHyper& h) {
  Eigen::VectorXd out(x.size());
  double a = 0.0;
  for (Eigen::Index t = 0; t < x.size(); ++t) {
    a = t == 0 ? x[t] : x[t] + h.theta * a;
    out[t] = hill(a, h.alpha, h.gamma);
  }
  return out;
}

TEST(Simulator, DeterministicForASeed) {
  SimulationOptions o;
  o.controls = 2;
  const Simulation a = simulate(o), b = simulate(o);
  EXPECT_EQ(a.spend, b.spend);
  EXPECT_EQ(a.controls, b.controls);
  EXPECT_EQ(a.revenue, b.revenue);
  EXPECT_EQ(a.truth[3].coef, b.truth[3].coef);
  o.seed = 2;
  const Simulation c = simulate(o);
  EXPECT_NE(a.spend, c.spend);
  EXPECT_NE(a.revenue, c.revenue);
  EXPECT_NE(a.truth[0].hyper.theta, c.truth[0].hyper.theta);
}

TEST(Simulator, ShapesNamesAndDates) {
  SimulationOptions o;
  o.weeks = 60;
  o.channels = 14;
  o.controls = 3;
  const Simulation s = simulate(o);
  EXPECT_EQ(s.spend.rows(), 60);
  EXPECT_EQ(s.spend.cols(), 14);
  EXPECT_EQ(s.controls.rows(), 60);
  EXPECT_EQ(s.controls.cols(), 3);
  EXPECT_EQ(s.revenue.size(), 60);
  ASSERT_EQ(s.dates.size(), 60u);
  EXPECT_EQ(s.dates[0].to_string(), "2021-01-04");
  EXPECT_EQ(s.dates[1].to_string(), "2021-01-11");
  EXPECT_EQ(s.dates[59].days_since_epoch() - s.dates[0].days_since_epoch(), 7 * 59);
  EXPECT_EQ(s.channel_names.front(), "tv");
  EXPECT_EQ(s.channel_names[11], "influencer");
  EXPECT_EQ(s.channel_names[12], "channel_13");
  EXPECT_EQ(s.channel_names[13], "channel_14");
  EXPECT_EQ(s.control_names, (std::vector<std::string>{"ctrl_1", "ctrl_2", "ctrl_3"}));
  EXPECT_EQ(s.seasonal_coefs.size(), 4u);
  EXPECT_EQ(s.control_coefs.size(), 3u);
  for (int k = 0; k < 3; ++k)
    EXPECT_GT(s.controls.col(k).maxCoeff() - s.controls.col(k).minCoeff(), 1.0);
}

TEST(Simulator, SpendAndTruthInDocumentedRanges) {
  SimulationOptions o;
  o.channels = 40;
  o.noise = 0.0;
  const Simulation s = simulate(o);
  long zeros = 0;
  double media = 0.0;
  for (int c = 0; c < o.channels; ++c) {
    EXPECT_GE(s.spend.col(c).minCoeff(), 0.0);
    EXPECT_GT(s.spend.col(c).sum(), 0.0) << s.channel_names[c];
    zeros += (s.spend.col(c).array() == 0.0).count();
    const ChannelTruth& t = s.truth[c];
    EXPECT_GE(t.hyper.theta, 0.1);
    EXPECT_LE(t.hyper.theta, 0.7);
    EXPECT_GE(t.hyper.alpha, 0.8);
    EXPECT_LE(t.hyper.alpha, 2.5);
    const double frac = t.hyper.gamma / s.spend.col(c).maxCoeff();
    EXPECT_GE(frac, 0.2);
    EXPECT_LE(frac, 0.8);
    EXPECT_GE(t.roi, 0.5 * (1 - 1e-12));
    EXPECT_LE(t.roi, 5.0 * (1 + 1e-12));
    media += t.contribution;
  }
  const double zero_share = static_cast<double>(zeros) / (o.channels * o.weeks);
  EXPECT_GT(zero_share, 0.03);
  EXPECT_LT(zero_share, 0.4);
  const double share = media / s.revenue.sum();
  EXPECT_GE(share, 0.3 - 1e-12);
  EXPECT_LE(share, 0.5 + 1e-12);
  EXPECT_NEAR(share, s.media_share, 1e-12);
}

TEST(Simulator, TruthRoiMatchesRecomputedContribution) {
  const Simulation s = simulate(SimulationOptions{});
  for (int c = 0; c < s.spend.cols(); ++c) {
    const ChannelTruth& t = s.truth[c];
    const Eigen::VectorXd h = hill_series(s.spend.col(c), t.hyper);
    const double spend = s.spend.col(c).sum();
    EXPECT_DOUBLE_EQ(t.total_spend, spend);
    EXPECT_NEAR(t.contribution, t.coef * h.sum(), 1e-12 * t.contribution);
    EXPECT_NEAR(t.roi, t.coef * h.sum() / spend, 1e-12 * t.roi);
  }
}

TEST(Simulator, NoiselessRevenueIsTheModelFormula) {
  SimulationOptions o;
  o.noise = 0.0;
  o.controls = 2;
  o.weeks = 120;
  const Simulation s = simulate(o);
  EXPECT_EQ(s.noise_sd, 0.0);
  for (int t = 0; t < o.weeks; ++t) {
    const double trend =
        static_cast<double>(s.dates[t].days_since_epoch() - s.dates[0].days_since_epoch()) / 365.25;
    const double w = 2.0 * kPi * s.dates[t].iso_week() / 52.0;
    double y = s.intercept + s.trend_coef * trend + s.seasonal_coefs[0] * std::sin(w) +
               s.seasonal_coefs[1] * std::cos(w) + s.seasonal_coefs[2] * std::sin(2 * w) +
               s.seasonal_coefs[3] * std::cos(2 * w);
    for (int k = 0; k < 2; ++k) y += s.control_coefs[k] * s.controls(t, k);
    for (int c = 0; c < s.spend.cols(); ++c) {
      y += s.truth[c].coef * hill_series(s.spend.col(c), s.truth[c].hyper)[t];
    }
    EXPECT_NEAR(s.revenue[t], y, 1e-11 * std::abs(y)) << "week " << t;
  }
  // With noise the residual has roughly the requested spread.
  o.noise = 0.05;
  const Simulation n = simulate(o);
  const double sd = std::sqrt((n.revenue - s.revenue).squaredNorm() / o.weeks);
  EXPECT_NEAR(sd / s.revenue.mean(), 0.05, 0.015);
}

TEST(Simulator, BadOptionsNameTheFlag) {
  const auto message = [](SimulationOptions o) -> std::string {
    try {
      simulate(o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  SimulationOptions o;
  o.weeks = 9;
  EXPECT_NE(message(o).find("--weeks"), std::string::npos);
  o = SimulationOptions{};
  o.channels = 0;
  EXPECT_NE(message(o).find("--channels"), std::string::npos);
  o.channels = 501;
  EXPECT_NE(message(o).find("1 to 500"), std::string::npos);
  o = SimulationOptions{};
  o.noise = -0.1;
  EXPECT_NE(message(o).find("--noise"), std::string::npos);
  o.noise = NAN;
  EXPECT_NE(message(o).find("--noise"), std::string::npos);
  o = SimulationOptions{};
  o.controls = -1;
  EXPECT_NE(message(o).find("--controls"), std::string::npos);
}

TEST(Simulator, WriteRoundTrip) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::TempDir()) / "mmm_simulator_round_trip";
  fs::remove_all(dir);
  fs::create_directories(dir);
  SimulationOptions o;
  o.weeks = 20;
  o.channels = 3;
  o.controls = 1;
  o.seed = 42;
  const Simulation s = simulate(o);
  const std::string csv = (dir / "sim.csv").string();
  write_simulation(s, csv);
  EXPECT_EQ(truth_path_for(csv), (dir / "sim.truth.json").string());
  EXPECT_EQ(truth_path_for("data"), "data.truth.json");

  std::ifstream in(csv);
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header, "date,tv,search,social,ctrl_1,revenue");
  std::getline(in, row);
  std::stringstream cells(row);
  std::string cell;
  std::getline(cells, cell, ',');
  EXPECT_EQ(cell, "2021-01-04");
  for (int c = 0; c < 3; ++c) {
    std::getline(cells, cell, ',');
    EXPECT_EQ(std::strtod(cell.c_str(), nullptr), s.spend(0, c));  // %.17g round-trips exactly
  }
  std::getline(cells, cell, ',');
  EXPECT_EQ(std::strtod(cell.c_str(), nullptr), s.controls(0, 0));
  std::getline(cells, cell, ',');
  EXPECT_EQ(std::strtod(cell.c_str(), nullptr), s.revenue[0]);
  int rows = 1;
  while (std::getline(in, row)) ++rows;
  EXPECT_EQ(rows, 20);

  std::ifstream jin(dir / "sim.truth.json");
  const nlohmann::json j = nlohmann::json::parse(jin);
  EXPECT_EQ(j.at("seed").get<std::uint64_t>(), 42u);
  EXPECT_EQ(j.at("weeks").get<int>(), 20);
  EXPECT_EQ(j.at("intercept").get<double>(), s.intercept);
  EXPECT_EQ(j.at("seasonal_coefs").size(), 4u);
  const auto& tv = j.at("channels").at("tv");
  EXPECT_EQ(tv.at("theta").get<double>(), s.truth[0].hyper.theta);
  EXPECT_EQ(tv.at("gamma").get<double>(), s.truth[0].hyper.gamma);
  EXPECT_EQ(tv.at("roi").get<double>(), s.truth[0].roi);
  EXPECT_EQ(tv.at("spend").get<double>(), s.truth[0].total_spend);
  EXPECT_EQ(j.at("controls").at("ctrl_1").get<double>(), s.control_coefs[0]);
  EXPECT_EQ(j.at("hyperparameters").at("ridge_lambda").get<double>(), 10.0);
  EXPECT_EQ(j.at("hyperparameters").at("channels").at("social").at("alpha").get<double>(),
            s.truth[2].hyper.alpha);
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().extension(), entry.path().filename() == "sim.csv" ? ".csv" : ".json");
  }
  fs::remove_all(dir);

  EXPECT_THROW(write_simulation(s, "/nonexistent-mmm-folder/sim.csv"), InputError);
}

}  // namespace
}  // namespace mmm
