#include "host/common/input_file.hpp"

#include <sys/stat.h>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

void require_regular_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  if (S_ISREG(st.st_mode)) return;
  throw InputError("cannot read " + what + " `" + path + "`: it is " + kind_of(st.st_mode) +
                   "; expected a regular file");
}

}  // namespace mmm
