#pragma once
// Atomic output (SPEC §10): every file is written under a temporary name inside the output
// folder and renamed into place only after all of them were written. A failure before that
// removes the temporaries, so a run never leaves partial output behind.

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "host/io/dir_lock.hpp"

namespace mmm {

class OutputDir {
 public:
  /// Checks that the folder is writable, or creates it, and locks it (DirLock) against a second
  /// run writing into it; InputError (exit 2) naming the path and the reason otherwise (not a
  /// folder, a symbolic link loop or dangling link, a name too long, in use). Call before any
  /// long work.
  explicit OutputDir(std::string path);
  /// Removes temporaries that were not committed, the lock, and the folders the constructor
  /// created if nothing was committed into them.
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  /// Writes `content` to a temporary file for `name`.
  void add(const std::string& name, const std::string& content);
  /// Opens `name` for writing in pieces (a temporary until commit, like add); the stream is
  /// valid until the next add(), stream() or commit(), which close it and check for errors.
  std::ostream& stream(const std::string& name);
  /// Renames every added file into place.
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> names_;
  bool committed_ = false;
  std::vector<std::filesystem::path> created_;  ///< folders the constructor made, outermost first
  std::unique_ptr<DirLock> lock_;
  std::unique_ptr<std::ofstream> open_;  ///< the file of the last stream(), until closed
  void create_missing_folders();
  void remove_created_folders();
  void create_folder();
  void close_stream();
};

}  // namespace mmm
