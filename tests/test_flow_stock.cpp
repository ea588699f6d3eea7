// Flow and stock channels (SPEC §9): recovery of a, b, λ on noise-free and noisy data, the
// stock touch variance σ² and its ±kσ band coverage, the conservative allocation, and the
// config keys `kind` and `mu`.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/channels/kind_curves.hpp"
#include "host/channels/kind_fit.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/curves/response_curves.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_config.hpp"
#include "host/simulate/simulator.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// Standard normals by Box–Muller from a Philox stream (deterministic everywhere).
class Normals {
 public:
  explicit Normals(std::uint64_t seed, std::uint32_t stream = 7) : s_(seed, stream) {}
  double operator()() {
    const double u = 1.0 - s_.uniform(), v = s_.uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * v);
  }
  double uniform(double lo, double hi) { return s_.uniform(lo, hi); }

 private:
  PhiloxStream s_;
};

Eigen::VectorXd flighted_spend(int T, std::uint64_t seed) {
  Normals rng(seed, 11);
  Eigen::VectorXd x(T);
  for (int t = 0; t < T; ++t) x[t] = rng.uniform(0.0, 1.0) < 0.15 ? 0.0 : rng.uniform(2e3, 2e4);
  return x;
}

Eigen::MatrixXd trend(int T) {
  Eigen::MatrixXd m(T, 1);
  for (int t = 0; t < T; ++t) m(t, 0) = t / 52.0;
  return m;
}

KindChannelInput flow_input(const std::string& name, const Eigen::VectorXd& x) {
  return {name, {ChannelKind::Flow, 1.0, ""}, x};
}

TEST(FlowFit, RecoversNoiseFreeTruthOffTheLambdaGrid) {
  const int T = 156;
  const Eigen::VectorXd x = flighted_spend(T, 1);
  const double a = 800.0, lambda = 0.45;
  const double b = 1.5 / geometric_adstock(x, lambda).mean();
  const Eigen::MatrixXd base = trend(T);
  const Eigen::VectorXd y = (5000.0 + 300.0 * base.col(0).array() +
                             a * (b * geometric_adstock(x, lambda).array()).log1p())
                                .matrix();
  const KindFitReport r = fit_kind_channels(y, base, {flow_input("f", x)}, {});
  ASSERT_EQ(r.channels.size(), 1u);
  EXPECT_NEAR(r.channels[0].lambda, lambda, 1e-4);
  EXPECT_NEAR(r.channels[0].a / a, 1.0, 1e-3);
  EXPECT_NEAR(r.channels[0].b / b, 1.0, 1e-3);
  EXPECT_LT(r.residual.norm(), 1e-6 * y.norm());
}

TEST(FlowFit, TwoFlowChannelsNoiseFree) {
  const int T = 200;
  const Eigen::VectorXd x1 = flighted_spend(T, 2), x2 = flighted_spend(T, 3);
  const double b1 = 0.8 / geometric_adstock(x1, 0.2).mean();
  const double b2 = 2.5 / geometric_adstock(x2, 0.6).mean();
  const Eigen::VectorXd y = (1000.0 + 500.0 * (b1 * geometric_adstock(x1, 0.2).array()).log1p() +
                             300.0 * (b2 * geometric_adstock(x2, 0.6).array()).log1p())
                                .matrix();
  const KindFitReport r =
      fit_kind_channels(y, trend(T), {flow_input("f1", x1), flow_input("f2", x2)}, {});
  EXPECT_NEAR(r.channels[0].lambda, 0.2, 1e-3);
  EXPECT_NEAR(r.channels[1].lambda, 0.6, 1e-3);
  EXPECT_NEAR(r.channels[0].a / 500.0, 1.0, 1e-2);
  EXPECT_NEAR(r.channels[1].a / 300.0, 1.0, 1e-2);
}

