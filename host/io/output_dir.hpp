#pragma once
// Atomic output (SPEC §10): every file is written under a temporary name inside the output
// folder and renamed into place only after all of them were written. A failure before that
// removes the temporaries, so a run never leaves partial output behind.
//
// The folder holds one run's results as a set: commit removes the files of the command's own
// list (output_files.hpp) that this run did not write, so an earlier run's flow_curves.csv
// does not stay behind looking current, and it commits through mmm_manifest.json
// (output_manifest.hpp), so a crash at any point leaves the old set or the new one, never a
// mix. A run killed during the write leaves `.NAME.tmpPID` files (SIGINT and SIGTERM remove
// them at once where the command installs RemoveTemporariesOnSignal); the first write of a
// later run removes those of mmm's own names whose process is gone, so they do not pile up.

#include <fstream>
#include <memory>
#include <optional>
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
  /// `replaces`: the command's own file names (e.g. fit_output_files()); those this run does
  /// not write are removed at commit. Empty: nothing is removed.
  explicit OutputDir(std::string path, std::vector<std::string> replaces = {});
  /// Removes temporaries that were not committed, and the folder if add() created it.
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  /// Writes `content` to a temporary file for `name`.
  void add(const std::string& name, const std::string& content);
  /// Opens `name` for writing in pieces (a temporary until commit, like add); the stream is
  /// valid until the next add(), stream() or commit(), which close it and check for errors.
  std::ostream& stream(const std::string& name);
  /// Marks `name` as written by this run outside add() and stream() (sweep_all.csv.gz), so
  /// commit does not remove it.
  void keep(const std::string& name);
  /// Reserves `name` for a file the caller writes itself by path (zlib's gzopen for
  /// sweep_all.csv.gz): creates and locks the folder like add() and returns the temporary path
  /// to write; commit renames it into place with the others, and a run that fails removes it,
  /// so a full disk cannot leave half of a new set beside the old one.
  std::string reserve(const std::string& name);
  /// Makes the files added since the last commit the folder's set, atomically as a set
  /// (output_manifest.hpp): renames them into place and removes the files of `replaces` this
  /// run did not write (regular files only). May be called again after more add()s (a sweep's
  /// periodic checkpoints); each call commits a whole set.
  void commit();
  /// The text this run wrote for `name` (add() or stream()), read back from its temporary
  /// before commit or from the file after; nullopt when this run did not write it. Lets a
  /// later output (report.html) be made from the earlier ones of the same set.
  std::optional<std::string> written(const std::string& name);
  const std::string& path() const { return path_; }
  /// The names add(), stream() and reserve() wrote, in order, each once (after commit: the
  /// files of this run's output set; a results database stores them,
  /// host/database/run_writer.hpp). The manifest is not among them.
  const std::vector<std::string>& written() const { return all_names_; }

 private:
  std::string path_;
  std::vector<std::string> names_;      ///< written since the last commit (temporaries now)
  std::vector<std::string> all_names_;  ///< every name written by this run
  std::vector<std::string> replaces_;
  std::vector<std::string> kept_;
  bool committed_ = false;         ///< commit() ran at least once
  bool prepared_ = false;          ///< the first write created, locked and swept the folder
  bool created_ = false;           ///< add() created the folder (removed again if never committed)
  std::unique_ptr<DirLock> lock_;  ///< held from the constructor or the first add()
  std::unique_ptr<std::ofstream> open_;  ///< the file of the last stream(), until closed
  void create_folder();
  void close_stream();
  void remove_stale_temporaries();
  void finish_interrupted_commit();
  void start_file(const std::string& name);
};

}  // namespace mmm
