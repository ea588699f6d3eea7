#pragma once
// Runs a long engine call with the GIL released, interruptible with Ctrl-C (docs/python.md).
//
// The work runs on its own thread with a stop flag installed (host/common/cancellation.hpp);
// the calling thread waits for it without the GIL and, every kPollInterval, takes the GIL
// briefly to run Python's signal handlers (PyErr_CheckSignals only does so on the main
// thread, which is where a notebook's calls come from). When a handler raises —
// KeyboardInterrupt for Ctrl-C — the stop flag is set, the work stops at its next progress
// point (or, for a sweep, after the chunk in flight), and that exception is raised instead of
// a result. Other Python threads run meanwhile: the GIL is only held for the checks.

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "host/common/cancellation.hpp"

namespace mmm::python {

constexpr std::chrono::milliseconds kPollInterval{50};

/// Calls work(stop) on a worker thread and returns its result; `stop` is the flag the work
/// passes on where it takes one (run_sweep) besides the installed CancellationScope. Call
/// with the GIL held; rethrows the work's exception, or raises the Python exception a signal
/// handler raised while it ran.
template <typename Work>
auto run_interruptible(Work&& work) -> decltype(work(std::declval<const std::atomic<bool>*>())) {
  using Result = decltype(work(std::declval<const std::atomic<bool>*>()));
  std::atomic<bool> stop{false};
  std::optional<Result> result;
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::optional<pybind11::error_already_set> interrupt;
  {
    pybind11::gil_scoped_release release;
    std::thread worker([&] {
      CancellationScope scope(&stop);
      try {
        result.emplace(work(&stop));
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      finished = true;
      finished_cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mutex);
    while (!finished_cv.wait_for(lock, kPollInterval, [&] { return finished; })) {
      if (interrupt) continue;  // already stopping: wait for the work to notice
      lock.unlock();
      {
        pybind11::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) interrupt.emplace();  // fetches the raised exception
      }
      if (interrupt) stop.store(true);
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (interrupt) throw std::move(*interrupt);
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace mmm::python
