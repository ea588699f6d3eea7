#include "host/io/dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/common/errors.hpp"

namespace mmm {

DirLock::DirLock(const std::string& dir) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) {
    throw InputError("cannot lock --out `" + dir + "`: " + std::strerror(errno));
  }
  // Non-blocking: a second writer is told at once instead of waiting for a long fit.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw InputError("--out `" + dir +
                       "` is in use by another mmm run writing into it; wait for that run to "
                       "finish or choose another folder");
    }
    throw InputError("cannot lock --out `" + dir + "`: " + std::strerror(err));
  }
}

std::unique_ptr<DirLock> DirLock::try_take(const std::string& dir) {
  std::unique_ptr<DirLock> lock(new DirLock());
  lock->fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock->fd_ < 0) throw InputError("cannot open `" + dir + "`: " + std::strerror(errno));
  if (::flock(lock->fd_, LOCK_EX | LOCK_NB) != 0) return nullptr;
  return lock;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mmm
