#include "host/io/output_dir.hpp"

#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "host/common/errors.hpp"
#include "host/common/quoted_excerpt.hpp"
#include "host/common/test_hook.hpp"
#include "host/io/output_files.hpp"
#include "host/io/output_manifest.hpp"
#include "host/io/signal_cleanup.hpp"

namespace mmm {
namespace fs = std::filesystem;
namespace {

std::string temp_name(const std::string& dir, const std::string& name) {
  return temporary_path(dir, name, ::getpid());
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

// The process id of a temporary `.NAME.tmpPID` of one of mmm's own names; 0 for any other
// file (a user's own dot files never match).
pid_t temporary_owner(const std::string& file) {
  const std::size_t tmp = file.rfind(".tmp");
  if (file.size() < 2 || file[0] != '.' || tmp == std::string::npos || tmp < 2) return 0;
  const std::string digits = file.substr(tmp + 4);
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  const std::string name = file.substr(1, tmp - 1);
  if (!is_output_file(name) && name != kManifestName) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

OutputDir::OutputDir(std::string path, std::vector<std::string> replaces)
    : path_(std::move(path)), replaces_(std::move(replaces)) {
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
    finish_interrupted_commit();
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
  open_.reset();
  std::error_code ec;
  for (const auto& n : names_) {
    fs::remove(temp_name(path_, n), ec);
    untrack_temporary(temp_name(path_, n));
  }
  // A folder this run created and never filled goes too (fs::remove leaves non-empty ones).
  if (created_ && !committed_) fs::remove(path_, ec);
}

void OutputDir::finish_interrupted_commit() {
  // Under the lock, before the sweep of stale temporaries (which would take the interrupted
  // commit's files). A folder whose manifest this program cannot read is rewritten at commit.
  std::optional<Manifest> m;
  try {
    m = read_manifest(path_);
  } catch (const InputError&) {
    return;
  }
  if (!m || !m->commit) return;
  // Files that cannot be brought into place (their temporary is gone) keep the old file and
  // an entry that no longer matches it; this run's commit replaces or drops them.
  if (!finish_pending_commit(path_, *m).empty()) {
    m->commit.reset();
    write_manifest(path_, *m);
  }
}

void OutputDir::start_file(const std::string& name) {
  close_stream();
  create_folder();
  names_.push_back(name);
  if (std::find(all_names_.begin(), all_names_.end(), name) == all_names_.end())
    all_names_.push_back(name);
  track_temporary(temp_name(path_, name));
}

void OutputDir::create_folder() {
  if (prepared_) return;
  std::error_code ec;
  created_ = !fs::exists(path_, ec);
  fs::create_directories(path_, ec);
  if (ec) throw std::runtime_error("cannot create `" + path_ + "`: " + ec.message());
  // A folder that did not exist at the start is locked once it does: a second run that
  // created it first is then refused here, before it writes anything.
  if (!lock_) lock_ = std::make_unique<DirLock>(path_);
  remove_stale_temporaries();
  prepared_ = true;
}

void OutputDir::remove_stale_temporaries() {
  // Under the lock, so no live run writes here now; a PID that still exists (kill succeeds,
  // or EPERM: another user's process) may be a live run elsewhere, or the PID reused: kept.
  std::error_code ec;
  for (fs::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t owner = temporary_owner(it->path().filename().string());
    if (owner <= 0 || owner == ::getpid()) continue;
    if (::kill(owner, 0) == -1 && errno == ESRCH) {
      std::error_code rm;
      if (fs::is_regular_file(it->symlink_status(rm))) fs::remove(it->path(), rm);
    }
  }
}

void OutputDir::keep(const std::string& name) { kept_.push_back(name); }

std::string OutputDir::reserve(const std::string& name) {
  start_file(name);
  return temp_name(path_, name);
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
  start_file(name);
  const std::string tmp = temp_name(path_, name);
  open_ = std::make_unique<std::ofstream>(tmp, std::ios::binary);
  if (!*open_) throw std::runtime_error("cannot write `" + tmp + "`: " + std::strerror(errno));
  return *open_;
}

void OutputDir::add(const std::string& name, const std::string& content) {
  start_file(name);
  const std::string tmp = temp_name(path_, name);
  std::ofstream out(tmp, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("failed to write `" + tmp + "`: " + std::strerror(errno));
  test_hook("output-file-written");
}

void OutputDir::commit() {
  close_stream();
  if (!prepared_) {
    // Nothing written: a folder that does not exist stays so.
    committed_ = true;
    if (!lock_) return;
    create_folder();
  }
  // A signal now is held until the set is whole (RemoveTemporariesOnSignal).
  const CommitWindow window;
  test_hook("commit-staged");
  // Step 1 of output_manifest.hpp: the new files are on disk (flushed); the manifest lists
  // the folder's files after this commit.
  Manifest m;
  try {
    if (auto old = read_manifest(path_)) m = *old;
  } catch (const InputError&) {
    // A manifest we cannot read is replaced by one that lists this run's files.
  }
  m.commit.reset();
  for (auto it = m.files.begin(); it != m.files.end();) {
    std::error_code ec;
    const bool gone = !fs::is_regular_file(fs::symlink_status(fs::path(path_) / it->first, ec));
    it = gone ? m.files.erase(it) : std::next(it);
  }
  PendingCommit pending;
  pending.pid = ::getpid();
  for (const auto& n : names_) {
    m.files[n] = describe_committed_file(temp_name(path_, n));
    pending.rename.push_back(n);
  }
  // Only regular files of our own names: a folder or link of that name is the user's.
  for (const std::string& n : replaces_) {
    if (std::find(all_names_.begin(), all_names_.end(), n) != all_names_.end() ||
        std::find(kept_.begin(), kept_.end(), n) != kept_.end()) {
      continue;
    }
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(fs::path(path_) / n, ec))) {
      pending.remove.push_back(n);
      m.files.erase(n);
    }
  }
  // Step 2: from here on the new set is the folder's (finished by the next process if not
  // by this one).
  m.commit = pending;
  write_manifest(path_, m);
  test_hook("commit-manifest");
  // Step 3.
  for (const auto& n : names_) {
    std::error_code ec;
    fs::rename(temp_name(path_, n), fs::path(path_) / n, ec);
    if (ec)
      throw std::runtime_error("failed to move `" + n + "` into `" + path_ + "`: " + ec.message());
    untrack_temporary(temp_name(path_, n));
    test_hook("commit-renamed");
  }
  names_.clear();
  committed_ = true;
  for (const std::string& n : pending.remove) {
    std::error_code ec;
    fs::remove(fs::path(path_) / n, ec);
  }
  sync_folder(path_);
  test_hook("commit-moved");
  // Step 4.
  m.commit.reset();
  write_manifest(path_, m);
}

std::optional<std::string> OutputDir::written(const std::string& name) {
  if (std::find(all_names_.begin(), all_names_.end(), name) == all_names_.end())
    return std::nullopt;
  if (open_ && names_.back() == name) close_stream();
  const bool pending = std::find(names_.begin(), names_.end(), name) != names_.end();
  const fs::path file = pending ? fs::path(temp_name(path_, name)) : fs::path(path_) / name;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read back `" + file.string() + "`: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace mmm
