#include "host/io/output_manifest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "host/common/errors.hpp"
#include "host/common/sha256.hpp"
#include "host/io/json_file.hpp"

namespace mmm {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "mmm output manifest";

std::string reason() { return std::strerror(errno); }

/// fsync of a file or folder opened read-only (enough for both on Linux).
void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) throw std::runtime_error("cannot open `" + path + "` to flush it: " + reason());
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // EINVAL: a file system without fsync (some FUSE or pseudo file systems): nothing to flush.
  if (rc != 0 && err != EINVAL) {
    throw std::runtime_error("cannot flush `" + path + "` to disk: " + std::strerror(err));
  }
}

nlohmann::json to_json(const Manifest& m) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [name, e] : m.files) files[name] = {{"bytes", e.bytes}, {"sha256", e.sha256}};
  nlohmann::json j = {{"format", kFormat}, {"version", 1}, {"files", files}};
  if (m.commit) {
    j["commit"] = {
        {"pid", m.commit->pid}, {"rename", m.commit->rename}, {"remove", m.commit->remove}};
  }
  return j;
}

bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

std::string temporary_path(const std::string& dir, const std::string& name, long pid) {
  return (fs::path(dir) / ("." + name + ".tmp" + std::to_string(pid))).string();
}

ManifestEntry describe_committed_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read back `" + path + "`: " + reason());
  Sha256 hash;
  ManifestEntry e;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const std::string why = reason();
      ::close(fd);
      throw std::runtime_error("cannot read back `" + path + "`: " + why);
    }
    if (got == 0) break;
    hash.update(buffer, static_cast<std::size_t>(got));
    e.bytes += static_cast<std::uint64_t>(got);
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) {
    throw std::runtime_error("cannot flush `" + path + "` to disk: " + std::strerror(err));
  }
  e.sha256 = hash.hex_digest();
  return e;
}

std::optional<Manifest> read_manifest(const std::string& dir) {
  const std::string path = (fs::path(dir) / kManifestName).string();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
  const nlohmann::json j = read_json_file(path, "output manifest");
  const auto bad = [&](const std::string& what) {
    return InputError(path + ": " + what + "; it is mmm's record of the folder's files (" +
                      "delete it to read the folder as it is)");
  };
  if (!j.is_object() || j.value("format", "") != kFormat) throw bad("not an mmm output manifest");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"] != 1) {
    throw bad("version is not 1 (written by a newer mmm?)");
  }
  Manifest m;
  try {
    for (const auto& [name, e] : j.at("files").items()) {
      if (!plain_name(name)) throw bad("bad file name `" + name + "`");
      ManifestEntry entry;
      if (!e.is_object() || !e.contains("bytes") || !json_integer(e["bytes"], entry.bytes)) {
        throw bad("`" + name + "` has no byte count");
      }
      entry.sha256 = e.at("sha256").get<std::string>();
      if (entry.sha256.size() != 64 ||
          entry.sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
        throw bad("`" + name + "` has no SHA-256 (64 hex digits)");
      }
      m.files[name] = entry;
    }
    if (j.contains("commit")) {
      const nlohmann::json& c = j["commit"];
      PendingCommit p;
      std::uint32_t pid = 0;
      if (!c.is_object() || !c.contains("pid") || !json_integer(c["pid"], pid) ||
          pid > 0x7fffffffu) {
        throw bad("`commit` has no process id");
      }
      p.pid = static_cast<long>(pid);
      p.rename = c.at("rename").get<std::vector<std::string>>();
      p.remove = c.at("remove").get<std::vector<std::string>>();
      for (const auto* list : {&p.rename, &p.remove}) {
        for (const auto& name : *list) {
          if (!plain_name(name)) throw bad("bad file name `" + name + "`");
        }
      }
      m.commit = p;
    }
  } catch (const nlohmann::json::exception&) {
    throw bad("missing or malformed `files` or `commit`");
  }
  return m;
}

void write_manifest(const std::string& dir, const Manifest& manifest) {
  const std::string final_path = (fs::path(dir) / kManifestName).string();
  const std::string tmp = temporary_path(dir, kManifestName, ::getpid());
  const std::string text = to_json(manifest).dump(2) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write `" + tmp + "`: " + reason());
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = reason();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("failed to write `" + tmp + "`: " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if ((rc != 0 && err != EINVAL) || std::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const std::string why = rc != 0 ? std::strerror(err) : reason();
    ::unlink(tmp.c_str());
    throw std::runtime_error("failed to write `" + final_path + "`: " + why);
  }
  sync_folder(dir);
}

std::vector<std::string> finish_pending_commit(const std::string& dir, Manifest& manifest) {
  std::vector<std::string> missing;
  if (!manifest.commit) return missing;
  const PendingCommit& c = *manifest.commit;
  for (const std::string& name : c.rename) {
    const std::string tmp = temporary_path(dir, name, c.pid);
    const auto entry = manifest.files.find(name);
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(tmp, ec)) && entry != manifest.files.end() &&
        describe_committed_file(tmp) == entry->second) {
      if (std::rename(tmp.c_str(), (fs::path(dir) / name).c_str()) != 0) missing.push_back(name);
      continue;
    }
    // Renamed already (the crash came after it), or lost.
    const std::string final_path = (fs::path(dir) / name).string();
    if (entry == manifest.files.end() || !fs::is_regular_file(fs::symlink_status(final_path, ec)) ||
        !(describe_committed_file(final_path) == entry->second)) {
      missing.push_back(name);
    }
  }
  for (const std::string& name : c.remove) {
    std::error_code ec;
    const fs::path old = fs::path(dir) / name;
    if (fs::is_regular_file(fs::symlink_status(old, ec))) fs::remove(old, ec);
  }
  sync_folder(dir);
  if (missing.empty()) {
    manifest.commit.reset();
    write_manifest(dir, manifest);
  }
  return missing;
}

void sync_folder(const std::string& dir) { sync_path(dir, O_DIRECTORY); }

}  // namespace mmm
