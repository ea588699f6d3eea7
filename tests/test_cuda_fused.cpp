// The fused CUDA kernel and what came with it (issue 14 part 3), against the CPU backend on
// the same candidates (1e-9 relative, tests/cuda_parity_check.hpp): several T, including
// series longer than one shared-memory tile (the centring correction), several C, unit,
// shared and per-candidate weights, the non-negative solve; the unfused path kept as the
// second reference; bootstrap weights drawn on the device from (seed, resample); losses-only
// calls. Every test skips where no CUDA device is visible.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/common/resampling.hpp"
#include "tests/cuda_parity_check.hpp"
#include "tests/cuda_test_problems.hpp"

namespace mmm {
namespace {

/// Candidate-major counts of bootstrap resamples `index` (T × n), as the host draws them.
std::vector<double> drawn_counts(int T, const std::vector<std::uint32_t>& index,
                                 const ResampledRows& rows) {
  std::vector<double> w(static_cast<size_t>(T) * index.size());
  for (size_t i = 0; i < index.size(); ++i) {
    resample_block_counts(rows.seed, index[i], static_cast<std::uint32_t>(T),
                          static_cast<std::uint32_t>(rows.block_length), w.data() + i * T);
  }
  return w;
}

class CudaFused : public ::testing::Test {
 protected:
  void SetUp() override {
    if (cuda_status().device_count == 0) GTEST_SKIP() << "no CUDA device visible";
  }

