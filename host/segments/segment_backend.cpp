#include "host/segments/segment_backend.hpp"

#include "host/backend/cuda_switch.hpp"

namespace mmm {
namespace {

std::string cpu_name(int threads) {
  return "cpu (" + std::to_string(threads) + " threads, segments in parallel)";
}

}  // namespace

SegmentBackend make_segment_backend(const DeviceChoice& choice, int segments, int threads,
                                    const CudaStatus& status, const CudaSolverFactory& make_cuda) {
  SegmentBackend b;
  const ResolvedDevice device = resolve_device(choice, status);
  const bool automatic = choice.kind == DeviceChoice::Kind::kAuto;
  if (device.cuda && automatic && segments < kMinSegmentsForCuda) {
    b.name = cpu_name(threads);
    b.notice = "CUDA device " + std::to_string(device.ordinal) + " visible, but " +
               std::to_string(segments) + " segment(s) are fewer than the " +
               std::to_string(kMinSegmentsForCuda) +
               " from which --device auto batches the segment solves on the GPU; using the " +
               b.name + " (--device cuda forces the GPU)";
    return b;
  }
  if (!device.cuda) {
    b.name = cpu_name(threads);
    if (automatic) b.notice = device.reason + "; using the " + b.name;
    return b;
  }
  b.solver = make_cuda(device.ordinal);
  b.name =
      b.solver->name() + " for the batched segment solves; designs on the " + cpu_name(threads);
  if (automatic) b.notice = device.reason + " for the batched segment solves";
  return b;
}

SegmentBackend make_segment_backend(const std::string& device, int segments, int threads) {
  const DeviceChoice choice = parse_device(device);
  // An explicit cpu needs no probe of the driver.
  const CudaStatus status = choice.kind == DeviceChoice::Kind::kCpu ? CudaStatus{} : cuda_status();
  return make_segment_backend(choice, segments, threads, status, create_cuda_batched_spd_solver);
}

}  // namespace mmm
