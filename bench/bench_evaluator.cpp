// Candidate evaluations per second of each available backend over the SPEC §13 grid
// (T weeks × C channels, K = 9 default controls), one batch of `population` candidates per
// iteration: the reference objective (unconstrained ridge + penalty) over the whole grid, the
// default one (non-negative media, media-share term) at T = 104/156, C = 8/20; and bootstrap
// resamples per second (one candidate under B = 10,000 resampled row weights, 156 × 20).
// BM_Cuda* run the fused kernel (the default); BM_CudaUnfused* the unfused reference path;
// BM_CudaSearch* losses-only calls, as the search makes them; *DefaultLogistic the default
// objective with every channel's curve the logistic (the default estimator's since 2026-12-03). In
// an emulated build
// (-DMMM_EMULATE_CUDA=ON) build/bench/mmm_bench_emulated runs the BM_Cuda* cases on the
// HIP-CPU emulator: that checks they run, it measures nothing about a GPU.
// Run: build/bench/mmm_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "host/backend/cpu_evaluator.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

/// Synthetic weekly data: spend ~ U(0, 1e4) with 10% zero weeks, KPI = noise + spend signal.
ModelData synthetic_problem(int T, int C) {
  PhiloxStream rng(42, 7);
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2020, 1, 6}.plus_days(7 * t));
  ModelData m;
  m.spend.resize(T, C);
  for (int t = 0; t < T; ++t) {
    for (int c = 0; c < C; ++c) m.spend(t, c) = rng.uniform() < 0.1 ? 0.0 : rng.uniform(0, 1e4);
  }
  m.controls = default_controls(dates).values;
  m.y = (m.spend.rowwise().sum().array() * 0.5 + 1e5).matrix();
  for (int t = 0; t < T; ++t) m.y(t) += rng.uniform(-1e3, 1e3);
  return m;
}

/// population × 3C random candidates inside the default box.
std::vector<double> random_candidates(const ModelData& m, int population) {
  PhiloxStream rng(7, 9);
  const auto max_spend = m.max_spend();
  std::vector<double> out;
  for (int i = 0; i < population; ++i) {
    for (int c = 0; c < m.channels(); ++c) {
      out.push_back(rng.uniform(0.0, 0.95));
      out.push_back(rng.uniform(0.5, 3.0));
      out.push_back(rng.uniform(0.01, 1.0) * max_spend[c]);
    }
  }
  return out;
}

/// What a benchmark case runs on: "cpu", "cuda" (the fused kernel) or "cuda-unfused".
std::unique_ptr<Evaluator> make_for(const std::string& device, const ModelData& m) {
  if (device == "cuda-unfused") {
    CudaEvaluatorOptions o;
    o.fused = false;
    return create_cuda_evaluator(m, 0, o);  // BackendUnavailable without a device
  }
  return make_evaluator(parse_device(device), m, 0, nullptr);
}