  /// CPU against CUDA with `options`, unweighted, under a CV mask and under bootstrap counts;
  /// candidates from the reference box (random_candidates), or `given`.
  static void check_all_weights(const ModelData& m, int count, const CudaEvaluatorOptions& options,
                                const std::string& label, const std::vector<double>& given = {}) {
    const int C = m.channels(), T = m.rows();
    const std::vector<double> params = given.empty() ? random_candidates(m, count, 41) : given;
    const CandidateBatch batch{count, C, params.data()};
    cpu::CpuEvaluator cpu(m, 2);
    std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0, options);
    // The last three quarters: at T = 30 the first rows would leave a default control constant
    // on the mask (CudaParity.ControlConstantOnTheWeightedRows covers that case).
    std::vector<double> mask(T, 0.0);
    std::fill(mask.begin() + T / 4, mask.end(), 1.0);
    std::vector<std::uint32_t> index(count);
    for (int i = 0; i < count; ++i) index[i] = static_cast<std::uint32_t>(7 * i);
    const std::vector<double> counts = drawn_counts(T, index, ResampledRows{});
    const RowWeights cases[] = {RowWeights{}, RowWeights{1, mask.data()},
                                RowWeights{count, counts.data()}};
    const char* names[] = {"unweighted", "CV mask", "bootstrap counts"};
    const int media = m.nonnegative_media ? C : 0;
    for (int k = 0; k < 3; ++k) {
      BatchResult ref, got;
      cpu.evaluate(batch, cases[k], ref);
      gpu->evaluate(batch, cases[k], got);
      expect_parity(got, ref, label + ", " + names[k] + " on " + gpu->name(), media);
    }
  }
};

TEST_F(CudaFused, IsTheDefaultAndTheUnfusedPathIsNamed) {
  const ModelData m = simulated(52, 3, 0, 51);
  EXPECT_EQ(create_cuda_evaluator(m, 0)->name().find("unfused"), std::string::npos);
  CudaEvaluatorOptions unfused;
  unfused.fused = false;
  const std::string name = create_cuda_evaluator(m, 0, unfused)->name();
  EXPECT_NE(name.find(", unfused"), std::string::npos) << name;
}

TEST_F(CudaFused, OneTileSeveralSizes) {
  // T up to 156 in one tile of the default plan; C from 1 to 20 (with the 9 default controls
  // and user ones, p up to 31).
  const int sizes[][3] = {{40, 1, 0}, {104, 5, 2}, {156, 20, 2}};
  for (const auto& s : sizes) {
    const ModelData m = simulated(s[0], s[1], s[2], 52);
    check_all_weights(m, 48, CudaEvaluatorOptions{},
                      "T " + std::to_string(s[0]) + ", C " + std::to_string(s[1]));
  }
}

TEST_F(CudaFused, SeriesLongerThanOneTile) {
  // A 6 KiB plan leaves room for a few dozen periods per tile: T = 104 and 260 run in several
  // tiles, each channel centred on its first tile's mean and corrected at the end.
  CudaEvaluatorOptions small;
  small.fused_shared_bytes = 6 * 1024;
  ModelData m = simulated(104, 6, 1, 53);
  check_all_weights(m, 40, small, "T 104, several tiles");
  m = simulated(260, 8, 0, 54);
  m.nonnegative_media = true;
  check_all_weights(m, 40, small, "T 260, several tiles, non-negative");
  small.fused_shared_bytes = 1;  // one period per tile
  m = simulated(30, 3, 0, 55);
  check_all_weights(m, 20, small, "one period per tile");
}

TEST_F(CudaFused, NonNegativeSolveByTheWarp) {
  // The default model: the active-set solve split over the warp, against the CPU's.
  ModelData m = simulated(156, 12, 1, 56);
  m.nonnegative_media = true;
  check_all_weights(m, 96, CudaEvaluatorOptions{}, "non-negative");
}

/// `count` candidates decoded from uniform points of the default fit's box: γ a position in
/// [0.05, 5] of the channel's adstocked peak (adstocked_search_space), with m's shapes.
std::vector<double> adstocked_candidates(const ModelData& m, int count, std::uint64_t seed) {
  std::vector<std::vector<double>> spend(static_cast<size_t>(m.channels()));
  for (int c = 0; c < m.channels(); ++c)
    spend[c].assign(m.spend.col(c).data(), m.spend.col(c).data() + m.rows());
  SearchSpace space = adstocked_search_space(spend);
  space.saturation = m.saturation;
  PhiloxStream rng(seed, 7u);
  std::vector<double> u(static_cast<size_t>(count) * space.dimension()), params;
  for (double& v : u) v = rng.uniform(SearchSpace::kLower, SearchSpace::kUpper);
  space.decode_batch(u.data(), count, params);
  return params;
}

TEST_F(CudaFused, LogisticAndMixedSaturationMatchTheCpu) {
  // The shapes travel to both kernels: every channel logistic, then Hill and logistic mixed,
  // with the non-negative solve, fused (one tile and several) and unfused. The candidates come
  // from the default fit's box: far below the adstock (the reference box's γ reaches 0.7% of
  // the largest raw spend) the logistic is 1 to within 1e-10 in every week, a column whose
  // spread is the last bits of the CPU's vectorized tanh and the device's, on which no two
  // solves agree; the search never evaluates such a γ under the default encoding.
  ModelData m = simulated(156, 8, 1, 58);
  m.saturation.assign(8, SaturationShape::Logistic);
  check_all_weights(m, 48, CudaEvaluatorOptions{}, "logistic", adstocked_candidates(m, 48, 41));
  for (int c = 0; c < 8; c += 3) m.saturation[c] = SaturationShape::Hill;
  m.nonnegative_media = true;
  const std::vector<double> mixed = adstocked_candidates(m, 48, 42);
  check_all_weights(m, 48, CudaEvaluatorOptions{}, "mixed, non-negative", mixed);
  CudaEvaluatorOptions small;
  small.fused_shared_bytes = 6 * 1024;
  check_all_weights(m, 48, small, "mixed, several tiles", mixed);
  CudaEvaluatorOptions unfused;
  unfused.fused = false;
  check_all_weights(m, 48, unfused, "mixed, unfused", mixed);
}

TEST_F(CudaFused, UnfusedPathStaysAReference) {
  ModelData m = simulated(104, 6, 1, 57);
  m.nonnegative_media = true;
  CudaEvaluatorOptions unfused;
  unfused.fused = false;
  check_all_weights(m, 48, unfused, "unfused");
}

TEST_F(CudaFused, BootstrapWeightsDrawnOnTheDevice) {
  // (seed, resample) per candidate instead of T doubles: the device draws the host's counts,
  // i.i.d. and moving-block, for resample numbers in any order.
  ModelData m = simulated(104, 5, 1, 58);
  m.nonnegative_media = true;
  const int n = 64, C = m.channels();
  const std::vector<double> params = random_candidates(m, n, 43);
  std::vector<std::uint32_t> index(n);
  for (int i = 0; i < n; ++i) index[i] = static_cast<std::uint32_t>((i * 37) % 1000 + 5000);
  cpu::CpuEvaluator cpu(m, 2);
  CudaEvaluatorOptions unfused;
  unfused.fused = false;
  for (int L : {1, 4}) {
    ResampledRows rows;
    rows.seed = 99;
    rows.block_length = L;
    rows.index = index.data();
    const std::vector<double> counts = drawn_counts(m.rows(), index, rows);
    const CandidateBatch batch{n, C, params.data()};
    BatchResult explicit_cpu, drawn_cpu;
    cpu.evaluate(batch, RowWeights{n, counts.data()}, explicit_cpu);
    cpu.evaluate(batch, RowWeights{n, nullptr, &rows}, drawn_cpu);
    // The CPU draws the same counts: the very same results.
    for (int i = 0; i < n; ++i) ASSERT_EQ(drawn_cpu.loss[i], explicit_cpu.loss[i]) << i;
    for (const CudaEvaluatorOptions& o : {CudaEvaluatorOptions{}, unfused}) {
      std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0, o);
      BatchResult got;
      gpu->evaluate(batch, RowWeights{n, nullptr, &rows}, got);
      expect_parity(got, explicit_cpu, "drawn, L " + std::to_string(L) + " on " + gpu->name(), C);
    }
  }
}

