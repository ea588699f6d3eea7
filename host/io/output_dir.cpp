#include "host/io/output_dir.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "host/common/errors.hpp"
#include "host/common/quoted_excerpt.hpp"

namespace mmm {
namespace fs = std::filesystem;
namespace {

std::string temp_name(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / ("." + name + ".tmp" + std::to_string(::getpid()))).string();
}

// Every component of the path within NAME_MAX and the whole (with room for the temporary
// file names inside it) within PATH_MAX; otherwise the first write, after the fit, would fail.
void check_name_lengths(const std::string& path) {
  std::error_code ec;
  const std::string absolute = fs::absolute(path, ec).string();
  constexpr std::size_t kRoomForFiles = 64;
  if (ec || absolute.size() + kRoomForFiles > PATH_MAX) {
    throw InputError("cannot write to --out `" + quoted_excerpt(path) + "`: the path is " +
                     std::to_string(absolute.size()) + " bytes long; expected at most " +
                     std::to_string(PATH_MAX - kRoomForFiles));
  }
  for (const fs::path& part : fs::path(path)) {
    if (part.string().size() > NAME_MAX) {
      throw InputError("cannot write to --out `" + quoted_excerpt(path) + "`: the name `" +
                       quoted_excerpt(part.string()) + "` is " +
                       std::to_string(part.string().size()) + " bytes long; expected at most " +
                       std::to_string(NAME_MAX));
    }
  }
}

}  // namespace

OutputDir::OutputDir(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw InputError("--out is empty; expected a folder to write results into");
  check_name_lengths(path_);
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      throw InputError("cannot write to --out `" + path_ + "`: it exists and is not a folder");
    }
    if (::access(path_.c_str(), W_OK | X_OK) != 0) {
      throw InputError("cannot write to --out `" + path_ + "`: " + std::strerror(errno));
    }
    lock_ = std::make_unique<DirLock>(path_);
    return;
  }
  if (errno != ENOENT) {
    // A symbolic link loop, a name too long, a file used as a folder: known now, not after
    // the whole fit.
    throw InputError("cannot write to --out `" + path_ + "`: " + std::strerror(errno));
  }
  // The folder is created only when the results are written, so a run that fails on bad
  // input leaves nothing behind; here we only check that it could be created. The nearest
  // ancestor that exists (as anything, a dangling link included) must be a writable folder.
  std::error_code ec;
  fs::path ancestor = fs::absolute(path_, ec);
  while (!ancestor.empty() && !fs::exists(fs::symlink_status(ancestor, ec)) &&
         ancestor != ancestor.parent_path()) {
    ancestor = ancestor.parent_path();
  }
  if (fs::is_symlink(fs::symlink_status(ancestor, ec)) && !fs::exists(ancestor, ec)) {
    throw InputError("cannot create --out `" + path_ + "`: `" + ancestor.string() +
                     "` is a symbolic link to a missing target");
  }
  if (!fs::is_directory(ancestor, ec)) {
    throw InputError("cannot create --out `" + path_ + "`: `" + ancestor.string() +
                     "` is not a folder");
  }
  if (::access(ancestor.c_str(), W_OK | X_OK) != 0) {
    throw InputError("cannot create --out `" + path_ + "`: `" + ancestor.string() +
                     "`: " + std::strerror(errno));
  }
}

OutputDir::~OutputDir() {
  if (committed_) return;
  open_.reset();
  std::error_code ec;
  for (const auto& n : names_) fs::remove(temp_name(path_, n), ec);
  // A folder this run created and never filled goes too (fs::remove leaves non-empty ones).
  if (created_) fs::remove(path_, ec);
}

void OutputDir::create_folder() {
  if (!names_.empty()) return;
  std::error_code ec;
  created_ = !fs::exists(path_, ec);
  fs::create_directories(path_, ec);
  if (ec) throw std::runtime_error("cannot create `" + path_ + "`: " + ec.message());
  // A folder that did not exist at the start is locked once it does: a second run that
  // created it first is then refused here, before it writes anything.
  if (!lock_) lock_ = std::make_unique<DirLock>(path_);
}

void OutputDir::close_stream() {
  if (!open_) return;
  open_->close();
  const bool ok = !open_->fail();
  open_.reset();
  if (!ok) {
    throw std::runtime_error("failed to write `" + temp_name(path_, names_.back()) +
                             "`: " + std::strerror(errno));
  }
}

std::ostream& OutputDir::stream(const std::string& name) {
  close_stream();
  create_folder();
  const std::string tmp = temp_name(path_, name);
  open_ = std::make_unique<std::ofstream>(tmp, std::ios::binary);
  names_.push_back(name);
  if (!*open_) throw std::runtime_error("cannot write `" + tmp + "`: " + std::strerror(errno));
  return *open_;
}

void OutputDir::add(const std::string& name, const std::string& content) {
  close_stream();
  create_folder();
  const std::string tmp = temp_name(path_, name);
  std::ofstream out(tmp, std::ios::binary);
  names_.push_back(name);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("failed to write `" + tmp + "`: " + std::strerror(errno));
}

void OutputDir::commit() {
  close_stream();
  for (const auto& n : names_) {
    std::error_code ec;
    fs::rename(temp_name(path_, n), fs::path(path_) / n, ec);
    if (ec)
      throw std::runtime_error("failed to move `" + n + "` into `" + path_ + "`: " + ec.message());
  }
  committed_ = true;
}

}  // namespace mmm
