#include "cli/job.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "host/backend/device.hpp"
#include "host/distributed/rank_device.hpp"

namespace mmm::cli {
namespace {

std::unique_ptr<Communicator>& job_slot() {
  static std::unique_ptr<Communicator> slot;
  return slot;
}

}  // namespace

void join_job(int* argc, char*** argv) { job_slot() = make_world_communicator(argc, argv); }

void leave_job() { job_slot().reset(); }

const Communicator& job() { return job_slot() ? *job_slot() : single_process(); }

int fail(int code, const std::string& message) {
  const Communicator& c = job();
  if (c.size() <= 1) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return code;
  }
  std::fprintf(stderr, "error: rank %d of %d: %s\n", c.rank(), c.size(), message.c_str());
  std::fflush(stderr);
  std::fflush(stdout);
  c.abort(code);
  return code;  // not reached: abort ends the job
}

std::string rank_device(const std::string& device) {
  const Communicator& c = job();
  if (device != "auto" || c.size() <= 1) return device;
  const CudaStatus status = cuda_status();
  return device_for_rank(device, c.size(), c.local_rank(),
                         status.emulated ? 0 : status.device_count);
}

int rank_threads(int threads) {
  const Communicator& c = job();
  if (threads != 0 || c.local_size() <= 1) return threads;
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, hardware / c.local_size());
}

}  // namespace mmm::cli
