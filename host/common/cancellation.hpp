#pragma once
// Stopping a long run from outside it (the Python module's Ctrl-C, docs/python.md): the caller
// installs a stop flag for the thread that runs the pipeline, and every progress point of that
// thread (ProgressBar, host/common/progress.hpp) throws Cancelled once the flag is set. The
// long loops (searches, bootstraps, segmented CV) all report progress, so a stop is honoured
// within one batch of work. Without a scope nothing changes: the CLI never installs one.

#include <atomic>
#include <stdexcept>

namespace mmm {

/// Thrown at a progress point once the installed stop flag is set. Not an InputError.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("stopped at the caller's request") {}
};

/// Installs `stop` for the calling thread for the scope's lifetime (the previous one after).
class CancellationScope {
 public:
  explicit CancellationScope(const std::atomic<bool>* stop);
  ~CancellationScope();
  CancellationScope(const CancellationScope&) = delete;
  CancellationScope& operator=(const CancellationScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

/// Throws Cancelled when the calling thread's installed stop flag is set; no-op without one.
void throw_if_cancelled();

}  // namespace mmm
