#pragma once
// Atomic output (SPEC §10): every file is written under a temporary name inside the output
// folder and renamed into place only after all of them were written. A failure before that
// removes the temporaries, so a run never leaves partial output behind.

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "host/io/dir_lock.hpp"

namespace mmm {

class OutputDir {
 public:
  /// Checks that the folder is writable, or could be created; InputError (exit 2) naming the
  /// path and the reason otherwise (not a folder, a symbolic link loop or dangling link, a
  /// name too long). An existing folder is locked here (DirLock) against a second run writing
  /// into it; a new one when the first add() creates it, i.e. only once there are results to
  /// write. Call before any long work.
  explicit OutputDir(std::string path);
  /// Removes temporaries that were not committed, and the folder if add() created it.
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
  bool created_ = false;           ///< add() created the folder (removed again if never committed)
  std::unique_ptr<DirLock> lock_;  ///< held from the constructor or the first add()
  std::unique_ptr<std::ofstream> open_;  ///< the file of the last stream(), until closed
  void create_folder();
  void close_stream();
};

}  // namespace mmm
