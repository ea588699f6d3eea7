// Moving-block bootstrap (issue 16): resamples made of whole blocks of L consecutive rows
// whose starts are uniform in [0, T − L]; L = 1 is the i.i.d. resample bit for bit; the fit's
// --block-length flag changes the intervals, is recorded in model.json and is range-checked.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/common/resampling.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"
#include "host/pipeline/fit_options.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

using test::CliResult;
using test::read_text;
using test::run_mmm;
using test::TempDir;

TEST(BlockResampling, CountsSumToRowsAndAreDeterministic) {
  for (std::uint32_t T : {8u, 52u, 103u, 156u}) {
    for (std::uint32_t L : {2u, 3u, 4u, 7u}) {
      if (L > T / 2) continue;
      std::vector<double> a(T), b(T), c(T);
      resample_block_counts(5, 2, T, L, a.data());
      resample_block_counts(5, 2, T, L, b.data());
      resample_block_counts(5, 3, T, L, c.data());
      double sum = 0.0;
      for (double v : a) {
        EXPECT_GE(v, 0.0);
        EXPECT_EQ(v, std::floor(v));
        sum += v;
      }
      EXPECT_EQ(sum, static_cast<double>(T)) << "T=" << T << " L=" << L;
      EXPECT_EQ(a, b);
      EXPECT_NE(a, c) << "T=" << T << " L=" << L;
    }
  }
  EXPECT_EQ(resample_block_count(156, 4), 39u);
  EXPECT_EQ(resample_block_count(157, 4), 40u);
  EXPECT_EQ(resample_block_count(10, 1), 10u);
}

TEST(BlockResampling, EveryCountIsTheNumberOfBlocksCoveringTheRow) {
  // T = 50, L = 4: 13 blocks, the last trimmed to 50 − 12·4 = 2 rows.
  const std::uint32_t T = 50, L = 4;
  ASSERT_EQ(resample_block_count(T, L), 13u);
  for (std::uint32_t b = 0; b < 40; ++b) {
    std::vector<double> counts(T), covered(T, 0.0);
    resample_block_counts(17, b, T, L, counts.data());
    for (std::uint32_t j = 0; j < 13; ++j) {
      const std::uint32_t s = resample_block_start(17, b, j, T, L);
      ASSERT_LE(s, T - L);
      const std::uint32_t len = j < 12 ? L : 2u;
      for (std::uint32_t k = 0; k < len; ++k) covered[s + k] += 1.0;
    }
    EXPECT_EQ(counts, covered) << "resample " << b;
  }
  // Blocks keep neighbours together: with L = 4 most rows share their count with the next
  // row; i.i.d. draws (L = 1) do so far less often.
  const std::uint32_t T2 = 156;
  double same_block = 0.0, same_iid = 0.0;
  std::vector<double> w(T2);
  for (std::uint32_t b = 0; b < 200; ++b) {
    resample_block_counts(3, b, T2, 4, w.data());
    for (std::uint32_t t = 0; t + 1 < T2; ++t) same_block += (w[t] == w[t + 1]);
    resample_block_counts(3, b, T2, 1, w.data());
    for (std::uint32_t t = 0; t + 1 < T2; ++t) same_iid += (w[t] == w[t + 1]);
  }
  same_block /= 200.0 * (T2 - 1);
  same_iid /= 200.0 * (T2 - 1);
  EXPECT_GT(same_block, 0.6);
  EXPECT_LT(same_iid, 0.4);
}

TEST(BlockResampling, LengthOneIsTheIidResampleBitForBit) {
  for (std::uint64_t seed : {1ull, 7ull, 123456789ull}) {
    for (std::uint32_t T : {1u, 30u, 156u}) {
      for (std::uint32_t b = 0; b < 20; ++b) {
        std::vector<double> old_counts(T), l1(T), l0(T);
        resample_counts(seed, b, T, old_counts.data());
        resample_block_counts(seed, b, T, 1, l1.data());
        resample_block_counts(seed, b, T, 0, l0.data());
        EXPECT_EQ(l1, old_counts);
        EXPECT_EQ(l0, old_counts);
      }
    }
  }
}

TEST(BlockResampling, BlockStartsAreRoughlyUniformOverSeeds) {
  // T = 44, L = 4: starts take the 41 values 0..40. 41 · 200 draws over seeds and resamples;
  // Pearson's statistic has 40 degrees of freedom (mean 40, sd ≈ 9): 100 is over six sd out.
  const std::uint32_t T = 44, L = 4, K = T - L + 1;
  std::vector<double> hits(K, 0.0);
  double n = 0.0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (std::uint32_t b = 0; b < 37; ++b) {
      for (std::uint32_t j = 0; j < resample_block_count(T, L); ++j) {
        const std::uint32_t s = resample_block_start(seed, b, j, T, L);
        ASSERT_LT(s, K);
        hits[s] += 1.0;
        n += 1.0;
      }
    }
  }
  EXPECT_EQ(n, 20.0 * 37.0 * 11.0);
  const double expected = n / K;
  double chi2 = 0.0;
  for (double h : hits) chi2 += (h - expected) * (h - expected) / expected;
  EXPECT_LT(chi2, 100.0);
  EXPECT_GT(chi2, 10.0);
  EXPECT_GT(hits[0], 0.0);
  EXPECT_GT(hits[K - 1], 0.0);
  // Different seeds give different starts.
  EXPECT_NE(resample_block_start(1, 0, 0, 156, 4) * 1000 + resample_block_start(1, 0, 1, 156, 4),
            resample_block_start(2, 0, 0, 156, 4) * 1000 + resample_block_start(2, 0, 1, 156, 4));
}

