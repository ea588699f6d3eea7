#include "host/common/thread_pool.hpp"

#include <exception>

namespace mmm {

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = hardware_threads();
  requested_ = threads;
  // A worker that fails to start must not unwind the constructor: the ones already running
  // would be destroyed joinable (std::terminate). Keep them and run with fewer.
  try {
    workers_.reserve(static_cast<size_t>(threads - 1));
    for (int w = 1; w < threads; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
  } catch (const std::exception& e) {
    shortfall_ = e.what();
    started_ = static_cast<int>(workers_.size()) + 1;
    // The limit that stopped us (address space for stacks, a process count) binds the run's
    // own allocations too: hand back half of the threads we got so the work has room.
    const std::size_t keep = workers_.size() / 2;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      retire_from_ = static_cast<int>(keep) + 1;
    }
    wake_.notify_all();
    for (std::size_t i = keep; i < workers_.size(); ++i) workers_[i].join();
    workers_.resize(keep);
  }
}

std::string ThreadPool::notice() const {
  if (shortfall_.empty()) return "";
  return "could start only " + std::to_string(started_) + " of " + std::to_string(requested_) +
         " threads (" + shortfall_ + "); running with " + std::to_string(size());
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

namespace {
void chunk_of(int n, int parts, int index, int& begin, int& end) {
  const int base = n / parts, extra = n % parts;
  begin = index * base + (index < extra ? index : extra);
  end = begin + base + (index < extra ? 1 : 0);
}
}  // namespace

void ThreadPool::parallel_for(int n, const std::function<void(int, int, int)>& fn) {
  if (n <= 0) return;
  const int parts = size();
  if (parts == 1 || n == 1) {
    fn(0, n, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    job_n_ = n;
    pending_ = parts - 1;
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  std::exception_ptr mine;
  try {
    int b, e;
    chunk_of(n, parts, 0, b, e);
    if (b < e) fn(b, e, 0);
  } catch (...) {
    mine = std::current_exception();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
  if (mine) std::rethrow_exception(mine);
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::worker_loop(int worker) {
  long seen = 0;
  for (;;) {
    const std::function<void(int, int, int)>* job;
    int n;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || worker >= retire_from_ || generation_ != seen; });
      if (stop_ || worker >= retire_from_) return;
      seen = generation_;
      job = job_;
      n = job_n_;
    }
    std::exception_ptr err;
    try {
      int b, e;
      chunk_of(n, size(), worker, b, e);
      if (b < e) (*job)(b, e, worker);
    } catch (...) {
      err = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (err && !error_) error_ = err;
      if (--pending_ == 0) done_.notify_all();
    }
  }
}

}  // namespace mmm