/// The device's evaluator for `m`, or null with the benchmark skipped (no such device).
std::unique_ptr<Evaluator> evaluator_or_skip(benchmark::State& state, const std::string& device,
                                             const ModelData& m) {
  try {
    return make_for(device, m);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

void run_backend(benchmark::State& state, const std::string& device, bool nonnegative = false,
                 bool losses_only = false, bool logistic = false) {
  const int T = static_cast<int>(state.range(0));
  const int C = static_cast<int>(state.range(1));
  const int population = static_cast<int>(state.range(2));
  ModelData m = synthetic_problem(T, C);
  m.nonnegative_media = nonnegative;
  if (logistic) m.saturation.assign(static_cast<size_t>(C), SaturationShape::Logistic);
  const std::unique_ptr<Evaluator> ev = evaluator_or_skip(state, device, m);
  if (!ev) return;
  const std::vector<double> params = random_candidates(m, population);
  BatchResult out;
  CandidateBatch batch{population, C, params.data()};
  batch.losses_only = losses_only;
  for (auto _ : state) {
    ev->evaluate(batch, RowWeights{}, out);
    benchmark::DoNotOptimize(out.loss.data());
  }
  state.counters["candidates/s"] = benchmark::Counter(
      static_cast<double>(population) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(ev->name());
}

void BM_CpuEvaluate(benchmark::State& state) { run_backend(state, "cpu"); }
void BM_CudaEvaluate(benchmark::State& state) { run_backend(state, "cuda"); }
void BM_CudaUnfusedEvaluate(benchmark::State& state) { run_backend(state, "cuda-unfused"); }
void BM_CudaSearchEvaluate(benchmark::State& state) { run_backend(state, "cuda", false, true); }
void BM_CpuEvaluateDefault(benchmark::State& state) { run_backend(state, "cpu", true); }
void BM_CudaEvaluateDefault(benchmark::State& state) { run_backend(state, "cuda", true); }
void BM_CudaUnfusedEvaluateDefault(benchmark::State& state) {
  run_backend(state, "cuda-unfused", true);
}
void BM_CudaSearchEvaluateDefault(benchmark::State& state) {
  run_backend(state, "cuda", true, true);
}
// The default estimator's curve since 2026-12-03: every channel logistic.
void BM_CpuEvaluateDefaultLogistic(benchmark::State& state) {
  run_backend(state, "cpu", true, false, true);
}
void BM_CudaEvaluateDefaultLogistic(benchmark::State& state) {
  run_backend(state, "cuda", true, false, true);
}

/// B bootstrap resamples of one candidate (fixed hyperparameters), the default objective.
void run_bootstrap(benchmark::State& state, const std::string& device) {
  const int T = static_cast<int>(state.range(0)), C = static_cast<int>(state.range(1));
  const int B = static_cast<int>(state.range(2));
  ModelData m = synthetic_problem(T, C);
  m.nonnegative_media = true;
  const std::unique_ptr<Evaluator> ev = evaluator_or_skip(state, device, m);
  if (!ev) return;
  const std::vector<double> hyper = random_candidates(m, 1);
  BootstrapOptions o;
  o.resamples = B;
  for (auto _ : state) {
    BootstrapReport r = bootstrap_intervals(m, hyper, o, *ev);
    benchmark::DoNotOptimize(r.roi_lower.data());
  }
  state.counters["resamples/s"] =
      benchmark::Counter(static_cast<double>(B) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(ev->name());
}
void BM_CpuBootstrap(benchmark::State& state) { run_bootstrap(state, "cpu"); }
void BM_CudaBootstrap(benchmark::State& state) { run_bootstrap(state, "cuda"); }
void BM_CudaUnfusedBootstrap(benchmark::State& state) { run_bootstrap(state, "cuda-unfused"); }

void cpu_grid(benchmark::internal::Benchmark* b) {
  for (int T : {104, 156, 260})
    for (int C : {8, 20, 60}) b->Args({T, C, 4096});
}
void cuda_grid(benchmark::internal::Benchmark* b) {
  for (int T : {104, 156, 260})
    for (int C : {8, 20, 60})
      for (int pop : {1024, 16384, 131072}) b->Args({T, C, pop});
}

BENCHMARK(BM_CpuEvaluate)
    ->Apply(cpu_grid)
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaEvaluate)
    ->Apply(cuda_grid)
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaSearchEvaluate)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int T : {104, 260})
        for (int C : {20, 60})
          for (int pop : {16384, 131072}) b->Args({T, C, pop});
    })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaUnfusedEvaluate)
    ->Args({104, 20, 16384})
    ->Args({260, 60, 16384})
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
void default_grid(benchmark::internal::Benchmark* b, int population) {
  for (int T : {104, 156})
    for (int C : {8, 20}) b->Args({T, C, population});
}
BENCHMARK(BM_CpuEvaluateDefault)
    ->Apply([](benchmark::internal::Benchmark* b) { default_grid(b, 4096); })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaEvaluateDefault)
    ->Apply([](benchmark::internal::Benchmark* b) { default_grid(b, 16384); })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaSearchEvaluateDefault)
    ->Apply([](benchmark::internal::Benchmark* b) { default_grid(b, 16384); })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CpuEvaluateDefaultLogistic)
    ->Apply([](benchmark::internal::Benchmark* b) { default_grid(b, 4096); })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaEvaluateDefaultLogistic)
    ->Apply([](benchmark::internal::Benchmark* b) { default_grid(b, 16384); })
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaUnfusedEvaluateDefault)
    ->Args({104, 20, 16384})
    ->ArgNames({"T", "C", "pop"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CpuBootstrap)
    ->Args({156, 20, 10000})
    ->ArgNames({"T", "C", "B"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaBootstrap)
    ->Args({156, 20, 10000})
    ->ArgNames({"T", "C", "B"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaUnfusedBootstrap)
    ->Args({156, 20, 10000})
    ->ArgNames({"T", "C", "B"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mmm

BENCHMARK_MAIN();
