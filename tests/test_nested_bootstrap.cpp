// Nested bootstrap (SPEC §6): B searches in lockstep under resample weights. The lockstep
// batching must not change any search: each resample's result equals a plain DE run of that
// resample alone, whatever the batch size; and the ask/tell class equals the plain DE loop.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/bootstrap/nested_bootstrap.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/common/resampling.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/search/differential_evolution.hpp"
#include "host/search/pareto.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

using test::CliResult;
using test::read_text;
using test::run_mmm;
using test::TempDir;

/// Three channels with known θ, α, γ and coefficients, plus noise.
ModelData noisy_data(int T, double sigma) {
  ModelData d;
  PhiloxStream rng(3, 2u);
  d.spend.resize(T, 3);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
    d.spend(t, 2) = rng.uniform(0.0, 160.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0, 0.2, 1.0, 80.0};
  const std::vector<double> coef = {40.0, 25.0, 10.0, 3.0,  4.0, -2.0,
                                    1.5,  0.5,  -1.0, 0.25, 6.0, -3.0};
  d.y = Eigen::VectorXd::Zero(T);
  d.y = predict_kpi(d, hyper.data(), coef.data(), 500.0);
  for (int t = 0; t < T; ++t) {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    d.y(t) += sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  return d;
}

TEST(DifferentialEvolutionAskTell, EqualsThePlainLoop) {
  const int dim = 5;
  DeOptions opt;
  opt.budget = 437;
  opt.population = 24;
  opt.seed = 11;
  const auto sphere = [&](const std::vector<double>& x, int n, std::vector<double>& loss) {
    loss.resize(n);
    for (int i = 0; i < n; ++i) {
      double s = 0.0;
      for (int d = 0; d < dim; ++d) s += std::pow(x[i * dim + d] - 0.3 * d, 2);
      loss[i] = s;
    }
  };
  const SearchResult plain = differential_evolution(dim, opt, sphere);
  DifferentialEvolution de(dim, opt);
  std::vector<double> losses;
  int calls = 0;
  while (!de.done()) {
    int n = 0;
    const std::vector<double>& x = de.ask(&n);
    sphere(x, n, losses);
    de.tell(losses);
    ++calls;
  }
  const SearchResult r = de.result();
  EXPECT_EQ(r.evaluations, 437);
  EXPECT_EQ(r.best, plain.best);
  EXPECT_EQ(r.best_loss, plain.best_loss);
  ASSERT_EQ(r.trace.size(), plain.trace.size());
  EXPECT_EQ(static_cast<int>(r.trace.size()), calls);
  for (size_t k = 0; k < r.trace.size(); ++k) {
    EXPECT_EQ(r.trace[k].best_loss, plain.trace[k].best_loss);
    EXPECT_EQ(r.trace[k].evaluations, plain.trace[k].evaluations);
  }
}

TEST(NestedBootstrap, EachResampleEqualsItsOwnSearchWhateverTheBatchSize) {
  const ModelData data = noisy_data(90, 20.0);
  const SearchSpace space = default_search_space(data.max_spend());
  cpu::CpuEvaluator evaluator(data, 2);
  NestedBootstrapOptions opt;
  opt.resamples = 6;
  opt.seed = 21;
  opt.budget = 240;
  opt.population = 20;
  opt.max_batch = 37;  // splits requests across backend calls
  const NestedBootstrapReport r = nested_bootstrap_intervals(data, space, opt, evaluator);
  EXPECT_EQ(r.evaluations, 6 * 240);
  EXPECT_EQ(r.failed, 0);
  opt.max_batch = 100000;
  const NestedBootstrapReport one_call = nested_bootstrap_intervals(data, space, opt, evaluator);

  const int T = data.rows(), C = data.channels();
  for (int b = 0; b < opt.resamples; ++b) {
    // The same search alone: DE with this resample's seed, weights as one shared vector.
    std::vector<double> w(T);
    resample_counts(opt.seed, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(T),
                    w.data());
    DeOptions de;
    de.budget = opt.budget;
    de.population = opt.population;
    de.seed = nested_search_seed(opt.seed, b);
    std::vector<double> params;
    BatchResult out;
    const SearchResult alone = differential_evolution(
        3 * C, de, [&](const std::vector<double>& u, int n, std::vector<double>& loss) {
          space.decode_batch(u.data(), n, params);
          evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{1, w.data()}, out);
          loss.assign(out.loss.begin(), out.loss.begin() + n);
        });
    EXPECT_EQ(r.best_loss[b], alone.best_loss) << "resample " << b;
    EXPECT_EQ(one_call.best_loss[b], alone.best_loss) << "resample " << b;
    space.decode_batch(alone.best.data(), 1, params);
    for (int j = 0; j < 3 * C; ++j) EXPECT_EQ(r.hyper(b, j), params[j]) << b << "," << j;
    for (int c = 0; c < C; ++c) {
      EXPECT_EQ(r.coef(b, c), one_call.coef(b, c));
      EXPECT_EQ(r.roi(b, c), one_call.roi(b, c));
    }
  }
  for (int c = 0; c < C; ++c) {
    EXPECT_LE(r.roi_lower[c], r.roi_upper[c]);
    EXPECT_EQ(r.roi_lower[c], one_call.roi_lower[c]);
  }
}

