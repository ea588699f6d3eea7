#pragma once
// A fixed set of worker threads that split an index range. Created once per run so that a
// DE generation of 30 candidates does not pay for thread creation every call.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mmm {

/// Upper bound for --threads / run.threads: far above any real machine, low enough to catch typos.
constexpr int kMaxThreads = 1024;

class ThreadPool {
 public:
  /// threads ≤ 0: one per hardware thread. When the system refuses to start them all (a
  /// process limit, address space), the pool keeps half of the workers it did start (leaving
  /// room for the run's allocations) and notice() says so; it never throws for that.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Empty when every requested thread started; otherwise one line saying how many did.
  std::string notice() const;

  /// Calls fn(begin, end, worker) on contiguous chunks covering [0, n); worker ∈ [0, size()).
  /// The calling thread takes part. Blocks until every chunk is done; rethrows the first
  /// exception a chunk threw.
  void parallel_for(int n, const std::function<void(int, int, int)>& fn);

 private:
  void worker_loop(int worker);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int, int, int)>* job_ = nullptr;
  int job_n_ = 0;
  long generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  int retire_from_ = 1 << 30;  ///< workers numbered ≥ this exit (set when starting fell short)
  int started_ = 1;            ///< threads that started, the calling thread included
  int requested_ = 1;          ///< threads asked for, the calling thread included
  std::string shortfall_;      ///< why a worker could not be started (empty: all started)
};

/// Number of hardware threads (at least 1).
int hardware_threads();

}  // namespace mmm
