// The emulated CUDA device itself (-DMMM_EMULATE_CUDA=ON builds only): it is reported as
// emulated and never chosen by `auto`, and failures a GPU can have, made on purpose through
// emulation_hooks.hpp, take the backend down the paths they take on a GPU: an allocation that
// fails after the memory check, a GPU the build has no kernel image for, a caller with another
// device current. Also the weighted Gram's rounding: the kernel's fma operands are the CPU
// backend's, so both give the same bits from the same inputs.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "emulation/emulation_hooks.hpp"
#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/cpu_evaluator.hpp"
#include "host/backend/cpu_gram_kernel.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/common/errors.hpp"
#include "kernels/cuda_context.cuh"
#include "kernels/gram_kernels.cuh"
#include "tests/cuda_test_problems.hpp"

namespace mmm {
namespace {

/// Puts the emulator back to one healthy device whatever a test did.
class CudaEmulation : public ::testing::Test {
 protected:
  void TearDown() override {
    emulation::set_device_count(1);
    emulation::set_current_device(0);
    emulation::fail_next_allocations(0);
    emulation::set_kernel_images_missing(false);
  }
};

TEST_F(CudaEmulation, IsReportedAsEmulatedAndAutoKeepsTheCpu) {
  const CudaStatus s = cuda_status();
  ASSERT_TRUE(s.built);
  EXPECT_TRUE(s.emulated);
  ASSERT_EQ(s.device_count, 1);
  EXPECT_NE(s.devices.at(0).find("emulated (HIP-CPU"), std::string::npos) << s.devices[0];
  const ResolvedDevice d = resolve_device(parse_device("auto"), s);
  EXPECT_FALSE(d.cuda);
  EXPECT_NE(d.reason.find("emulated"), std::string::npos) << d.reason;
  EXPECT_TRUE(resolve_device(parse_device("cuda"), s).cuda);
}

TEST_F(CudaEmulation, AFailedWorkspaceAllocationThrowsAndTheNextBatchRuns) {
  const ModelData m = simulated(52, 3, 0, 31);
  const std::vector<double> params = random_candidates(m, 40, 1);
  const CandidateBatch small{20, 3, params.data()}, large{40, 3, params.data()};
  std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0);
  BatchResult got, ref;
  gpu->evaluate(small, RowWeights{}, got);  // a workspace for 20
  // The larger batch frees it to fit one for 40, and the first new buffer fails (after the
  // free-memory check, as fragmentation or another process can make it fail on a GPU).
  emulation::fail_next_allocations(1);
  try {
    gpu->evaluate(large, RowWeights{}, got);
    ADD_FAILURE() << "the failed allocation was not reported";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cudaErrorMemoryAllocation"), std::string::npos)
        << e.what();
  }
  // A batch no larger than one fitted before used to find capacity 0 and loop forever on
  // chunks of 0 candidates: the alarm turns such a hang into a failure.
  alarm(60);
  gpu->evaluate(small, RowWeights{}, got);
  alarm(0);
  cpu::CpuEvaluator(m, 1).evaluate(small, RowWeights{}, ref);
  for (int i = 0; i < small.count; ++i)
    EXPECT_NEAR(got.loss[i], ref.loss[i], 1e-9 * std::abs(ref.loss[i])) << i;
}

TEST_F(CudaEmulation, ADeviceWithoutAKernelImageIsNotCountedAndAutoUsesTheCpu) {
  emulation::set_kernel_images_missing(true);
  const CudaStatus s = cuda_status();
  EXPECT_EQ(s.device_count, 0);
  EXPECT_NE(s.detail.find("device 0"), std::string::npos) << s.detail;
  EXPECT_NE(s.detail.find("cudaErrorNoKernelImageForDevice"), std::string::npos) << s.detail;
  EXPECT_NE(s.detail.find("CMAKE_CUDA_ARCHITECTURES"), std::string::npos) << s.detail;
  const ModelData m = simulated(52, 2, 0, 32);
  std::string notice;
  std::unique_ptr<Evaluator> ev = make_evaluator(parse_device("auto"), m, 1, &notice);
  EXPECT_EQ(ev->name().rfind("cpu (", 0), 0u) << ev->name();
  EXPECT_THROW(make_evaluator(parse_device("cuda"), m, 1, nullptr), BackendUnavailable);
}

TEST_F(CudaEmulation, TheCallersCurrentDeviceIsKept) {
  emulation::set_device_count(2);
  emulation::set_current_device(1);
  const ModelData m = simulated(52, 2, 0, 33);
  const std::vector<double> params = random_candidates(m, 5, 2);
  {
    std::unique_ptr<Evaluator> gpu = create_cuda_evaluator(m, 0);
    EXPECT_EQ(emulation::current_device(), 1) << "after construction";
    BatchResult got;
    gpu->evaluate(CandidateBatch{5, 2, params.data()}, RowWeights{}, got);
    EXPECT_EQ(emulation::current_device(), 1) << "after evaluate";
  }
  EXPECT_EQ(emulation::current_device(), 1) << "after destruction";
  {
    std::unique_ptr<BatchedSpdSolver> solver = create_cuda_batched_spd_solver(0);
    EXPECT_EQ(emulation::current_device(), 1) << "after construction";
    SpdBatch batch;
    batch.count = 1;
    batch.size = 2;
    batch.rhs_cols = 1;
    batch.matrices = {2.0, 0.5, 0.5, 1.0};
    batch.rhs = {1.0, 1.0};
    solver->factor_and_solve(batch, nullptr);
    EXPECT_TRUE(batch.all_factored());
    EXPECT_EQ(emulation::current_device(), 1) << "after factor_and_solve";
  }
  EXPECT_EQ(emulation::current_device(), 1) << "after destruction";
}

#if defined(__FMA__)
TEST_F(CudaEmulation, WeightedGramHasTheCpuBackendsBits) {
  // The same centred media, fixed columns and weights into both Gram paths: the CUDA kernel
  // and the CPU backend's cross products (media × media against w·h, media × fixed against
  // w·fixed, as CpuEvaluator::evaluate_one calls them). Same operands per fma, same order
  // over t: the same bits. (Only with hardware fma: without it the CPU's are not fused.)
  const int T = 37, C = 5, K = 3, nf = K + 2, ld = C + K + 2;
  const int L = cpu::simd_lanes(), Cp = cpu::pad_to_lanes(C), nfp = cpu::pad_to_lanes(nf);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> h(static_cast<size_t>(T) * C), fixed(static_cast<size_t>(T) * nf), w(T);
  for (double& v : h) v = u(rng);
  for (int t = 0; t < T; ++t) {
    fixed[t * nf] = 1.0;
    for (int f = 1; f < nf; ++f) fixed[t * nf + f] = 100.0 * u(rng);
    w[t] = std::floor(4.0 * (u(rng) + 1.0));  // bootstrap-like counts 0..7
  }

  // CPU: padded period-major blocks, weighted copies, cross products.
  std::vector<double> hp(static_cast<size_t>(T) * Cp, 0.0), hw(hp.size(), 0.0);
  std::vector<double> fp(static_cast<size_t>(T) * nfp, 0.0), fw(fp.size(), 0.0);
  for (int t = 0; t < T; ++t) {
    for (int c = 0; c < C; ++c) {
      hp[t * Cp + c] = h[t * C + c];
      hw[t * Cp + c] = h[t * C + c] * w[t];
    }
    for (int f = 0; f < nf; ++f) {
      fp[t * nfp + f] = fixed[t * nf + f];
      fw[t * nfp + f] = w[t] * fixed[t * nf + f];
    }
  }
  std::vector<double> mm(static_cast<size_t>(Cp) * Cp), mf(static_cast<size_t>(Cp) * nf),
      ff(static_cast<size_t>(nfp) * nf);
  cpu::cross_products(hp.data(), Cp, Cp / L, hw.data(), Cp, C, T, mm.data(), Cp);
  cpu::cross_products(hp.data(), Cp, Cp / L, fw.data(), nfp, nf, T, mf.data(), Cp);
  cpu::cross_products(fp.data(), nfp, nfp / L, fw.data(), nfp, nf, T, ff.data(), nfp);

  // CUDA (emulated): every lower-triangle entry accumulated, media shifts 0.
  cuda::CudaContext ctx(0);
  const cuda::DeviceGuard active = ctx.activate();
  std::vector<cuda::GramEntry> entries;
  for (int col = 0; col < ld; ++col)
    for (int row = col; row < ld; ++row) entries.push_back(cuda::GramEntry{row, col});
  const std::vector<double> zero_shift(C, 0.0);
  cuda::DeviceBuffer<double> d_h(h.size()), d_fixed(fixed.size()), d_w(T), d_shift(C),
      d_gram(static_cast<size_t>(ld) * ld);
  cuda::DeviceBuffer<cuda::GramEntry> d_entries(entries.size());
  cuda::upload(ctx, d_h.get(), h.data(), h.size());
  cuda::upload(ctx, d_fixed.get(), fixed.data(), fixed.size());
  cuda::upload(ctx, d_w.get(), w.data(), w.size());
  cuda::upload(ctx, d_shift.get(), zero_shift.data(), zero_shift.size());
  cuda::upload(ctx, d_entries.get(), entries.data(), entries.size());
  cuda::GramArgs g;
  g.periods = T;
  g.channels = C;
  g.controls = K;
  g.count = 1;
  g.fixed = d_fixed.get();
  g.media = d_h.get();
  g.media_shift = d_shift.get();
  g.weights = d_w.get();
  g.entries = d_entries.get();
  g.entry_count = static_cast<int>(entries.size());
  g.gram = d_gram.get();
  cuda::launch_weighted_gram(ctx, g);
  std::vector<double> G(static_cast<size_t>(ld) * ld);
  cuda::download(ctx, G.data(), d_gram.get(), G.size());
  ctx.synchronize();

  auto fixed_index = [&](int f) { return f == 0 ? 0 : C + f; };
  int compared = 0;
  for (int j = 0; j < C; ++j) {
    for (int i = j; i < C; ++i, ++compared)
      EXPECT_EQ(G[(1 + i) + (1 + j) * ld], mm[j * Cp + i]) << "media " << i << " × " << j;
    for (int f = 0; f < nf; ++f, ++compared) {
      const int r = fixed_index(f), c = 1 + j;  // stored in the lower triangle
      EXPECT_EQ(G[std::max(r, c) + std::min(r, c) * ld], mf[f * Cp + j])
          << "media " << j << " × fixed " << f;
    }
  }
  for (int g2 = 0; g2 < nf; ++g2)
    for (int f = g2; f < nf; ++f, ++compared)
      EXPECT_EQ(G[fixed_index(f) + fixed_index(g2) * ld], ff[f + g2 * nfp])
          << "fixed " << f << " × " << g2;
  EXPECT_EQ(compared, ld * (ld + 1) / 2);
}
#endif

}  // namespace
}  // namespace mmm
