// Batched SPD solves of the segmented fit (SPEC §9, §12): the CPU batched solver against direct
// Eigen solves, failure flags, solve_pooled through the interface, and CUDA-vs-CPU parity of
// the solver and of whole segmented candidate losses (skipped where no CUDA device is visible).
// The device choice is in test_segment_backend.cpp, the CLI in test_segments_device_cli.cpp.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/cpu_batched_spd_solver.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/common/thread_pool.hpp"
#include "host/segments/pooled_ridge.hpp"
#include "host/segments/segment_cv.hpp"
#include "host/segments/segment_model.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "tests/segment_test_data.hpp"

namespace mmm {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using test::random_blocks;

#define SKIP_WITHOUT_CUDA() \
  if (cuda_status().device_count == 0) GTEST_SKIP() << "no CUDA device visible"

/// A random SPD matrix XᵀX + shift·I with condition number in the hundreds.
MatrixXd random_spd(int p, std::mt19937& rng, double shift = 0.5) {
  std::normal_distribution<double> z(0.0, 1.0);
  MatrixXd X(2 * p + 3, p);
  for (int i = 0; i < X.rows(); ++i)
    for (int j = 0; j < p; ++j) X(i, j) = z(rng) * (1.0 + 0.5 * j);
  return X.transpose() * X + shift * MatrixXd::Identity(p, p);
}

/// S random SPD systems of size p with k right-hand-side columns.
SpdBatch random_batch(int p, int S, int k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  SpdBatch b;
  b.resize(p, S, k);
  for (int s = 0; s < S; ++s) {
    Eigen::Map<MatrixXd>(b.matrix(s), p, p) = random_spd(p, rng);
    for (int i = 0; i < p * k; ++i) b.rhs_block(s)[i] = 10.0 * z(rng);
  }
  return b;
}

/// ‖a − b‖ / ‖b‖ (‖a‖ when b is 0).
double rel(const MatrixXd& a, const MatrixXd& b) {
  const double n = b.norm();
  return n > 0 ? (a - b).norm() / n : a.norm();
}

/// Checks every solved system of `out` against a direct Eigen LLT of `in`, and its factor.
void expect_solves(const SpdBatch& in, const SpdBatch& out, double tol) {
  const int p = in.size, k = in.rhs_cols;
  for (int s = 0; s < in.count; ++s) {
    ASSERT_EQ(out.info[s], 0) << "system " << s;
    const Eigen::Map<const MatrixXd> M(in.matrix(s), p, p);
    const MatrixXd L =
        Eigen::Map<const MatrixXd>(out.matrix(s), p, p).triangularView<Eigen::Lower>();
    EXPECT_LT(rel(L * L.transpose(), M), tol) << "factor of system " << s;
    if (k == 0) continue;
    const MatrixXd direct = M.llt().solve(Eigen::Map<const MatrixXd>(in.rhs_block(s), p, k));
    EXPECT_LT(rel(Eigen::Map<const MatrixXd>(out.rhs_block(s), p, k), direct), tol)
        << "system " << s << " (p " << p << ", k " << k << ")";
  }
}

// ---- the CPU batched solver ----

TEST(BatchedSpdSolve, CpuMatchesDirectEigenSolves) {
  cpu::CpuBatchedSpdSolver solver;
  ThreadPool pool(2);
  for (const auto& [p, S, k] : std::vector<std::array<int, 3>>{
           {1, 3, 1}, {4, 7, 1}, {13, 20, 14}, {29, 9, 30}, {6, 5, 0}, {8, 1, 3}}) {
    const SpdBatch in = random_batch(p, S, k, 100 + p);
    for (ThreadPool* tp : {static_cast<ThreadPool*>(nullptr), &pool}) {
      SpdBatch out = in;
      solver.factor_and_solve(out, tp);
      ASSERT_TRUE(out.all_factored());
      expect_solves(in, out, 1e-12);
    }
  }
  EXPECT_EQ(solver.name(), "cpu (Eigen LLT)");
}

TEST(BatchedSpdSolve, CpuResultDoesNotDependOnTheThreads) {
  cpu::CpuBatchedSpdSolver solver;
  ThreadPool pool(3);
  SpdBatch serial = random_batch(11, 40, 12, 5), parallel = serial;
  solver.factor_and_solve(serial, nullptr);
  solver.factor_and_solve(parallel, &pool);
  EXPECT_EQ(serial.matrices, parallel.matrices);
  EXPECT_EQ(serial.rhs, parallel.rhs);
}

TEST(BatchedSpdSolve, IndefiniteMatrixIsFlaggedAndTheOthersAreSolved) {
  cpu::CpuBatchedSpdSolver solver;
  ThreadPool pool(2);
  const int p = 5;
  SpdBatch in = random_batch(p, 6, 2, 9);
  // System 2: eigenvalues of both signs. System 4: singular (rank 1).
  Eigen::Map<MatrixXd> bad(in.matrix(2), p, p);
  bad = MatrixXd::Identity(p, p);
  bad(3, 3) = -2.0;
  const VectorXd v = VectorXd::LinSpaced(p, 1.0, 2.0);
  Eigen::Map<MatrixXd>(in.matrix(4), p, p) = v * v.transpose();
  SpdBatch out = in;
  solver.factor_and_solve(out, &pool);
  EXPECT_FALSE(out.all_factored());
  for (int s = 0; s < 6; ++s) {
    if (s == 2 || s == 4) {
      EXPECT_NE(out.info[s], 0) << "system " << s;
      continue;
    }
    EXPECT_EQ(out.info[s], 0) << "system " << s;
    const Eigen::Map<const MatrixXd> M(in.matrix(s), p, p);
    const MatrixXd direct = M.llt().solve(Eigen::Map<const MatrixXd>(in.rhs_block(s), p, 2));
    EXPECT_LT(rel(Eigen::Map<const MatrixXd>(out.rhs_block(s), p, 2), direct), 1e-12);
  }
}

TEST(BatchedSpdSolve, SolveFactoredReusesTheReturnedFactors) {
  cpu::CpuBatchedSpdSolver solver;
  const int p = 9;
  const SpdBatch in = random_batch(p, 4, 0, 21);
  SpdBatch out = in;
  solver.factor_and_solve(out, nullptr);
  std::mt19937 rng(3);
  std::normal_distribution<double> z(0.0, 1.0);
  for (int s = 0; s < 4; ++s) {
    const Eigen::Map<const MatrixXd> M(in.matrix(s), p, p);
    for (int cols : {1, 3}) {
      MatrixXd b(p, cols);
      for (int i = 0; i < b.size(); ++i) b.data()[i] = z(rng);
      MatrixXd x = b;
      solve_factored(out, s, x.data(), cols);
      EXPECT_LT(rel(x, M.llt().solve(b)), 1e-12);
    }
  }
}

TEST(BatchedSpdSolve, EmptyBatchesAndMismatchedBuffers) {
  cpu::CpuBatchedSpdSolver solver;
  SpdBatch empty;
  empty.resize(4, 0, 2);
  EXPECT_NO_THROW(solver.factor_and_solve(empty, nullptr));
  EXPECT_TRUE(empty.all_factored());
  SpdBatch zero;
  zero.resize(0, 3, 1);
  EXPECT_NO_THROW(solver.factor_and_solve(zero, nullptr));
  EXPECT_TRUE(zero.all_factored());
  SpdBatch bad = random_batch(3, 2, 1, 1);
  bad.rhs.pop_back();
  EXPECT_THROW(solver.factor_and_solve(bad, nullptr), std::invalid_argument);
  EXPECT_THROW(SpdBatch().resize(-1, 1, 1), std::invalid_argument);
}

// ---- solve_pooled through the interface ----

/// The CPU solver, counting its calls and recording their shapes; optionally reports system
/// `fail` as not positive definite.
class RecordingSolver : public BatchedSpdSolver {
 public:
  explicit RecordingSolver(int fail = -1) : fail_(fail) {}
  void factor_and_solve(SpdBatch& batch, ThreadPool* pool) override {
    inner_.factor_and_solve(batch, pool);
    shapes.push_back({batch.size, batch.count, batch.rhs_cols});
    if (fail_ >= 0 && fail_ < batch.count) batch.info[fail_] = 3;
  }
  std::string name() const override { return "recording"; }
  std::vector<std::array<int, 3>> shapes;

