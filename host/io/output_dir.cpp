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
  } else if (errno != ENOENT) {
    // A symbolic link loop, a name too long, a file used as a folder: known now, not after
    // the whole fit.
    throw InputError("cannot write to --out `" + path_ + "`: " + std::strerror(errno));
  } else {
    create_missing_folders();
  }
  try {
    lock_ = std::make_unique<DirLock>(path_);
  } catch (...) {
    remove_created_folders();
    throw;
  }
}

void OutputDir::create_missing_folders() {
  std::error_code ec;
  const fs::path target = fs::absolute(path_, ec);
  // The nearest ancestor that exists (as anything, a dangling link included) must be a folder
  // we may write into; the missing ones below it are created now so the folder can be locked.
  std::vector<fs::path> missing;
  fs::path ancestor = target;
  while (!ancestor.empty() && !fs::exists(fs::symlink_status(ancestor, ec))) {
    missing.push_back(ancestor);
    if (ancestor == ancestor.parent_path()) break;
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
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      remove_created_folders();
      throw InputError("cannot create --out `" + path_ + "`: `" + it->string() +
                       "`: " + ec.message());
    }
    created_.push_back(*it);
  }
}

void OutputDir::remove_created_folders() {
  // Deepest first; fs::remove leaves a folder that is not empty.
  std::error_code ec;
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
  created_.clear();
}

OutputDir::~OutputDir() {
  if (committed_) return;
  open_.reset();
  std::error_code ec;
  for (const auto& n : names_) fs::remove(temp_name(path_, n), ec);
  lock_.reset();  // its file goes first, so a folder this run created is empty again
  remove_created_folders();
}

void OutputDir::create_folder() {
  // Created (and locked) by the constructor; this only notices that it was removed since.
  std::error_code ec;
  if (!fs::is_directory(path_, ec)) {
    throw std::runtime_error("output folder `" + path_ + "` disappeared during the run");
  }
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
