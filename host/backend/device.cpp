#include "host/backend/device.hpp"

#include <cctype>

#include "host/backend/cpu_evaluator.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/common/errors.hpp"

namespace mmm {

DeviceChoice parse_device(const std::string& text) {
  DeviceChoice c;
  if (text == "auto") return c;
  if (text == "cpu") {
    c.kind = DeviceChoice::Kind::kCpu;
    return c;
  }
  if (text == "cuda") {
    c.kind = DeviceChoice::Kind::kCuda;
    return c;
  }
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 9) {
    bool digits = true;
    for (size_t i = 5; i < text.size(); ++i)
      digits = digits && std::isdigit(static_cast<unsigned char>(text[i]));
    if (digits) {
      c.kind = DeviceChoice::Kind::kCuda;
      c.ordinal = std::stoi(text.substr(5));
      return c;
    }
  }
  throw InputError("invalid --device `" + text +
                   "`; expected one of: auto, cpu, cuda, cuda:<ordinal>");
}

std::unique_ptr<Evaluator> make_evaluator(const DeviceChoice& choice, const ModelData& data,
                                          int threads, std::string* notice) {
  if (choice.kind == DeviceChoice::Kind::kCpu) {
    return std::make_unique<cpu::CpuEvaluator>(data, threads);
  }
  const CudaStatus status = cuda_status();
  if (choice.kind == DeviceChoice::Kind::kAuto) {
    if (status.device_count > 0) {
      if (notice) *notice = "using CUDA device 0: " + status.devices.front();
      return create_cuda_evaluator(data, 0);
    }
    auto cpu = std::make_unique<cpu::CpuEvaluator>(data, threads);
    if (notice) {
      *notice = std::string("no CUDA device ") +
                (status.built ? "visible" : "support in this build") + "; using the " + cpu->name();
    }
    return cpu;
  }
  if (!status.built) {
    throw BackendUnavailable(
        "--device " +
        std::string(choice.ordinal ? "cuda:" + std::to_string(choice.ordinal) : "cuda") +
        ": this build has no CUDA backend (rebuild with -DMMM_ENABLE_CUDA=ON "
        "where nvcc is installed), or use --device cpu");
  }
  if (choice.ordinal >= status.device_count) {
    throw BackendUnavailable(
        "--device cuda" + (choice.ordinal ? ":" + std::to_string(choice.ordinal) : std::string()) +
        ": " + std::to_string(status.device_count) + " CUDA device(s) visible" +
        (status.detail.empty() ? "" : " (" + status.detail + ")") +
        "; use --device cpu or --device auto");
  }
  return create_cuda_evaluator(data, choice.ordinal);
}

}  // namespace mmm