TEST(BlockResampling, BlockLengthIsCheckedAgainstHalfTheRows) {
  EXPECT_NO_THROW(check_block_length(1, 156));
  EXPECT_NO_THROW(check_block_length(78, 156));
  EXPECT_NO_THROW(check_block_length(2, 5));
  EXPECT_THROW(check_block_length(0, 156), InputError);
  EXPECT_THROW(check_block_length(-3, 156), InputError);
  EXPECT_THROW(check_block_length(79, 156), InputError);
  EXPECT_THROW(check_block_length(3, 5), InputError);
  try {
    check_block_length(79, 156);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("--block-length 79"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1 to 78"), std::string::npos) << msg;
  }
  FitOptions o;
  o.block_length = 0;
  EXPECT_THROW(check_fit_options(resolved_fit_options(o)), InputError);
  o.block_length = 4;
  EXPECT_NO_THROW(check_fit_options(resolved_fit_options(o)));
}

/// Two channels with known θ, α, γ and coefficients, plus AR(1) noise (ρ = 0.7).
ModelData autocorrelated_data(int T) {
  ModelData d;
  PhiloxStream rng(9, 4u);
  d.spend.resize(T, 2);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};
  std::vector<double> coef(2 + d.controls.cols(), 0.0);
  coef[0] = 40.0;
  coef[1] = 25.0;
  d.y = Eigen::VectorXd::Zero(T);
  d.y = predict_kpi(d, hyper.data(), coef.data(), 500.0);
  double e = 0.0;
  for (int t = 0; t < T; ++t) {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    e = 0.7 * e + 8.0 * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    d.y(t) += e;
  }
  return d;
}

TEST(BlockBootstrap, IntervalsUseTheBlockResamplesAndAreDeterministic) {
  const ModelData data = autocorrelated_data(120);
  cpu::CpuEvaluator evaluator(data, 1);
  const std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0};
  BootstrapOptions bo;
  bo.resamples = 60;
  bo.seed = 5;
  const BootstrapReport iid = bootstrap_intervals(data, hyper, bo, evaluator);
  bo.block_length = 6;
  bo.chunk = 7;  // the chunking does not change the resamples
  const BootstrapReport block = bootstrap_intervals(data, hyper, bo, evaluator);
  bo.chunk = 4096;
  const BootstrapReport again = bootstrap_intervals(data, hyper, bo, evaluator);
  EXPECT_EQ(block.failed, 0);
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(block.roi_lower[c], again.roi_lower[c]);
    EXPECT_EQ(block.roi_upper[c], again.roi_upper[c]);
    EXPECT_NE(block.roi_lower[c], iid.roi_lower[c]);
    EXPECT_LT(block.roi_lower[c], block.roi_upper[c]);
  }
  // Resample 0 is exactly the weighted fit under resample_block_counts(seed, 0, T, 6).
  std::vector<double> w(120);
  resample_block_counts(5, 0, 120, 6, w.data());
  BatchResult one;
  evaluator.evaluate(CandidateBatch{1, 2, hyper.data()}, RowWeights{1, w.data()}, one);
  EXPECT_EQ(block.coef(0, 0), one.coef[0]);
  EXPECT_EQ(block.coef(0, 1), one.coef[1]);
  bo.block_length = 61;
  EXPECT_THROW(bootstrap_intervals(data, hyper, bo, evaluator), InputError);
}

TEST(BlockBootstrapCli, BlockLengthChangesTheIntervalsAndIsRecorded) {
  TempDir dir;
  const std::string data = (dir.path() / "d.csv").string();
  const CliResult sim = run_mmm(
      {"simulate", "--weeks", "70", "--channels", "2", "--seed", "4", "--out", data, "--quiet"});
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  auto fit = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "fit",      "--data", data,          "--out", (dir.path() / name).string(),
        "--budget", "100",    "--bootstrap", "30",    "--nested-budget",
        "0",        "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  };
  const CliResult iid = fit("iid", {});
  ASSERT_EQ(iid.exit_code, 0) << iid.err;
  const CliResult block = fit("block", {"--block-length", "4"});
  ASSERT_EQ(block.exit_code, 0) << block.err;
  const nlohmann::json m_iid =
      nlohmann::json::parse(read_text((dir.path() / "iid" / "model.json").string()));
  const nlohmann::json m_block =
      nlohmann::json::parse(read_text((dir.path() / "block" / "model.json").string()));
  EXPECT_EQ(m_iid["bootstrap"]["block_length"].get<int>(), 1);
  EXPECT_EQ(m_block["bootstrap"]["block_length"].get<int>(), 4);
  EXPECT_EQ(m_block["bootstrap"]["resamples"].get<int>(), 30);
  // Same data, seed and search: the point estimates agree, the intervals do not.
  EXPECT_EQ(m_iid["coefficients"]["coef"], m_block["coefficients"]["coef"]);
  const std::string r_iid = read_text((dir.path() / "iid" / "model_results.csv").string());
  const std::string r_block = read_text((dir.path() / "block" / "model_results.csv").string());
  EXPECT_NE(r_iid, r_block);

  for (const char* bad : {"0", "36", "-2"}) {
    const CliResult r = fit(std::string("bad") + bad, {"--block-length", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--block-length"), std::string::npos) << r.err;
  }
  const CliResult half = fit("half", {"--block-length", "35"});
  EXPECT_EQ(half.exit_code, 0) << half.err;
}

}  // namespace
}  // namespace mmm