/// The simulator's data with flow and stock channels; the Hill media and controls enter the
/// fixed columns at their true hyperparameters, so this checks the profile fit itself.
TEST(FlowFit, RecoversSimulatedTruthWithNoise) {
  int lambda_ok = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SimulationOptions so;
    so.weeks = 208;
    so.channels = 2;
    so.flow_channels = 1;
    so.stock_channels = 1;
    so.noise = 0.02;
    so.seed = seed;
    const Simulation sim = simulate(so);
    const ControlMatrix c = default_controls(sim.dates);
    std::vector<double> hyper3c;
    for (const auto& t : sim.truth)
      hyper3c.insert(hyper3c.end(), {t.hyper.theta, t.hyper.alpha, t.hyper.gamma});
    const Eigen::MatrixXd h = transform_media(sim.spend, hyper3c.data());
    Eigen::MatrixXd base(c.values.rows(), c.values.cols() + h.cols());
    base << c.values, h;
    const std::vector<KindChannelInput> inputs = {
        flow_input("flow_1", sim.flow_spend.col(0)),
        {"stock_1", {ChannelKind::Stock, sim.stock_truth[0].mu, ""}, sim.stock_units.col(0)}};
    const KindFitReport r = fit_kind_channels(sim.revenue, base, inputs, {});
    const KindChannelFit& f = r.channels[0];
    const KindChannelTruth& truth = sim.flow_truth[0];
    if (std::abs(f.lambda - truth.lambda) <= 0.05) ++lambda_ok;
    // a and b trade off against each other; the marginal response at the mean spend — what
    // the allocator uses — is pinned down well.
    const double s_bar = sim.flow_spend.col(0).mean();
    const double m_true = flow_marginal(truth.a, truth.b, truth.lambda, s_bar);
    const double m_fit = flow_marginal(f.a, f.b, f.lambda, s_bar);
    EXPECT_NEAR(m_fit / m_true, 1.0, 0.2) << "seed " << seed;
  }
  EXPECT_EQ(lambda_ok, 5);
}

/// Stock data with a known σ: y = c + a·ln(1 + b·X), X | S ~ Normal(S·μ, S·σ²), plus a small
/// Normal noise ε.
struct StockData {
  Eigen::VectorXd units, y;
  double a = 400.0, b = 0.0, mu = 10.0, sigma = 8.0, eps = 0.0;
};

StockData stock_data(int T, double eps, std::uint64_t seed) {
  StockData d;
  d.eps = eps;
  Normals rng(seed);
  d.units.resize(T);
  d.y.resize(T);
  for (int t = 0; t < T; ++t) d.units[t] = std::round(rng.uniform(5.0, 150.0));
  d.b = 1.0 / (d.mu * d.units.mean());
  for (int t = 0; t < T; ++t) {
    const double s = d.units[t];
    const double x = std::max(0.0, s * d.mu + std::sqrt(s) * d.sigma * rng());
    d.y[t] = 2000.0 + d.a * std::log1p(d.b * x) + eps * rng();
  }
  return d;
}

KindFitReport fit_stock(const StockData& d) {
  const KindChannelInput in{"s", {ChannelKind::Stock, d.mu, ""}, d.units};
  return fit_kind_channels(d.y, Eigen::MatrixXd(d.y.size(), 0), {in}, {});
}

TEST(StockFit, RecoversSigmaByTheDeltaMethod) {
  const StockData d = stock_data(4000, 0.0, 5);
  const KindFitReport r = fit_stock(d);
  const KindChannelFit& f = r.channels[0];
  EXPECT_NEAR(f.a / d.a, 1.0, 0.1);
  EXPECT_NEAR(f.b / d.b, 1.0, 0.2);
  EXPECT_NEAR(std::sqrt(f.sigma2) / d.sigma, 1.0, 0.15);
  EXPECT_LT(std::sqrt(r.sigma_eps2), 0.5);  // no other noise was added
}