 private:
  cpu::CpuBatchedSpdSolver inner_;
  int fail_;
};

PoolingPenalties penalties(std::vector<int> global_columns = {}) {
  PoolingPenalties pen;
  pen.lambda = 2.0;
  pen.lambda_global = 3.0;
  pen.lambda_segment = 7.0;
  pen.global_columns = std::move(global_columns);
  return pen;
}

void expect_same(const PooledSolution& a, const PooledSolution& b) {
  ASSERT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.global, b.global);
  EXPECT_EQ(a.segment, b.segment);
  EXPECT_EQ(a.rss, b.rss);
}

TEST(SegmentsBatchedSolve, SolvePooledMakesOneBatchedCallPerSolve) {
  const int S = 6, p = 5;
  const auto blocks = random_blocks(S, p, 15, 4);
  ThreadPool pool(2);
  struct Case {
    Pooling pooling;
    std::vector<int> globals;
    std::vector<std::array<int, 3>> shapes;  // expected (size, count, rhs columns) per call
  };
  const std::vector<Case> cases = {
      {Pooling::kNone, {}, {{p, S, 1}}},
      {Pooling::kPartial, {}, {{p, S, p + 1}}},
      {Pooling::kComplete, {}, {}},  // one p × p system on the host
      {Pooling::kNone, {1, 3}, {{3, S, 2 + 1}}},
      {Pooling::kPartial, {1, 3}, {{3, S, 2 + 1 + 3}}},
      {Pooling::kComplete, {1, 3}, {}},
      {Pooling::kPartial, {0, 1, 2, 3, 4}, {}},  // every column global: complete
  };
  for (const Case& c : cases) {
    RecordingSolver solver;
    const PooledSolution via =
        solve_pooled(blocks, c.pooling, penalties(c.globals), &pool, &solver);
    const PooledSolution cpu = solve_pooled(blocks, c.pooling, penalties(c.globals), &pool);
    SCOPED_TRACE(std::string(pooling_name(c.pooling)) + " with " +
                 std::to_string(c.globals.size()) + " global columns");
    EXPECT_EQ(solver.shapes, c.shapes);
    ASSERT_TRUE(via.ok);
    expect_same(via, cpu);  // the default is the CPU solver: bit for bit the same
  }
}

