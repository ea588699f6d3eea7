#pragma once
// mmm_manifest.json: what makes an output folder's files one set (issue 13, defect 8). A run
// cannot replace several files of a folder in one step, and --out may hold the user's own
// files, so no folder can be swapped in whole. Instead the manifest is a redo log:
//
//   1. every new file is written and flushed to disk under a temporary name (.NAME.tmpPID);
//   2. the manifest is replaced (atomically: a temporary renamed over it) by one listing each
//      file of the folder's new state with its size and SHA-256, plus a `commit` section: the
//      process and the files it is about to rename into place and to remove;
//   3. the files are renamed into place, the removed ones removed;
//   4. the manifest is replaced once more without the `commit` section.
//
// A crash before 2 leaves the old set (the temporaries are swept later); after 2, the new set
// is on disk in full (renamed or still a temporary whose hash the manifest holds), and the
// next mmm process that opens the folder — a writer, or a reader that can take the folder's
// lock — finishes steps 3–4. Readers wait for a commit in progress (it takes milliseconds)
// and say so clearly when a set cannot be completed.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmm {

/// The manifest's file name inside an output folder.
constexpr const char* kManifestName = "mmm_manifest.json";

/// One committed file: its size and SHA-256 (hex, as sha256sum prints it).
struct ManifestEntry {
  std::uint64_t bytes = 0;
  std::string sha256;
  bool operator==(const ManifestEntry& o) const { return bytes == o.bytes && sha256 == o.sha256; }
};

/// A commit under way (step 2 done, step 4 not yet).
struct PendingCommit {
  long pid = 0;                     ///< the committing process: its temporaries are .NAME.tmpPID
  std::vector<std::string> rename;  ///< files moved from their temporaries into place
  std::vector<std::string> remove;  ///< files of the earlier set this commit removes
};

struct Manifest {
  std::map<std::string, ManifestEntry> files;  ///< every mmm file of the folder's set
  std::optional<PendingCommit> commit;
};

/// The temporary a process writes `name` under in `dir`: `dir/.NAME.tmpPID`.
std::string temporary_path(const std::string& dir, const std::string& name, long pid);

/// Size and SHA-256 of a file, after flushing it to disk (fsync), so a manifest never lists
/// a file that power loss could still cut short. std::runtime_error when it cannot be read.
ManifestEntry describe_committed_file(const std::string& path);

/// DIR/mmm_manifest.json; nullopt when there is none (a folder written by an mmm before the
/// manifest, or not by mmm). InputError naming the file when it is malformed.
std::optional<Manifest> read_manifest(const std::string& dir);

/// Replaces DIR/mmm_manifest.json atomically: a flushed temporary renamed over it, then the
/// folder flushed. std::runtime_error on failure.
void write_manifest(const std::string& dir, const Manifest& manifest);

/// Steps 3–4 for a commit its process left unfinished; call only while holding the folder's
/// lock. Moves each pending file's temporary into place when it matches its entry, removes the
/// files to remove, and rewrites the manifest without the commit. Returns the files it could
/// not bring into place (their temporary is gone or differs; empty when all went well).
std::vector<std::string> finish_pending_commit(const std::string& dir, Manifest& manifest);

/// Flushes a folder's entries (renames, removals) to disk.
void sync_folder(const std::string& dir);

}  // namespace mmm
