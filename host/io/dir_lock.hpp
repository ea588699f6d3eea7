#pragma once
// An exclusive lock on an output folder (`DIR/.mmm.lock`, flock), so two runs writing into the
// same --out cannot interleave their files: the second is refused at once with exit 2. The
// lock file is removed again when the lock is released.

#include <string>

namespace mmm {

class DirLock {
 public:
  /// Takes the lock on the existing folder `dir`; InputError (exit 2) when another process
  /// holds it or the lock file cannot be created.
  explicit DirLock(const std::string& dir);
  /// Removes the lock file and releases the lock.
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

  /// The lock file's name inside the folder.
  static constexpr const char* kFileName = ".mmm.lock";

 private:
  std::string path_;  ///< DIR/.mmm.lock
  int fd_ = -1;
};

}  // namespace mmm