TEST(SegmentsBatchedSolve, SolvePooledReusesItsBatchSafelyAcrossCallsAndThreads) {
  // The batch buffers are reused per calling thread: shrinking and growing problems in turn,
  // on two threads at once (each with its own pool), give the results of fresh serial solves.
  const std::vector<std::vector<SegmentGram>> problems = {
      random_blocks(9, 6, 14, 1), random_blocks(3, 4, 9, 2), random_blocks(40, 7, 16, 3),
      random_blocks(2, 2, 5, 4)};
  std::vector<std::vector<PooledSolution>> expected(problems.size());
  for (size_t i = 0; i < problems.size(); ++i)
    for (Pooling pooling : {Pooling::kNone, Pooling::kPartial})
      for (const auto& globals : {std::vector<int>{}, std::vector<int>{1}})
        expected[i].push_back(solve_pooled(problems[i], pooling, penalties(globals)));
  auto run = [&](int offset, int& mismatches) {
    ThreadPool pool(2);
    for (int round = 0; round < 6; ++round) {
      const size_t i = (round + offset) % problems.size();
      int c = 0;
      for (Pooling pooling : {Pooling::kNone, Pooling::kPartial})
        for (const auto& globals : {std::vector<int>{}, std::vector<int>{1}}) {
          const PooledSolution got = solve_pooled(problems[i], pooling, penalties(globals), &pool);
          const PooledSolution& want = expected[i][c++];
          if (!got.ok || got.segment != want.segment || got.global != want.global) ++mismatches;
        }
    }
  };
  int a = 0, b = 0;
  std::thread first(run, 0, std::ref(a)), second(run, 1, std::ref(b));
  first.join();
  second.join();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 0);
}

TEST(SegmentsBatchedSolve, SolvePooledEqualsDirectFormulas) {
  const int S = 5, p = 4;
  const auto blocks = random_blocks(S, p, 12, 8);
  const PoolingPenalties pen = penalties();
  const MatrixXd I = MatrixXd::Identity(p, p);
  ThreadPool pool(2);
  // none: (A_s + λI)⁻¹ c_s.
  const PooledSolution none = solve_pooled(blocks, Pooling::kNone, pen, &pool);
  ASSERT_TRUE(none.ok);
  for (int s = 0; s < S; ++s) {
    const VectorXd direct = (blocks[s].A + pen.lambda * I).inverse() * blocks[s].c;
    EXPECT_LT(rel(none.segment.col(s), direct), 1e-12);
  }
  // partial: β_g from the Schur system written with explicit inverses, β_s = M_s⁻¹(c_s + λ_s β_g).
  const double ls = pen.lambda_segment;
  MatrixXd H = pen.lambda_global * I;
  VectorXd r = VectorXd::Zero(p);
  for (int s = 0; s < S; ++s) {
    const MatrixXd Minv = (blocks[s].A + ls * I).inverse();
    H += ls * Minv * blocks[s].A;
    r += ls * Minv * blocks[s].c;
  }
  const VectorXd bg = H.partialPivLu().solve(r);
  const PooledSolution partial = solve_pooled(blocks, Pooling::kPartial, pen, &pool);
  ASSERT_TRUE(partial.ok);
  EXPECT_LT(rel(partial.global, bg), 1e-11);
  for (int s = 0; s < S; ++s) {
    const VectorXd bs = (blocks[s].A + ls * I).inverse() * (blocks[s].c + ls * bg);
    EXPECT_LT(rel(partial.segment.col(s), bs), 1e-11);
    const double rss = blocks[s].yy - 2 * bs.dot(blocks[s].c) + bs.dot(blocks[s].A * bs);
    EXPECT_NEAR(partial.rss[s], rss, 1e-9 * blocks[s].yy);
  }
}

