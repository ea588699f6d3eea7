// Device choice of `mmm fit --segments` (SPEC §2, §9, §12): every branch of
// make_segment_backend and resolve_device on made-up machines (no CUDA build, no device, one
// or two devices) with a fake CUDA solver factory, so that the GPU branches are covered on a
// machine without a GPU; then this machine as it is.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "host/backend/cpu_batched_spd_solver.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/common/errors.hpp"
#include "host/segments/segment_backend.hpp"

namespace mmm {
namespace {

CudaStatus machine(bool built, int devices) {
  CudaStatus s;
  s.built = built;
  s.device_count = devices;
  for (int d = 0; d < devices; ++d) s.devices.push_back("Fake GPU " + std::to_string(d));
  if (devices == 0) s.detail = built ? "cudaErrorNoDevice: no CUDA-capable device" : "no CUDA";
  return s;
}

/// A factory that records the ordinal it was asked for and returns a named CPU solver.
struct FakeCuda {
  int asked = -1;
  CudaSolverFactory factory() {
    return [this](int ordinal) -> std::unique_ptr<BatchedSpdSolver> {
      asked = ordinal;
      struct Named : cpu::CpuBatchedSpdSolver {
        std::string name() const override { return "cuda:fake (Fake GPU)"; }
      };
      return std::make_unique<Named>();
    };
  }
};

std::string backend_error(const std::string& device, const CudaStatus& status) {
  FakeCuda fake;
  try {
    make_segment_backend(parse_device(device), 200, 2, status, fake.factory());
  } catch (const BackendUnavailable& e) {
    EXPECT_EQ(fake.asked, -1);
    return e.what();
  }
  ADD_FAILURE() << "--device " << device << " accepted";
  return "";
}

TEST(SegmentBackend, CpuIsTheCpuWithoutANotice) {
  for (const CudaStatus& m : {machine(false, 0), machine(true, 0), machine(true, 2)}) {
    FakeCuda fake;
    const SegmentBackend b = make_segment_backend(parse_device("cpu"), 500, 3, m, fake.factory());
    EXPECT_EQ(b.solver, nullptr);
    EXPECT_EQ(b.name, "cpu (3 threads, segments in parallel)");
    EXPECT_EQ(b.notice, "");
    EXPECT_EQ(fake.asked, -1);
  }
}

TEST(SegmentBackend, AutoFallsBackToTheCpuWithANoticeSayingWhy) {
  for (const auto& [m, why] : {std::pair{machine(false, 0), "no CUDA device support in this build"},
                               std::pair{machine(true, 0), "no CUDA device visible"}}) {
    FakeCuda fake;
    const SegmentBackend b = make_segment_backend(parse_device("auto"), 500, 2, m, fake.factory());
    EXPECT_EQ(b.solver, nullptr);
    EXPECT_EQ(b.name, "cpu (2 threads, segments in parallel)");
    EXPECT_EQ(b.notice, std::string(why) + "; using the cpu (2 threads, segments in parallel)");
    EXPECT_EQ(fake.asked, -1);
  }
}

TEST(SegmentBackend, AutoKeepsFewSegmentsOnTheCpu) {
  FakeCuda fake;
  const SegmentBackend small = make_segment_backend(parse_device("auto"), kMinSegmentsForCuda - 1,
                                                    2, machine(true, 1), fake.factory());
  EXPECT_EQ(small.solver, nullptr);
  EXPECT_EQ(fake.asked, -1);
  EXPECT_EQ(small.name, "cpu (2 threads, segments in parallel)");
  EXPECT_NE(small.notice.find("CUDA device 0 visible"), std::string::npos) << small.notice;
  EXPECT_NE(small.notice.find(std::to_string(kMinSegmentsForCuda)), std::string::npos);
  EXPECT_NE(small.notice.find("--device cuda forces the GPU"), std::string::npos);

  const SegmentBackend large = make_segment_backend(parse_device("auto"), kMinSegmentsForCuda, 2,
                                                    machine(true, 1), fake.factory());
  ASSERT_NE(large.solver, nullptr);
  EXPECT_EQ(fake.asked, 0);
  EXPECT_EQ(large.name.rfind("cuda:fake (Fake GPU) for the batched segment solves", 0), 0u)
      << large.name;
  EXPECT_NE(large.name.find("designs on the cpu (2 threads"), std::string::npos);
  EXPECT_EQ(large.notice, "using CUDA device 0: Fake GPU 0 for the batched segment solves");
}

TEST(SegmentBackend, ExplicitCudaUsesTheDeviceWhateverTheSegmentCount) {
  for (const auto& [text, ordinal] : {std::pair{"cuda", 0}, std::pair{"cuda:1", 1}}) {
    FakeCuda fake;
    const SegmentBackend b =
        make_segment_backend(parse_device(text), 2, 1, machine(true, 2), fake.factory());
    ASSERT_NE(b.solver, nullptr) << text;
    EXPECT_EQ(fake.asked, ordinal);
    EXPECT_EQ(b.notice, "");  // asked for explicitly
  }
}

TEST(SegmentBackend, ExplicitCudaWithoutThatDeviceIsBackendUnavailable) {
  std::string msg = backend_error("cuda", machine(true, 0));
  EXPECT_NE(msg.find("--device cuda: 0 CUDA device(s) visible"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cudaErrorNoDevice"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--device cpu"), std::string::npos) << msg;
  msg = backend_error("cuda", machine(false, 0));
  EXPECT_NE(msg.find("this build has no CUDA backend"), std::string::npos) << msg;
  msg = backend_error("cuda:2", machine(true, 2));
  EXPECT_NE(msg.find("--device cuda:2: 2 CUDA device(s) visible"), std::string::npos) << msg;
  // A bad value is an InputError listing the grammar, before any device is looked at.
  EXPECT_THROW(make_segment_backend("gpu", 10, 1), InputError);
}

TEST(SegmentBackend, ResolveDeviceIsTheSingleFitsRule) {
  ResolvedDevice d = resolve_device(parse_device("auto"), machine(true, 3));
  EXPECT_TRUE(d.cuda);
  EXPECT_EQ(d.ordinal, 0);
  EXPECT_EQ(d.reason, "using CUDA device 0: Fake GPU 0");
  d = resolve_device(parse_device("cuda:2"), machine(true, 3));
  EXPECT_TRUE(d.cuda);
  EXPECT_EQ(d.ordinal, 2);
  EXPECT_EQ(d.reason, "");
  d = resolve_device(parse_device("cpu"), machine(true, 3));
  EXPECT_FALSE(d.cuda);
  d = resolve_device(parse_device("auto"), machine(true, 0));
  EXPECT_FALSE(d.cuda);
  EXPECT_EQ(d.reason, "no CUDA device visible");
  EXPECT_THROW(resolve_device(parse_device("cuda:3"), machine(true, 3)), BackendUnavailable);
}

TEST(SegmentBackend, ThisMachine) {
  const CudaStatus s = cuda_status();
  const SegmentBackend cpu = make_segment_backend("cpu", 3, 1);
  EXPECT_EQ(cpu.solver, nullptr);
  if (s.device_count > 0) {
    const SegmentBackend b = make_segment_backend("cuda", 3, 1);
    ASSERT_NE(b.solver, nullptr);
    EXPECT_EQ(b.name.rfind("cuda:0 (", 0), 0u) << b.name;
    return;
  }
  EXPECT_THROW(make_segment_backend("cuda", 3, 1), BackendUnavailable);
  EXPECT_THROW(create_cuda_batched_spd_solver(0), BackendUnavailable);
  const SegmentBackend b = make_segment_backend("auto", 300, 1);
  EXPECT_EQ(b.solver, nullptr);
  EXPECT_NE(b.notice.find("no CUDA device"), std::string::npos) << b.notice;
}

}  // namespace
}  // namespace mmm