TEST(StockFit, SigmaWithResidualNoiseAndBandCoverage) {
  const StockData d = stock_data(4000, 12.0, 9);
  const KindFitReport r = fit_stock(d);
  EXPECT_NEAR(std::sqrt(r.channels[0].sigma2) / d.sigma, 1.0, 0.2);
  EXPECT_NEAR(std::sqrt(r.sigma_eps2) / d.eps, 1.0, 0.35);
  EXPECT_GT(r.coverage[1], 0.90);
  EXPECT_LT(r.coverage[1], 0.99);
  EXPECT_GT(r.coverage[0], 0.60);
  EXPECT_LT(r.coverage[0], 0.76);
  EXPECT_GT(r.coverage[2], 0.98);
  const auto curve = stock_curve(r.channels[0], r.sigma_eps2, 50);
  ASSERT_EQ(curve.size(), 50u);
  EXPECT_EQ(curve.front().units, 0.0);
  EXPECT_EQ(curve.front().mean, 0.0);
  EXPECT_NEAR(curve.back().units, 450.0, 1e-9);
  for (size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GT(curve[i].mean, curve[i - 1].mean);  // more units, more leads
    EXPECT_GT(curve[i].sd, curve[i].sd_touch);
  }
}

TEST(FlowFit, BootstrapBandBracketsTheMean) {
  const int T = 156;
  const Eigen::VectorXd x = flighted_spend(T, 4);
  const double b = 1.0 / geometric_adstock(x, 0.3).mean();
  Normals rng(3);
  Eigen::VectorXd y(T);
  const Eigen::VectorXd e = geometric_adstock(x, 0.3);
  for (int t = 0; t < T; ++t) y[t] = 1000.0 + 500.0 * std::log1p(b * e[t]) + 20.0 * rng();
  KindFitOptions o;
  o.bootstrap = 50;
  const KindFitReport r = fit_kind_channels(y, trend(T), {flow_input("f", x)}, o);
  const KindChannelFit& f = r.channels[0];
  ASSERT_EQ(f.boot_a.size(), 50u);
  const auto curve = flow_curve(f, 0.9, 20);
  for (const auto& p : curve) {
    EXPECT_LE(p.lower, p.mean + 1e-9);
    EXPECT_GE(p.upper, p.mean - 1e-9);
    EXPECT_GE(p.marginal, 0.0);
  }
  EXPECT_LT(curve[10].lower, curve[10].upper);
  EXPECT_LE(flow_band_ratio(f, 0.9, f.mean_input, true), 1.0);
  EXPECT_GE(flow_band_ratio(f, 0.9, f.mean_input, false), 1.0);
}

ChannelResponse flow_response(const std::string& name, double a, double b, double lambda,
                              double lower_ratio, double spend) {
  ChannelResponse r;
  r.name = name;
  r.shape = ResponseShape::Log;
  r.hyper.theta = lambda;
  r.log_b = b;
  r.coef = a;
  r.coef_lower = a * lower_ratio;
  r.coef_upper = a * (2.0 - lower_ratio);
  r.mean_weekly_spend = spend;
  r.max_weekly_spend = 2.0 * spend;
  return r;
}

