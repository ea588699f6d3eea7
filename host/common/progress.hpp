#pragma once
// A one-line progress bar on stderr for long work (SPEC §11): shown only when stderr is a
// terminal and --quiet is off; redrawn at most ~10 times a second. Its constructor and update()
// are also the points where a run stops when asked to (host/common/cancellation.hpp).

#include <chrono>
#include <string>

namespace mmm {

class ProgressBar {
 public:
  /// `total` units of work; `enabled` false makes every call a no-op.
  ProgressBar(std::string label, long total, bool enabled);
  ~ProgressBar();
  /// Reports `done` units finished; `detail` is appended (e.g. "best loss 0.1234"). Throws
  /// Cancelled when the thread's stop flag is set (so does the constructor).
  void update(long done, const std::string& detail = "");
  /// Draws the final state and ends the line.
  void finish(const std::string& detail = "");

  /// True when stderr is an interactive terminal.
  static bool stderr_is_terminal();

 private:
  void draw(long done, const std::string& detail);
  std::string label_;
  long total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace mmm
