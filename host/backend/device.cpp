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

ResolvedDevice resolve_device(const DeviceChoice& choice, const CudaStatus& status) {
  ResolvedDevice r;
  if (choice.kind == DeviceChoice::Kind::kCpu) return r;
  if (choice.kind == DeviceChoice::Kind::kAuto) {
    if (status.device_count > 0 && status.emulated) {
      // An emulated device is slower than the CPU backend and only there to test the kernels.
      r.reason = "the CUDA device is emulated (HIP-CPU), not a GPU";
    } else if (status.device_count > 0) {
      r.cuda = true;
      r.reason = "using CUDA device 0: " +
                 (status.devices.empty() ? std::string("(no description)") : status.devices[0]);
    } else {
      r.reason =
          std::string("no CUDA device ") + (status.built ? "visible" : "support in this build");
    }
    return r;
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
  r.cuda = true;
  r.ordinal = choice.ordinal;
  return r;
}

std::unique_ptr<Evaluator> make_evaluator(const DeviceChoice& choice, const ModelData& data,
                                          int threads, std::string* notice) {
  if (choice.kind == DeviceChoice::Kind::kCpu) {
    auto cpu = std::make_unique<cpu::CpuEvaluator>(data, threads);
    if (notice && !cpu->thread_notice().empty()) *notice = cpu->thread_notice();
    return cpu;
  }
  const ResolvedDevice device = resolve_device(choice, cuda_status());
  if (device.cuda) {
    if (notice && choice.kind == DeviceChoice::Kind::kAuto) *notice = device.reason;
    return create_cuda_evaluator(data, device.ordinal);
  }
  auto cpu = std::make_unique<cpu::CpuEvaluator>(data, threads);
  if (notice) {
    *notice = device.reason + "; using the " + cpu->name();
    if (!cpu->thread_notice().empty()) *notice += "; " + cpu->thread_notice();
  }
  return cpu;
}

}  // namespace mmm