TEST(SegmentsBatchedSolve, AFailedSegmentSystemFailsTheSolve) {
  const auto blocks = random_blocks(4, 3, 10, 2);
  for (const auto& globals : {std::vector<int>{}, std::vector<int>{0}}) {
    for (Pooling pooling : {Pooling::kNone, Pooling::kPartial}) {
      RecordingSolver solver(2);
      const PooledSolution sol =
          solve_pooled(blocks, pooling, penalties(globals), nullptr, &solver);
      EXPECT_FALSE(sol.ok) << pooling_name(pooling);
      EXPECT_EQ(solver.shapes.size(), 1u);
    }
  }
}

// ---- a segmented problem (simulated, known truth) ----

SegmentProblem simulated_problem(int segments, Pooling pooling, std::vector<int> globals = {}) {
  SimulationOptions o;
  o.weeks = 52;
  o.channels = 3;
  o.controls = 1;
  o.seed = 17;
  const SegmentSimulation sim = simulate_segments(o, segments, 0.3);
  SegmentedData data;
  data.columns = {"segment"};
  for (size_t s = 0; s < sim.segments.size(); ++s) {
    const Simulation& m = sim.segments[s];
    Dataset d;
    d.source = "simulated";
    d.dates = m.dates;
    d.channels = m.channel_names;
    d.controls = m.control_names;
    d.spend = m.spend;
    d.control_values = m.controls;
    d.kpi = m.revenue;
    data.names.push_back(sim.names[s]);
    data.values.push_back({sim.names[s]});
    data.segments.push_back(d);
  }
  return make_segment_problem(data, pooling, penalties(std::move(globals)));
}

std::vector<double> hyper_of(const SegmentProblem& prob, double scale) {
  std::vector<double> h;
  for (int c = 0; c < prob.channels(); ++c)
    h.insert(h.end(), {0.2 + 0.1 * c * scale, 1.0 + 0.5 * scale, 0.4 * prob.max_spend[c]});
  return h;
}

TEST(SegmentsBatchedSolve, SegmentLossThroughTheProblemsSolver) {
  ThreadPool pool(2);
  for (Pooling pooling : {Pooling::kNone, Pooling::kComplete, Pooling::kPartial}) {
    SegmentProblem prob = simulated_problem(5, pooling);
    const std::vector<double> h = hyper_of(prob, 1.0);
    const double cpu = segment_loss(prob, h.data(), &pool);
    auto solver = std::make_shared<RecordingSolver>();
    prob.solver = solver;
    EXPECT_EQ(segment_loss(prob, h.data(), &pool), cpu) << pooling_name(pooling);
    EXPECT_EQ(solver->shapes.size(), pooling == Pooling::kComplete ? 0u : 1u);
    EXPECT_TRUE(std::isfinite(cpu));
    prob.solver = std::make_shared<RecordingSolver>(0);
    const double failed = segment_loss(prob, h.data(), &pool);
    EXPECT_TRUE(pooling == Pooling::kComplete ? failed == cpu : std::isinf(failed));
  }
}

TEST(SegmentsBatchedSolve, CvFoldsOnASubsetOfSegmentsUseTheProblemsSolver) {
  ThreadPool pool(2);
  SegmentProblem prob = simulated_problem(4, Pooling::kPartial);
  auto solver = std::make_shared<RecordingSolver>();
  prob.solver = solver;
  SegmentFoldPlan fold;
  fold.segments = {0, 2};
  for (int i = 0; i < 2; ++i) {
    CvFold w;
    w.train_end = 30;
    w.test_begin = 30;
    w.test_end = 40;
    fold.windows.push_back(w);
  }
  const std::vector<double> h = hyper_of(prob, 1.0);
  const SegmentFoldFit fit = fit_segment_fold(prob, h.data(), 0, fold, &pool);
  EXPECT_TRUE(fit.ok);
  const int p = prob.parameters();
  EXPECT_EQ(solver->shapes, (std::vector<std::array<int, 3>>{{p, 2, p + 1}}));
}

// ---- CUDA against the CPU (skipped without a device) ----

constexpr double kParity = 1e-9;

