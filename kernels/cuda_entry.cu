// The entry points host/backend/cuda_switch.cpp calls (host/backend/cuda_entry.hpp).
// The only kernels/ file that sees ModelData (and so Eigen): it copies the problem into plain
// arrays and touches Eigen objects through element access only, so no Eigen algorithm is
// instantiated here under nvcc's host flags (which differ from the g++ flags of host/).

#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "host/backend/cuda_entry.hpp"
#include "host/common/errors.hpp"
#include "kernels/cuda_batched_spd_solver.cuh"
#include "kernels/cuda_evaluator.cuh"
#include "kernels/cuda_math_libraries.cuh"
#include "kernels/gram_kernels.cuh"

namespace mmm::cuda {
namespace {

std::string version_string(int v) {
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

/// The problem with controls and y shifted by their full-sample means, exactly the shift of
/// CpuEvaluator (the centered cross-products are then differences of small numbers).
ResidentProblem resident_problem(const ModelData& data) {
  ResidentProblem r;
  const int T = data.rows(), C = data.channels(), K = data.control_count(), nf = K + 2;
  r.periods = T;
  r.channels = C;
  r.controls = K;
  r.ridge_lambda = data.ridge_lambda;
  r.penalty_weight = data.penalty_weight;
  r.nonnegative_media = data.nonnegative_media ? 1 : 0;
  for (const SaturationShape shape : data.saturation)
    r.saturation.push_back(static_cast<int>(shape));
  r.spend.resize(static_cast<std::size_t>(T) * C);
  for (int t = 0; t < T; ++t)
    for (int c = 0; c < C; ++c) r.spend[static_cast<std::size_t>(t) * C + c] = data.spend(t, c);
  r.shift.assign(C + K + 2, 0.0);
  auto mean = [T](auto&& value) {
    double s = 0.0;
    for (int t = 0; t < T; ++t) s += value(t);
    return T > 0 ? s / T : 0.0;
  };
  for (int k = 0; k < K; ++k) r.shift[1 + C + k] = mean([&](int t) { return data.controls(t, k); });
  r.shift[C + K + 1] = mean([&](int t) { return data.y(t); });
  r.fixed.resize(static_cast<std::size_t>(T) * nf);
  for (int t = 0; t < T; ++t) {
    double* f = r.fixed.data() + static_cast<std::size_t>(t) * nf;
    f[0] = 1.0;
    for (int k = 0; k < K; ++k) f[1 + k] = data.controls(t, k) - r.shift[1 + C + k];
    f[K + 1] = data.y(t) - r.shift[C + K + 1];
  }
  return r;
}

/// "NAME (compute X.Y, N MiB)", or why the properties could not be read.
std::string device_description(int d) {
  cudaDeviceProp prop{};
  const cudaError_t status = cudaGetDeviceProperties(&prop, d);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return "device " + std::to_string(d) + " (properties unavailable: " + cudaGetErrorName(status) +
           ")";
  }
  return std::string(prop.name) + " (compute " + std::to_string(prop.major) + "." +
         std::to_string(prop.minor) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB)";
}

/// BackendUnavailable unless `ordinal` names a visible device.
void require_visible(int ordinal) {
  std::string detail;
  const int count = visible_device_count(&detail);
  if (ordinal < 0 || ordinal >= count) {
    throw BackendUnavailable("--device cuda:" + std::to_string(ordinal) + ": " +
                             std::to_string(count) + " CUDA device(s) visible" +
                             (detail.empty() ? "" : " (" + detail + ")") +
                             "; use --device cpu or --device auto");
  }
}

}  // namespace

int visible_device_count(std::string* detail) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status == cudaSuccess) {
    // A GPU this build has no code for (an architecture below the compute_80 PTX, or one left
    // out of CMAKE_CUDA_ARCHITECTURES) would fail at the first launch; it is not counted, so
    // `auto` takes the CPU. Devices keep CUDA's ordinals, so counting stops at the first.
    for (int d = 0; d < count; ++d) {
      const cudaError_t image = kernel_image_status(d);
      if (image == cudaSuccess) continue;
      if (detail != nullptr) {
        *detail = "device " + std::to_string(d) + " (" + device_description(d) +
                  ") cannot run this build's kernels: " + cudaGetErrorName(image) + " (" +
                  cudaGetErrorString(image) +
                  "); rebuild with CMAKE_CUDA_ARCHITECTURES including its compute capability";
      }
      return d;
    }
    return count;
  }
  // No GPU (cudaErrorNoDevice), no or too old a driver (cudaErrorInsufficientDriver) and
  // every other failure here mean "no usable device", which is not an error (SPEC §2).
  cudaGetLastError();
  if (detail != nullptr) {
    int runtime = 0, driver = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    *detail = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status) +
              " (CUDA runtime " + version_string(runtime) + ", driver " +
              (driver > 0 ? version_string(driver) : std::string("none")) + ")";
  }
  return 0;
}

std::vector<std::string> device_descriptions() {
  std::vector<std::string> out;
  const int count = visible_device_count(nullptr);
  for (int d = 0; d < count; ++d) out.push_back(device_description(d));
  return out;
}

std::unique_ptr<Evaluator> make_cuda_evaluator(const ModelData& data, int ordinal,
                                               const CudaEvaluatorOptions& options) {
  require_visible(ordinal);
  return std::make_unique<CudaEvaluator>(resident_problem(data), ordinal,
                                         CudaEvaluator::kDefaultMaxChunk, options);
}

std::string math_library_problem() {
  try {
    math_libraries();
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

std::unique_ptr<BatchedSpdSolver> make_cuda_batched_spd_solver(int ordinal) {
  require_visible(ordinal);
  const std::string problem = math_library_problem();
  if (!problem.empty()) throw BackendUnavailable(problem);
  return std::make_unique<CudaBatchedSpdSolver>(ordinal);
}

}  // namespace mmm::cuda
