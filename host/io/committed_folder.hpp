#pragma once
// The reading side of mmm_manifest.json (output_manifest.hpp): `mmm predict`, `optimize`,
// `compare` and `report` read a fit's files only as a whole set. A commit that a killed run
// left unfinished is finished first (as SQLite's readers replay a hot journal) when the
// folder's lock is free; one that a live run is making is waited for; a set that cannot be
// completed is an InputError that says so. A folder without a manifest (written by an mmm
// before it, or by hand) is read as it is.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/io/output_manifest.hpp"

namespace mmm {

/// How long a reader waits for another run's commit to finish.
constexpr double kCommitWaitSeconds = 10.0;

class CommittedFolder {
 public:
  /// Settles `dir` for reading as described above.
  explicit CommittedFolder(std::string dir);

  /// A notice for each of `names` (files in the folder) that the manifest lists but whose
  /// content no longer matches it: changed after mmm wrote it (by hand or another tool). It
  /// is read as it is.
  std::vector<std::string> changed_files(const std::vector<std::string>& names) const;

  /// True when a commit replaced the manifest since construction: files read in between may
  /// mix two sets, so the reader reads them again.
  bool replaced_since() const;

 private:
  std::string dir_;
  std::optional<Manifest> manifest_;
  std::string manifest_text_;  ///< the manifest's bytes when settled ("" when none)
};

/// read_json_file of a file in an output folder (a model.json) once its folder is settled
/// (CommittedFolder); read again if a commit replaced the set meanwhile. Adds to `notices`
/// the notice for a file changed since its commit.
nlohmann::json read_committed_json(const std::string& path, const std::string& what,
                                   std::vector<std::string>& notices);

}  // namespace mmm