TEST(ConservativeAllocation, AChannelWithAWideBandNeverGetsMoreThanUnderTheMean) {
  int checked = 0, strictly_less = 0;
  for (double wide : {0.2, 0.5, 0.8}) {
    for (double b_scale : {0.3, 1.0, 3.0}) {
      std::vector<ChannelResponse> mean = {
          flow_response("wide", 900.0, b_scale / 1e4, 0.3, wide, 1e4),
          flow_response("narrow", 700.0, 1.0 / 8e3, 0.5, 0.95, 8e3)};
      ChannelResponse hill;
      hill.name = "tv";
      hill.hyper = {0.4, 1.5, 9e3};
      hill.coef = 5e3;
      hill.coef_lower = 4.6e3;
      hill.coef_upper = 5.4e3;
      hill.mean_weekly_spend = 6e3;
      hill.max_weekly_spend = 1.2e4;
      mean.push_back(hill);
      std::vector<ChannelResponse> conservative;
      for (const auto& r : mean) conservative.push_back(conservative_response(r));
      AllocationOptions o;
      o.change_limit = 0.5;
      const AllocationResult m = allocate_budget(mean, o);
      const AllocationResult c = allocate_budget(conservative, o);
      const double tol = 1e-6 * mean[0].mean_weekly_spend;
      EXPECT_LE(c.channels[0].recommended_spend, m.channels[0].recommended_spend + tol)
          << "wide " << wide << ", b scale " << b_scale;
      ++checked;
      if (c.channels[0].recommended_spend < m.channels[0].recommended_spend - tol) ++strictly_less;
      EXPECT_LE(c.contribution_recommended, m.contribution_recommended);
    }
  }
  EXPECT_EQ(checked, 9);
  EXPECT_GE(strictly_less, 5);  // the comparison is not vacuous: a wide band moves money away
}

/// The bands from the real flow bootstrap: a channel fitted on few, noisy weeks (wide band)
/// next to one fitted on clean data (narrow band).
TEST(ConservativeAllocation, WideBootstrapBandGetsNoMoreThanTheMean) {
  const int T = 104;
  // Channel 1 barely moves (its curve is poorly pinned down: a wide band); channel 2 is
  // flighted (a narrow band).
  Normals rng(5);
  Eigen::VectorXd x1(T);
  for (int t = 0; t < T; ++t) x1[t] = 1e4 * (1.0 + rng.uniform(-0.1, 0.1));
  const Eigen::VectorXd x2 = flighted_spend(T, 22);
  const Eigen::VectorXd e1 = geometric_adstock(x1, 0.3), e2 = geometric_adstock(x2, 0.3);
  const double b1 = 1.0 / e1.mean(), b2 = 1.0 / e2.mean();
  Eigen::VectorXd y(T);
  for (int t = 0; t < T; ++t) {
    y[t] = 5000.0 + 800.0 * std::log1p(b1 * e1[t]) + 800.0 * std::log1p(b2 * e2[t]) + 40.0 * rng();
  }
  KindFitOptions o;
  o.bootstrap = 100;
  const KindFitReport r =
      fit_kind_channels(y, trend(T), {flow_input("f1", x1), flow_input("f2", x2)}, o);
  std::vector<ChannelResponse> mean;
  for (const auto& f : r.channels) mean.push_back(flow_channel_response(f, 0.9));
  const double k1 = mean[0].coef_lower / mean[0].coef, k2 = mean[1].coef_lower / mean[1].coef;
  ASSERT_LT(k1, 1.0);
  ASSERT_LE(k1, k2) << "channel 1 is not the wide-band one";
  std::vector<ChannelResponse> conservative;
  for (const auto& c : mean) conservative.push_back(conservative_response(c));
  AllocationOptions ao;
  ao.change_limit = 0.5;
  const AllocationResult m = allocate_budget(mean, ao), c = allocate_budget(conservative, ao);
  EXPECT_LE(c.channels[0].recommended_spend,
            m.channels[0].recommended_spend + 1e-6 * mean[0].mean_weekly_spend);
  // Here the wide band moves money away (measured: 8605 → 5454 per week).
  EXPECT_LT(c.channels[0].recommended_spend, 0.9 * m.channels[0].recommended_spend);
  EXPECT_GE(c.channels[1].recommended_spend, m.channels[1].recommended_spend);
}