TEST(NestedBootstrap, ParetoChoosesEachResamplesModelOnItsOwnFront) {
  // --objective pareto: every resample's model is the point choose_on_front picks among all
  // the points its own search evaluated, with NRMSE from the weighted R² and DECOMP.RSSD
  // against the resample's weighted spend shares; rebuilt here from a plain DE per resample.
  const ModelData data = noisy_data(90, 20.0);
  const SearchSpace space = default_search_space(data.max_spend());
  cpu::CpuEvaluator evaluator(data, 2);
  NestedBootstrapOptions opt;
  opt.resamples = 4;
  opt.seed = 5;
  opt.budget = 200;
  opt.population = 20;
  opt.max_batch = 53;
  opt.pareto = true;
  const NestedBootstrapReport r = nested_bootstrap_intervals(data, space, opt, evaluator);
  opt.pareto = false;
  const NestedBootstrapReport by_loss = nested_bootstrap_intervals(data, space, opt, evaluator);

  const int T = data.rows(), C = data.channels();
  const double var = (data.y.array() - data.y.mean()).square().mean();
  const double range = data.y.maxCoeff() - data.y.minCoeff();
  int differs = 0;
  for (int b = 0; b < opt.resamples; ++b) {
    std::vector<double> w(T);
    resample_counts(opt.seed, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(T),
                    w.data());
    std::vector<double> share(C, 0.0);
    double total = 0.0;
    for (int c = 0; c < C; ++c) {
      for (int t = 0; t < T; ++t) share[c] += w[t] * data.spend(t, c);
      total += share[c];
    }
    for (double& v : share) v /= total;
    DeOptions de;
    de.budget = opt.budget;
    de.population = opt.population;
    de.seed = nested_search_seed(opt.seed, b);
    std::vector<double> params;
    std::vector<ParetoPoint> points;
    BatchResult out;
    differential_evolution(
        3 * C, de, [&](const std::vector<double>& u, int n, std::vector<double>& loss) {
          space.decode_batch(u.data(), n, params);
          evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{1, w.data()}, out);
          loss.assign(out.loss.begin(), out.loss.begin() + n);
          for (int i = 0; i < n; ++i) {
            const size_t off = static_cast<size_t>(i) * out.parameters;
            ParetoPoint p;
            p.nrmse = nrmse_from_r2(out.r2[i], var, range);
            p.decomp_rssd = decomp_rssd(out.coef.data() + off, out.mean.data() + off, share);
            p.loss = out.loss[i];
            p.hyper3c.assign(params.begin() + 3 * C * i, params.begin() + 3 * C * (i + 1));
            points.push_back(p);
          }
        });
    const int chosen = choose_on_front(points, pareto_front(points));
    ASSERT_GE(chosen, 0);
    for (int j = 0; j < 3 * C; ++j)
      EXPECT_EQ(r.hyper(b, j), points[chosen].hyper3c[j]) << b << "," << j;
    EXPECT_EQ(r.best_loss[b], points[chosen].loss);
    EXPECT_GE(r.best_loss[b], by_loss.best_loss[b]) << "the loss-best point has the lowest loss";
    if (r.best_loss[b] != by_loss.best_loss[b]) ++differs;
  }
  EXPECT_GT(differs, 0) << "the front's choice should differ from the lowest loss somewhere";
}

