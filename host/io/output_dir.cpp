#include "host/io/output_dir.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "host/common/errors.hpp"

namespace mmm {
namespace fs = std::filesystem;
namespace {

std::string temp_name(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / ("." + name + ".tmp" + std::to_string(::getpid()))).string();
}

}  // namespace

OutputDir::OutputDir(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw InputError("--out is empty; expected a folder to write results into");
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    if (!fs::is_directory(path_, ec)) {
      throw InputError("cannot write to --out `" + path_ + "`: it exists and is not a folder");
    }
    if (::access(path_.c_str(), W_OK | X_OK) != 0) {
      throw InputError("cannot write to --out `" + path_ + "`: " + std::strerror(errno));
    }
    return;
  }
  // The folder is created only when the results are written, so a run that fails on bad
  // input leaves nothing behind; here we only check that it could be created.
  fs::path ancestor = fs::absolute(path_, ec).parent_path();
  while (!ancestor.empty() && !fs::exists(ancestor, ec)) ancestor = ancestor.parent_path();
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