TEST_F(CudaFused, BootstrapIntervalsMatchTheCpu) {
  // bootstrap_intervals passes resample numbers; both backends give the same intervals.
  ModelData m = simulated(104, 4, 0, 59);
  m.nonnegative_media = true;
  const std::vector<double> hyper = random_candidates(m, 1, 44);
  BootstrapOptions o;
  o.resamples = 200;
  o.chunk = 64;  // several calls
  cpu::CpuEvaluator cpu(m, 2);
  std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0);
  const BootstrapReport ref = bootstrap_intervals(m, hyper, o, cpu);
  const BootstrapReport got = bootstrap_intervals(m, hyper, o, *gpu);
  ASSERT_EQ(got.failed, ref.failed);
  ASSERT_EQ(ref.coef_lower.size(), 4u);
  for (size_t c = 0; c < ref.coef_lower.size(); ++c) {
    for (const auto& [a, b] : {std::pair{got.coef_lower[c], ref.coef_lower[c]},
                               std::pair{got.coef_upper[c], ref.coef_upper[c]},
                               std::pair{got.roi_lower[c], ref.roi_lower[c]},
                               std::pair{got.roi_upper[c], ref.roi_upper[c]}}) {
      EXPECT_NEAR(a, b, 1e-8 * (std::abs(b) + 1e-3)) << "channel " << c;
    }
  }
}

TEST_F(CudaFused, LossesOnlyCallsReturnTheSameLossesAlone) {
  const ModelData m = simulated(104, 5, 1, 60);
  const int n = 70, C = m.channels();
  const std::vector<double> params = random_candidates(m, n, 45);
  std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0);
  cpu::CpuEvaluator cpu(m, 2);
  CandidateBatch batch{n, C, params.data()};
  BatchResult full, alone, cpu_alone;
  gpu->evaluate(batch, RowWeights{}, full);
  batch.losses_only = true;
  gpu->evaluate(batch, RowWeights{}, alone);
  cpu.evaluate(batch, RowWeights{}, cpu_alone);
  ASSERT_EQ(alone.loss.size(), static_cast<size_t>(n));
  EXPECT_TRUE(alone.coef.empty() && alone.r2.empty() && alone.mean.empty());
  EXPECT_TRUE(cpu_alone.coef.empty() && cpu_alone.intercept.empty());
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(alone.loss[i], full.loss[i]) << i;
    EXPECT_NEAR(alone.loss[i], cpu_alone.loss[i], kParity * std::abs(cpu_alone.loss[i])) << i;
  }
  // A full call after a losses-only one fills every array again.
  batch.losses_only = false;
  gpu->evaluate(batch, RowWeights{}, alone);
  ASSERT_EQ(alone.coef.size(), full.coef.size());
  for (size_t k = 0; k < full.coef.size(); ++k) EXPECT_EQ(alone.coef[k], full.coef[k]) << k;
}

}  // namespace
}  // namespace mmm
