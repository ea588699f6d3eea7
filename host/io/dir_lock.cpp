#include "host/io/dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/common/errors.hpp"

namespace mmm {

DirLock::DirLock(const std::string& dir) : path_(dir + "/" + kFileName) {
  // A holder removes the file before it unlocks, so a file we opened may have been unlinked
  // between our open() and flock(): then it no longer guards the folder and we try again.
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
      throw InputError("cannot lock --out `" + dir + "`: cannot create `" + path_ +
                       "`: " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK) {
        throw InputError("--out `" + dir + "` is in use by another mmm run (it holds `" + path_ +
                         "`); wait for that run to finish or choose another folder");
      }
      throw InputError("cannot lock --out `" + dir + "`: " + std::strerror(err));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw InputError("cannot lock --out `" + dir + "`: `" + path_ + "` keeps being replaced");
}

DirLock::~DirLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace mmm