TEST(ConservativeAllocation, LogResponseCurveAndMarginal) {
  const ChannelResponse r = flow_response("f", 100.0, 1e-3, 0.5, 0.5, 1000.0);
  EXPECT_NEAR(weekly_contribution(r, 1000.0), 100.0 * std::log1p(2.0), 1e-12);
  const double h = 1e-3;
  EXPECT_NEAR(marginal_roi(r, 1000.0),
              (weekly_contribution(r, 1000.0 + h) - weekly_contribution(r, 1000.0 - h)) / (2 * h),
              1e-6);
  EXPECT_NEAR(flow_marginal(100.0, 1e-3, 0.5, 1000.0), marginal_roi(r, 1000.0), 1e-12);
  EXPECT_EQ(conservative_response(r).coef, 50.0);
}

TEST(Deseasonalize, RemovesTheFourierPartOnly) {
  const Simulation sim = simulate(SimulationOptions{});
  const ControlMatrix c = default_controls(sim.dates);
  Eigen::MatrixXd fourier(c.values.rows(), 6);
  fourier << c.values.middleCols(1, 6);
  const Eigen::VectorXd season = 300.0 * fourier.col(0) - 200.0 * fourier.col(3);
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(sim.dates.size(), 1000.0) + season;
  const Eigen::VectorXd cleaned = remove_seasonality(y, fourier);
  EXPECT_LT((cleaned.array() - cleaned.mean()).abs().maxCoeff(), 1e-8);
}

using test::TempDir;
using test::write_text;

TEST(FlowStockConfig, KindAndMu) {
  TempDir dir;
  write_text(dir / "c.toml",
             "[model]\ndeseasonalize = true\n[allocation]\nconservative = true\n"
             "[channels.leads]\nkind = \"flow\"\n[channels.cars]\nkind = \"stock\"\nmu = 2.5\n"
             "[channels.tv]\nkind = \"media\"\ntheta = [0.1, 0.5]\n");
  FitOptions o;
  apply_config_file(dir / "c.toml", o);
  EXPECT_TRUE(o.deseasonalize);
  EXPECT_TRUE(o.conservative);
  ASSERT_EQ(o.kinds.size(), 3u);
  EXPECT_EQ(o.kinds.at("leads").kind, ChannelKind::Flow);
  EXPECT_EQ(o.kinds.at("cars").kind, ChannelKind::Stock);
  EXPECT_EQ(o.kinds.at("cars").mu, 2.5);
  EXPECT_EQ(o.kinds.at("tv").kind, ChannelKind::Media);
  ASSERT_EQ(o.bounds.size(), 1u);  // kind-only tables add no bounds
  EXPECT_EQ(o.bounds.at("tv").theta.hi, 0.5);
}

void expect_config_error(const std::string& text, const std::string& needle) {
  TempDir dir;
  write_text(dir / "c.toml", text);
  FitOptions o;
  try {
    apply_config_file(dir / "c.toml", o);
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(needle), std::string::npos) << m;
    EXPECT_NE(m.find("c.toml:"), std::string::npos) << m;
  }
}

TEST(FlowStockConfig, BadKindsAreErrorsNamingFileLineAndKey) {
  expect_config_error("[channels.x]\nkind = \"flux\"\n", "`flux`");
  expect_config_error("[channels.x]\nkind = \"flux\"\n", "expected media, flow or stock");
  expect_config_error("[channels.x]\nkind = 3\n", "`kind`");
  expect_config_error("[channels.x]\nkind = \"flow\"\nmu = 2\n", "not a stock channel");
  expect_config_error("[channels.x]\nkind = \"stock\"\nmu = 0\n", "`mu`");
  expect_config_error("[channels.x]\nkind = \"stock\"\nmu = -1.5\n",
                      "expected a finite number > 0");
  expect_config_error("[channels.x]\nkind = \"flow\"\ntheta = [0.1, 0.2]\n", "media channels only");
  expect_config_error("[channels.x]\nlambda = 0.2\n", "expected kind, mu, theta");
  expect_config_error("[model]\ndeseasonalize = 1\n", "true or false");
}

}  // namespace
}  // namespace mmm