TEST(NestedBootstrap, HyperparametersVaryAcrossResamples) {
  // With a real search per resample the chosen θ, α, γ differ between resamples: that
  // variation is what the nested intervals add over the fixed-hyperparameter bootstrap.
  const ModelData data = noisy_data(80, 40.0);
  const SearchSpace space = default_search_space(data.max_spend());
  cpu::CpuEvaluator evaluator(data, 2);
  NestedBootstrapOptions opt;
  opt.resamples = 8;
  opt.budget = 300;
  const NestedBootstrapReport r = nested_bootstrap_intervals(data, space, opt, evaluator);
  for (int j = 0; j < 9; ++j) {
    double lo = r.hyper(0, j), hi = r.hyper(0, j);
    for (int b = 1; b < 8; ++b) {
      lo = std::min(lo, r.hyper(b, j));
      hi = std::max(hi, r.hyper(b, j));
    }
    EXPECT_LT(lo, hi) << "parameter " << j << " identical in every resample";
  }
  for (int b = 0; b < 8; ++b) EXPECT_TRUE(std::isfinite(r.best_loss[b]));
}

TEST(NestedBootstrap, BadOptionsAreInputErrors) {
  const ModelData data = noisy_data(60, 1.0);
  const SearchSpace space = default_search_space(data.max_spend());
  cpu::CpuEvaluator evaluator(data, 1);
  NestedBootstrapOptions opt;
  opt.budget = 0;
  EXPECT_THROW(nested_bootstrap_intervals(data, space, opt, evaluator), InputError);
  opt.budget = 10;
  opt.ci = 1.0;
  EXPECT_THROW(nested_bootstrap_intervals(data, space, opt, evaluator), InputError);
}

TEST(NestedBootstrapCli, FitWithNestedBudgetRecordsItAndRejectsBadValues) {
  TempDir dir;
  const std::string data = (dir.path() / "d.csv").string();
  const CliResult sim = run_mmm(
      {"simulate", "--weeks", "70", "--channels", "2", "--seed", "4", "--out", data, "--quiet"});
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const std::string out = (dir.path() / "out").string();
  const CliResult r = run_mmm({"fit", "--data", data, "--out", out, "--budget", "100",
                               "--bootstrap", "6", "--nested-budget", "80", "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json model = nlohmann::json::parse(read_text(out + "/model.json"));
  EXPECT_TRUE(model["bootstrap"]["nested"].get<bool>());
  EXPECT_EQ(model["bootstrap"]["nested_evaluations"].get<long>(), 6 * 80);
  EXPECT_EQ(model["config"]["nested_budget"].get<long>(), 80);

  const std::string out2 = (dir.path() / "out2").string();
  const CliResult bad =
      run_mmm({"fit", "--data", data, "--out", out2, "--nested-budget", "-5", "--quiet"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--nested-budget"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(out2));
  const CliResult fixed = run_mmm({"fit", "--data", data, "--out", out2, "--hyperparameters",
                                   out + "/model.json", "--nested-budget", "10", "--quiet"});
  EXPECT_EQ(fixed.exit_code, 2);
  EXPECT_NE(fixed.err.find("--hyperparameters"), std::string::npos) << fixed.err;
}

}  // namespace
}  // namespace mmm
