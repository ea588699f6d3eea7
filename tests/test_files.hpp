#pragma once
// Scratch folders and small text files for tests: read and write whole files, list a
// folder, expect an InputError. Shared by the unit tests and the CLI tests (cli_runner.hpp).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/common/errors.hpp"

namespace mmm::test {

namespace fs = std::filesystem;

/// Reads a whole file ("" when it cannot be opened).
inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Writes `content` to `path` byte for byte (fails the test when it cannot).
inline void write_text(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

/// A fresh scratch folder under the system temp folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string name_template = (fs::temp_directory_path() / "mmm_cli_XXXXXX").string();
    std::vector<char> name(name_template.begin(), name_template.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << name_template;
      return;
    }
    path_ = name.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  /// `path() / name` as a string, ready to pass as an argument.
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to `path() / name` and returns that path.
  std::string write(const std::string& name, const std::string& content) const {
    write_text(path_ / name, content);
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

/// Names of the entries in `dir`, sorted (empty when it does not exist).
inline std::vector<std::string> file_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// Runs `fn`, expects an InputError, and returns its message ("" when none was thrown).
template <typename Fn>
std::string input_error(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

/// Whether `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace mmm::test
