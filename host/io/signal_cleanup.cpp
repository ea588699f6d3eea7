#include "host/io/signal_cleanup.hpp"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace mmm {
namespace {

struct Slot {
  std::atomic<bool> used{false};
  char path[PATH_MAX] = {};
};

Slot g_slots[kMaxTrackedTemporaries];
std::atomic<bool> g_committing{false};
std::atomic<int> g_held_signal{0};
std::atomic<bool> g_in_handler{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs lock-free flags");
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free ints");

// Async-signal-safe: unlink only.
void unlink_tracked() {
  for (Slot& s : g_slots) {
    if (s.used.load()) ::unlink(s.path);
  }
}

[[noreturn]] void end_by(int sig) {
  unlink_tracked();
  ::signal(sig, SIG_DFL);
  // Inside the handler the signal is blocked: unblocked, the raised one is delivered now.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);  // not reached: the default action of SIGINT/SIGTERM ends the process
}

extern "C" void on_cleanup_signal(int sig) {
  // With CommitWindow's constructor, a Dekker pair (both sequentially consistent): either the
  // handler sees the commit and holds the signal, or the commit waits for the handler, which
  // ends the process before the first rename.
  g_in_handler.store(true);
  if (g_committing.load()) {
    g_held_signal.store(sig);
    g_in_handler.store(false);
    return;
  }
  end_by(sig);
}

}  // namespace

void track_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return;
  for (Slot& s : g_slots) {
    if (s.used.load()) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.used.store(true);  // published only once the path is whole
    return;
  }
}

void untrack_temporary(const std::string& path) {
  for (Slot& s : g_slots) {
    if (s.used.load() && path == s.path) s.used.store(false);
  }
}

int tracked_temporary_count() {
  int n = 0;
  for (const Slot& s : g_slots) n += s.used.load() ? 1 : 0;
  return n;
}

RemoveTemporariesOnSignal::RemoveTemporariesOnSignal() {
  struct sigaction sa = {};
  sa.sa_handler = on_cleanup_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

RemoveTemporariesOnSignal::~RemoveTemporariesOnSignal() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

CommitWindow::CommitWindow() {
  g_committing.store(true);
  while (g_in_handler.load()) ::usleep(1000);  // a handler on another thread is ending the run
}

CommitWindow::~CommitWindow() {
  g_committing.store(false);
  const int sig = g_held_signal.exchange(0);
  if (sig != 0) end_by(sig);
}

}  // namespace mmm
