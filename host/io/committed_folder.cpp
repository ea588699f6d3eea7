#include "host/io/committed_folder.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "host/common/errors.hpp"
#include "host/io/dir_lock.hpp"
#include "host/io/json_file.hpp"

namespace mmm {
namespace fs = std::filesystem;
namespace {

std::string manifest_bytes(const std::string& dir) {
  std::ifstream in(fs::path(dir) / kManifestName, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "`" : ", `") + n + "`";
  return s;
}

}  // namespace

CommittedFolder::CommittedFolder(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) dir_ = ".";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kCommitWaitSeconds);
  for (;;) {
    manifest_text_ = manifest_bytes(dir_);
    manifest_ = read_manifest(dir_);
    if (!manifest_ || !manifest_->commit) return;
    // A commit is under way, or its process died during it: the lock tells which.
    const std::unique_ptr<DirLock> lock = DirLock::try_take(dir_);
    if (lock) {
      manifest_ = read_manifest(dir_);  // again, under the lock
      if (manifest_ && manifest_->commit) {
        const long pid = manifest_->commit->pid;
        std::vector<std::string> missing;
        try {
          missing = finish_pending_commit(dir_, *manifest_);
        } catch (const std::runtime_error& e) {
          throw InputError("`" + dir_ + "` holds an incomplete set of results: the mmm run " +
                           "(process " + std::to_string(pid) +
                           ") that was replacing them stopped before it finished, and it cannot " +
                           "be completed here (" + e.what() +
                           "); run mmm into the folder again, or run that command again");
        }
        if (!missing.empty()) {
          throw InputError("`" + dir_ + "` holds an incomplete set of results: the mmm run " +
                           "(process " + std::to_string(pid) +
                           ") that was replacing them stopped before it finished, and the new " +
                           "version of " + join(missing) +
                           " is gone; run that command again to write a whole set");
        }
      }
      manifest_text_ = manifest_bytes(dir_);
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw InputError("`" + dir_ + "` is being replaced by a running mmm (process " +
                       std::to_string(manifest_->commit->pid) +
                       ") that has not finished writing it; try again when it has");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<std::string> CommittedFolder::changed_files(
    const std::vector<std::string>& names) const {
  std::vector<std::string> notices;
  if (!manifest_) return notices;
  for (const std::string& name : names) {
    const auto entry = manifest_->files.find(name);
    if (entry == manifest_->files.end()) continue;
    const std::string path = (fs::path(dir_) / name).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;  // the reader reports a missing file itself
    const ManifestEntry now = describe_committed_file(path);
    if (now == entry->second) continue;
    notices.push_back("`" + path + "` was changed after mmm wrote it (" + kManifestName +
                      " lists " + std::to_string(entry->second.bytes) + " bytes, SHA-256 " +
                      entry->second.sha256.substr(0, 12) + "…; it has " +
                      std::to_string(now.bytes) + " bytes, SHA-256 " + now.sha256.substr(0, 12) +
                      "…); it is read as it is");
  }
  return notices;
}

bool CommittedFolder::replaced_since() const { return manifest_bytes(dir_) != manifest_text_; }

nlohmann::json read_committed_json(const std::string& path, const std::string& what,
                                   std::vector<std::string>& notices) {
  const fs::path file(path);
  for (int attempt = 1;; ++attempt) {
    const CommittedFolder folder(file.parent_path().string());
    nlohmann::json j = read_json_file(path, what);
    if (folder.replaced_since() && attempt < 3) continue;
    for (auto& n : folder.changed_files({file.filename().string()})) notices.push_back(n);
    return j;
  }
}

}  // namespace mmm
