#pragma once
// An exclusive lock on an output folder (flock on the folder itself, so no lock file appears
// among the results), so two runs writing into the same --out cannot interleave their files:
// the second is refused with exit 2.

#include <string>

namespace mmm {

class DirLock {
 public:
  /// Takes the lock on the existing folder `dir`; InputError (exit 2) when another process
  /// holds it or the folder cannot be opened.
  explicit DirLock(const std::string& dir);
  /// Releases the lock.
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mmm
