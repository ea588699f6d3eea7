// The segmented fit's batched SPD solves (SPEC §9, §12) per backend: S systems of size p
// against p + 1 right-hand sides (partial pooling's [A_s | c_s]), and whole partial-pooling
// candidate losses (designs + Gram blocks on the CPU, solves on the chosen backend). The CUDA
// cases skip with an error where no device is visible.
// Run: build/bench/mmm_bench --benchmark_filter='Batched|SegmentLoss'
// --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <memory>
#include <string>

#include "host/backend/cpu_batched_spd_solver.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/common/philox.hpp"
#include "host/common/thread_pool.hpp"
#include "host/segments/segment_model.hpp"
#include "host/simulate/segment_simulator.hpp"

namespace mmm {
namespace {

/// S systems M_s = XᵀX + I (X 2p × p uniform) against [M_s | 1].
SpdBatch synthetic_batch(int S, int p) {
  PhiloxStream rng(11, 3);
  SpdBatch b;
  b.resize(p, S, p + 1);
  Eigen::MatrixXd X(2 * p, p);
  for (int s = 0; s < S; ++s) {
    for (int i = 0; i < X.size(); ++i) X.data()[i] = rng.uniform(-1.0, 1.0);
    const Eigen::MatrixXd M = X.transpose() * X + Eigen::MatrixXd::Identity(p, p);
    Eigen::Map<Eigen::MatrixXd>(b.matrix(s), p, p) = M;
    Eigen::Map<Eigen::MatrixXd> B(b.rhs_block(s), p, p + 1);
    B.leftCols(p) = M;
    B.col(p).setOnes();
  }
  return b;
}

std::shared_ptr<BatchedSpdSolver> solver_for(const std::string& device, benchmark::State& state) {
  if (device == "cpu") return std::make_shared<cpu::CpuBatchedSpdSolver>();
  try {
    return create_cuda_batched_spd_solver(0);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

void run_batched(benchmark::State& state, const std::string& device) {
  const int S = static_cast<int>(state.range(0)), p = static_cast<int>(state.range(1));
  std::shared_ptr<BatchedSpdSolver> solver = solver_for(device, state);
  if (!solver) return;
  ThreadPool pool(0);
  const SpdBatch in = synthetic_batch(S, p);
  SpdBatch work = in;
  for (auto _ : state) {
    state.PauseTiming();
    work.matrices = in.matrices;  // the solve overwrites its inputs
    work.rhs = in.rhs;
    state.ResumeTiming();
    solver->factor_and_solve(work, &pool);
    benchmark::DoNotOptimize(work.rhs.data());
  }
  state.counters["systems/s"] =
      benchmark::Counter(static_cast<double>(S) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(solver->name() + ", " + std::to_string(pool.size()) + " threads");
}

void run_segment_loss(benchmark::State& state, const std::string& device) {
  const int S = static_cast<int>(state.range(0)), C = static_cast<int>(state.range(1));
  std::shared_ptr<BatchedSpdSolver> solver = solver_for(device, state);
  if (!solver) return;
  SimulationOptions o;
  o.weeks = 104;
  o.channels = C;
  o.seed = 1;
  const SegmentSimulation sim = simulate_segments(o, S, 0.3);
  SegmentedData data;
  data.columns = {"segment"};
  for (int s = 0; s < S; ++s) {
    Dataset d;
    d.dates = sim.segments[s].dates;
    d.channels = sim.segments[s].channel_names;
    d.spend = sim.segments[s].spend;
    d.control_values.resize(o.weeks, 0);
    d.kpi = sim.segments[s].revenue;
    data.names.push_back(sim.names[s]);
    data.values.push_back({sim.names[s]});
    data.segments.push_back(d);
  }
  PoolingPenalties pen;
  SegmentProblem prob = make_segment_problem(data, Pooling::kPartial, pen);
  if (device != "cpu") prob.solver = solver;
  std::vector<double> hyper;
  for (int c = 0; c < C; ++c) hyper.insert(hyper.end(), {0.3, 1.5, 0.5 * prob.max_spend[c]});
  ThreadPool pool(0);
  for (auto _ : state) benchmark::DoNotOptimize(segment_loss(prob, hyper.data(), &pool));
  state.counters["candidates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(solver->name() + ", " + std::to_string(pool.size()) + " threads");
}

void BM_CpuBatchedSpdSolve(benchmark::State& state) { run_batched(state, "cpu"); }
void BM_CudaBatchedSpdSolve(benchmark::State& state) { run_batched(state, "cuda"); }
void BM_CpuSegmentLoss(benchmark::State& state) { run_segment_loss(state, "cpu"); }
void BM_CudaSegmentLoss(benchmark::State& state) { run_segment_loss(state, "cuda"); }

void batch_grid(benchmark::internal::Benchmark* b) {
  for (int S : {8, 64, 300, 1000})
    for (int p : {13, 29}) b->Args({S, p});
}
void loss_grid(benchmark::internal::Benchmark* b) {
  for (int S : {8, 64, 300}) b->Args({S, 20});
}

BENCHMARK(BM_CpuBatchedSpdSolve)->Apply(batch_grid)->ArgNames({"S", "p"})->UseRealTime();
BENCHMARK(BM_CudaBatchedSpdSolve)->Apply(batch_grid)->ArgNames({"S", "p"})->UseRealTime();
BENCHMARK(BM_CpuSegmentLoss)
    ->Apply(loss_grid)
    ->ArgNames({"S", "C"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaSegmentLoss)
    ->Apply(loss_grid)
    ->ArgNames({"S", "C"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mmm
