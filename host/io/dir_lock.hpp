#pragma once
// An exclusive lock on an output folder (flock on the folder itself, so no lock file appears
// among the results), so two runs writing into the same --out cannot interleave their files:
// the second is refused with exit 2.

#include <memory>
#include <string>

namespace mmm {

class DirLock {
 public:
  /// Takes the lock on the existing folder `dir`; InputError (exit 2) when another process
  /// holds it or the folder cannot be opened.
  explicit DirLock(const std::string& dir);
  /// The lock when no other process holds it, nullptr when one does (a reader that wants to
  /// finish an interrupted commit, host/io/committed_folder.hpp). InputError when the folder
  /// cannot be opened.
  static std::unique_ptr<DirLock> try_take(const std::string& dir);
  /// Releases the lock.
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
  DirLock() = default;
};

}  // namespace mmm
