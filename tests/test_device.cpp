// Device choice (SPEC §2, §12): the `auto|cpu|cuda|cuda:N` grammar and the one factory that
// turns it into an evaluator, including the documented errors of a build or machine without
// CUDA.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/backend/evaluator.hpp"
#include "host/common/errors.hpp"
#include "host/model/model_data.hpp"

namespace mmm {
namespace {

ModelData small_model() {
  ModelData m;
  const int T = 20;
  m.spend.resize(T, 1);
  m.controls.resize(T, 1);
  m.y.resize(T);
  for (int t = 0; t < T; ++t) {
    m.spend(t, 0) = 10.0 + (t * 7) % 11;
    m.controls(t, 0) = t;
    m.y(t) = 100.0 + 3.0 * t + m.spend(t, 0);
  }
  return m;
}

/// Evaluates one candidate and checks the evaluator returns a sensible fit.
void expect_working_evaluator(Evaluator& ev) {
  const std::vector<double> params = {0.2, 1.0, 12.0};
  BatchResult out;
  ev.evaluate(CandidateBatch{1, 1, params.data()}, RowWeights{}, out);
  ASSERT_EQ(out.count, 1);
  ASSERT_EQ(out.parameters, 2);
  EXPECT_TRUE(std::isfinite(out.loss[0]));
  EXPECT_GT(out.r2[0], 0.5);
  EXPECT_LE(out.r2[0], 1.0);
}

std::string device_error(const std::string& text) {
  try {
    parse_device(text);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "`" << text << "` was accepted";
  return "";
}

TEST(Device, ParsesTheGrammar) {
  DeviceChoice c = parse_device("auto");
  EXPECT_EQ(c.kind, DeviceChoice::Kind::kAuto);
  c = parse_device("cpu");
  EXPECT_EQ(c.kind, DeviceChoice::Kind::kCpu);
  c = parse_device("cuda");
  EXPECT_EQ(c.kind, DeviceChoice::Kind::kCuda);
  EXPECT_EQ(c.ordinal, 0);
  c = parse_device("cuda:1");
  EXPECT_EQ(c.kind, DeviceChoice::Kind::kCuda);
  EXPECT_EQ(c.ordinal, 1);
  c = parse_device("cuda:0");
  EXPECT_EQ(c.ordinal, 0);
  c = parse_device("cuda:15");
  EXPECT_EQ(c.ordinal, 15);
}

TEST(Device, RejectsBadValuesListingTheAlternatives) {
  for (const std::string bad : {"gpu", "cuda:", "cuda:x", "", "CPU", "cuda:-1", "cuda: 1",
                                "cuda:1a", "cuda1", " cpu", "cpu ", "cuda:123456789", "gpu2"}) {
    const std::string msg = device_error(bad);
    EXPECT_NE(msg.find("`" + bad + "`"), std::string::npos) << msg;
    EXPECT_NE(msg.find("auto, cpu, cuda, cuda:<ordinal>"), std::string::npos) << msg;
  }
  EXPECT_EQ(device_error("gpu2"),
            "invalid --device `gpu2`; expected one of: auto, cpu, cuda, cuda:<ordinal>");
}

TEST(Device, CpuEvaluatorFromTheFactory) {
  const ModelData m = small_model();
  std::string notice = "untouched";
  std::unique_ptr<Evaluator> ev = make_evaluator(parse_device("cpu"), m, 2, &notice);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->name(), "cpu (2 threads)");
  EXPECT_EQ(notice, "untouched");  // an explicit choice needs no notice
  expect_working_evaluator(*ev);
  // A null notice pointer is allowed.
  ev = make_evaluator(parse_device("cpu"), m, 1, nullptr);
  EXPECT_EQ(ev->name(), "cpu (1 thread)");
}

TEST(Device, CudaMathLibrariesLoadWhenCudaIsBuilt) {
  // cuBLAS/cuSOLVER are opened at first use, not linked; a build with CUDA must find the
  // toolkit's libraries at run time (no GPU needed to load them).
  const std::string problem = cuda_math_library_problem();
  if (!cuda_status().built) {
    EXPECT_EQ(problem, "not built");
    GTEST_SKIP() << "built without CUDA";
  }
  EXPECT_EQ(problem, "") << problem;
}

TEST(Device, CudaStatusIsConsistent) {
  const CudaStatus s = cuda_status();
  EXPECT_GE(s.device_count, 0);
  EXPECT_EQ(static_cast<int>(s.devices.size()), s.device_count);
  if (!s.built) {
    EXPECT_EQ(s.device_count, 0);
    EXPECT_FALSE(s.detail.empty());
  }
}

TEST(Device, ExplicitCudaWithoutUsableDeviceIsBackendUnavailable) {
  const CudaStatus s = cuda_status();
  if (s.built && s.device_count > 0) GTEST_SKIP() << "a CUDA device is visible";
  const ModelData m = small_model();
  for (const std::string text : {"cuda", "cuda:1"}) {
    try {
      make_evaluator(parse_device(text), m, 1, nullptr);
      ADD_FAILURE() << "--device " << text << " accepted without a CUDA device";
    } catch (const BackendUnavailable& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("--device " + text), std::string::npos) << msg;
      EXPECT_NE(msg.find("--device cpu"), std::string::npos) << msg;  // the way out
    }
  }
  // BackendUnavailable is an InputError (exit code 2).
  EXPECT_THROW(make_evaluator(parse_device("cuda"), m, 1, nullptr), InputError);
}

TEST(Device, AutoFallsBackToTheCpuWithANotice) {
  const CudaStatus s = cuda_status();
  if (s.built && s.device_count > 0) GTEST_SKIP() << "a CUDA device is visible";
  const ModelData m = small_model();
  std::string notice;
  std::unique_ptr<Evaluator> ev = make_evaluator(parse_device("auto"), m, 1, &notice);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->name(), "cpu (1 thread)");
  EXPECT_NE(notice.find("no CUDA device"), std::string::npos) << notice;
  EXPECT_NE(notice.find("cpu (1 thread)"), std::string::npos) << notice;
  expect_working_evaluator(*ev);
  EXPECT_NO_THROW(make_evaluator(parse_device("auto"), m, 1, nullptr));
}

TEST(Device, OrdinalBeyondVisibleDevicesIsBackendUnavailable) {
  const CudaStatus s = cuda_status();
  if (!s.built || s.device_count == 0) GTEST_SKIP() << "no CUDA device visible";
  const ModelData m = small_model();
  const std::string text = "cuda:" + std::to_string(s.device_count);
  EXPECT_THROW(make_evaluator(parse_device(text), m, 1, nullptr), BackendUnavailable);
}

TEST(Device, AutoPicksCudaWhenVisible) {
  const CudaStatus s = cuda_status();
  if (!s.built || s.device_count == 0) GTEST_SKIP() << "no CUDA device visible";
  const ModelData m = small_model();
  std::string notice;
  std::unique_ptr<Evaluator> ev = make_evaluator(parse_device("auto"), m, 1, &notice);
  EXPECT_NE(notice.find("CUDA device 0"), std::string::npos) << notice;
  EXPECT_EQ(ev->name().find("cpu"), std::string::npos) << ev->name();
  expect_working_evaluator(*ev);
}

}  // namespace
}  // namespace mmm