TEST(CudaBatchedSolve, MatchesTheCpuSolver) {
  SKIP_WITHOUT_CUDA();
  std::unique_ptr<BatchedSpdSolver> gpu = create_cuda_batched_spd_solver(0);
  cpu::CpuBatchedSpdSolver cpu;
  EXPECT_EQ(gpu->name().rfind("cuda:0 (", 0), 0u) << gpu->name();
  // Batches of growing and shrinking shape reuse the device workspaces.
  for (const auto& [p, S, k] : std::vector<std::array<int, 3>>{{4, 7, 1},
                                                               {13, 300, 14},
                                                               {29, 64, 30},
                                                               {6, 5, 0},
                                                               {1, 3, 2},
                                                               {40, 500, 41},
                                                               {3, 2, 1}}) {
    const SpdBatch in = random_batch(p, S, k, 200 + p);
    SpdBatch on_gpu = in, on_cpu = in;
    gpu->factor_and_solve(on_gpu, nullptr);
    cpu.factor_and_solve(on_cpu, nullptr);
    ASSERT_TRUE(on_gpu.all_factored()) << "p " << p << " S " << S;
    expect_solves(in, on_gpu, kParity);
    for (int s = 0; s < S; ++s) {
      const Eigen::Map<const MatrixXd> xg(on_gpu.rhs_block(s), p, k), xc(on_cpu.rhs_block(s), p, k);
      if (k > 0) {
        EXPECT_LT(rel(xg, xc), kParity) << "system " << s;
      }
      const MatrixXd Lg =
          Eigen::Map<const MatrixXd>(on_gpu.matrix(s), p, p).triangularView<Eigen::Lower>();
      const MatrixXd Lc =
          Eigen::Map<const MatrixXd>(on_cpu.matrix(s), p, p).triangularView<Eigen::Lower>();
      EXPECT_LT(rel(Lg, Lc), kParity) << "factor " << s;
    }
  }
}

TEST(CudaBatchedSolve, FlagsIndefiniteMatricesLikeTheCpu) {
  SKIP_WITHOUT_CUDA();
  std::unique_ptr<BatchedSpdSolver> gpu = create_cuda_batched_spd_solver(0);
  const int p = 6;
  SpdBatch in = random_batch(p, 9, 2, 31);
  Eigen::Map<MatrixXd> bad(in.matrix(4), p, p);
  bad = MatrixXd::Identity(p, p);
  bad(2, 2) = -1.0;  // the leading minor of order 3 is the first that is not positive
  SpdBatch out = in;
  gpu->factor_and_solve(out, nullptr);
  for (int s = 0; s < 9; ++s) {
    if (s == 4) {
      EXPECT_GT(out.info[s], 0) << "cuSOLVER's order of the failing minor (3 expected)";
    } else {
      EXPECT_EQ(out.info[s], 0) << "system " << s;
    }
  }
}

TEST(CudaBatchedSolve, SegmentLossesMatchTheCpu) {
  SKIP_WITHOUT_CUDA();
  ThreadPool pool(2);
  std::shared_ptr<BatchedSpdSolver> gpu = create_cuda_batched_spd_solver(0);
  for (int segments : {3, 80}) {
    for (const auto& globals : {std::vector<int>{}, std::vector<int>{1}}) {
      for (Pooling pooling : {Pooling::kNone, Pooling::kComplete, Pooling::kPartial}) {
        SegmentProblem prob = simulated_problem(segments, pooling, globals);
        for (double scale : {0.0, 1.0, 2.0}) {
          const std::vector<double> h = hyper_of(prob, scale);
          prob.solver = nullptr;
          const SegmentDesign d = build_segment_design(prob, h.data(), &pool);
          const SegmentFit cpu = fit_segment_design(prob, d, pooling, &pool);
          prob.solver = gpu;
          const SegmentFit cuda = fit_segment_design(prob, d, pooling, &pool);
          SCOPED_TRACE(std::string(pooling_name(pooling)) + ", " + std::to_string(segments) +
                       " segments, " + std::to_string(globals.size()) + " global");
          ASSERT_TRUE(std::isfinite(cpu.loss));
          EXPECT_NEAR(cuda.loss, cpu.loss, kParity * std::abs(cpu.loss));
          EXPECT_LT(rel(cuda.solution.global, cpu.solution.global), kParity);
          EXPECT_LT(rel(cuda.solution.segment, cpu.solution.segment), kParity);
          EXPECT_NEAR(segment_loss(prob, h.data(), &pool), cpu.loss, kParity * std::abs(cpu.loss));
        }
      }
    }
  }
}

}  // namespace
}  // namespace mmm
