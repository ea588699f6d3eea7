#include "host/common/cancellation.hpp"

namespace mmm {
namespace {

// Per thread: the pipeline's own thread pools report progress from the thread that started
// the run, and a second run on another thread has its own flag.
thread_local const std::atomic<bool>* t_stop = nullptr;

}  // namespace

CancellationScope::CancellationScope(const std::atomic<bool>* stop) : previous_(t_stop) {
  t_stop = stop;
}

CancellationScope::~CancellationScope() { t_stop = previous_; }

void throw_if_cancelled() {
  if (t_stop != nullptr && t_stop->load(std::memory_order_relaxed)) throw Cancelled();
}

}  // namespace mmm
