#pragma once
// Temporaries removed at the signal itself (issue 13, defect 8c). An output set is written as
// `.NAME.tmpPID` files first; SIGINT or SIGTERM in that phase would otherwise leave them until
// the next run into the folder. OutputDir tracks every temporary it creates in a fixed table
// that a signal handler can walk with async-signal-safe calls only (unlink), and
// RemoveTemporariesOnSignal installs that handler for the write phase of a command.
//
// A signal that arrives while a commit renames the files into place is held until the commit
// has finished (CommitWindow), so the folder ends as the new complete set rather than half of
// it; the process then ends by that signal as it would have.

#include <csignal>
#include <string>

namespace mmm {

/// Temporaries tracked at once; more (never the case for mmm's sets) are left to the next
/// run's sweep of stale temporaries.
constexpr int kMaxTrackedTemporaries = 64;

/// Records `path` as a temporary the handler removes.
void track_temporary(const std::string& path);
/// Forgets `path` (renamed into place, or removed).
void untrack_temporary(const std::string& path);
/// The paths tracked now (for tests).
int tracked_temporary_count();

/// While alive, SIGINT and SIGTERM remove every tracked temporary and then end the process by
/// the same signal with the default action (exit status 128 + signal in a shell). Restores the
/// previous handlers when destroyed.
class RemoveTemporariesOnSignal {
 public:
  RemoveTemporariesOnSignal();
  ~RemoveTemporariesOnSignal();
  RemoveTemporariesOnSignal(const RemoveTemporariesOnSignal&) = delete;
  RemoveTemporariesOnSignal& operator=(const RemoveTemporariesOnSignal&) = delete;

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

/// Marks a commit in progress: the handler above holds a signal back instead of acting, and
/// the destructor acts on it once the commit is over (removing what is still tracked, then
/// ending the process by that signal).
class CommitWindow {
 public:
  CommitWindow();
  ~CommitWindow();
  CommitWindow(const CommitWindow&) = delete;
  CommitWindow& operator=(const CommitWindow&) = delete;
};

}  // namespace mmm
