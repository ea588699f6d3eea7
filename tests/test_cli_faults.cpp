// Issue 13 (hardening), faults around a run rather than bad input: a full disk, an --out folder
// that cannot be written or vanishes, signals during a fit and a sweep, two runs into one
// folder, too few threads. Each checks what a user relies on: the previous results stay whole
// (every file the old one, or a complete new one), and no `.NAME.tmpPID` temporary is left.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

using Snapshot = std::map<std::string, std::string>;

bool is_temporary(const std::string& name) {
  return name[0] == '.' && name.find(".tmp") != std::string::npos;
}

/// Name → content of every regular file in `dir` but temporaries.
Snapshot snapshot(const fs::path& dir) {
  Snapshot s;
  for (const std::string& name : file_names(dir)) {
    if (!is_temporary(name) && fs::is_regular_file(dir / name)) s[name] = read_text(dir / name);
  }
  return s;
}

/// The `.NAME.tmpPID` temporaries in `dir`.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> t;
  for (const std::string& name : file_names(dir)) {
    if (is_temporary(name)) t.push_back(name);
  }
  return t;
}

/// Whether a file mmm wrote is whole: JSON that parses, or text ending in a line break.
bool whole(const std::string& name, const std::string& content) {
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
    return nlohmann::json::accept(content);
  }
  return !content.empty() && content.back() == '\n';
}

/// Every file of `before` is still there, and each is unchanged or a whole new version.
void expect_intact(const Snapshot& before, const fs::path& dir, const std::string& what) {
  const Snapshot now = snapshot(dir);
  for (const auto& [name, content] : before) {
    const auto it = now.find(name);
    ASSERT_NE(it, now.end()) << what << ": " << name << " is gone";
    if (it->second != content) {
      EXPECT_TRUE(whole(name, it->second)) << what << ": " << name << " is cut short";
    }
  }
}

/// Starts the program with `args` (stdout and stderr to `log`); `in_child` runs in the child
/// before exec (only async-signal-safe calls).
pid_t start_mmm(const std::vector<std::string>& args, const std::string& log,
                const std::function<void()>& in_child = {}) {
  std::vector<std::string> all = {MMM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    if (in_child) in_child();
    ::execv(MMM_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

/// A small tmpfs mounted at `path` for the test's lifetime; mounted() is false where the test
/// cannot mount one (not root, or no CAP_SYS_ADMIN in a container).
class SmallDisk {
 public:
  SmallDisk(const fs::path& path, const std::string& size) : path_(path) {
    fs::create_directories(path_);
    const std::string options = "size=" + size + ",mode=0777";
    mounted_ =
        ::geteuid() == 0 && ::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  /// Remounts read-only (true on success).
  bool make_read_only() {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }
  /// Writes a file until the disk is full.
  void fill() const {
    const int fd = ::open((path_ / "filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  void unfill() const { fs::remove(path_ / "filler"); }

 private:
  fs::path path_;
  bool mounted_ = false;
};

class CliFaults : public CliBadInput {
 protected:
  std::vector<std::string> fit_args(const std::string& data, const std::string& out,
                                    const std::string& seed) const {
    return {"fit", "--data", data, "--out",       out, "--budget",
            "60",  "--seed", seed, "--bootstrap", "5", "--quiet"};
  }
  /// The one `error: ` line of a failed run, or "".
  static std::string error_line(const CliResult& r) {
    std::string found;
    for (const std::string& l : split_lines(r.err)) {
      if (l.rfind("error: ", 0) == 0) {
        EXPECT_EQ(found, "") << "more than one error line: " << r.err;
        found = l;
      }
    }
    return found;
  }
};

#define SKIP_WITHOUT_DISK(disk)                                                              \
  if (!(disk).mounted())                                                                     \
  GTEST_SKIP() << "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the full-disk " \
                  "and read-only cases are not checked"

// ---- a full disk ----

TEST_F(CliFaults, FullDiskKeepsThePreviousFitAndSaysWhy) {
  SmallDisk disk(dir_ / "disk", "4m");
  SKIP_WITHOUT_DISK(disk);
  const std::string data = write(base_table());
  const std::string out = dir_ / "disk/out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const Snapshot before = snapshot(out);
  ASSERT_GE(before.size(), 5u);
  disk.fill();
  const CliResult r = run_mmm(fit_args(data, out, "2"));
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(error_line(r).find("No space left on device"), std::string::npos) << describe(r);
  EXPECT_EQ(snapshot(out), before);
  EXPECT_TRUE(temporaries(out).empty());
  // With room again the same command succeeds.
  disk.unfill();
  EXPECT_EQ(run_mmm(fit_args(data, out, "2")).exit_code, 0);
  EXPECT_TRUE(temporaries(out).empty());
}

TEST_F(CliFaults, FullDiskLeavesNoNewFolderBehind) {
  SmallDisk disk(dir_ / "disk", "1m");
  SKIP_WITHOUT_DISK(disk);
  const std::string data = write(base_table());
  disk.fill();
  const CliResult r = run_mmm(fit_args(data, dir_ / "disk/new", "1"));
  EXPECT_NE(r.exit_code, 0) << describe(r);
  EXPECT_NE(error_line(r), "") << describe(r);
  EXPECT_FALSE(fs::exists(dir_ / "disk/new"));
}

// Issue 13 (8d): sweep --all streams sweep_all.csv.gz while it runs; on a full disk the
// earlier set (sweep_all.csv.gz included) stays as it was, and the error says why.
TEST_F(CliFaults, FullDiskKeepsThePreviousSweepAllSet) {
  SmallDisk disk(dir_ / "disk", "8m");
  SKIP_WITHOUT_DISK(disk);
  const std::string data = write(base_table(200, 3));
  const std::string out = dir_ / "disk/out";
  auto sweep = [&](const std::string& target, const std::string& n) {
    return run_mmm({"sweep", "--data", data, "--out", target, "--all", "--n", n, "--quiet"});
  };
  ASSERT_EQ(sweep(out, "500").exit_code, 0);
  const Snapshot before = snapshot(out);
  ASSERT_EQ(before.count("sweep_all.csv.gz"), 1u);
  disk.fill();
  const CliResult r = sweep(out, "20000");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(error_line(r).find("No space left on device"), std::string::npos) << describe(r);
  EXPECT_EQ(snapshot(out), before);
  EXPECT_EQ(temporaries(out), std::vector<std::string>{});
  // Into a new folder: nothing is left, not even an empty folder.
  const CliResult fresh = sweep(dir_ / "disk/new", "20000");
  EXPECT_EQ(fresh.exit_code, 1) << describe(fresh);
  EXPECT_FALSE(fs::exists(dir_ / "disk/new"));
}

// Issue 13 (15): simulate names the system's reason, not a guess about the folder.
TEST_F(CliFaults, FullDiskSimulateSaysNoSpace) {
  SmallDisk disk(dir_ / "disk", "1m");
  SKIP_WITHOUT_DISK(disk);
  disk.fill();
  const std::string csv = dir_ / "disk/sim.csv";
  const CliResult r = run_mmm({"simulate", "--weeks", "520", "--out", csv, "--quiet"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(error_line(r).find("No space left on device"), std::string::npos) << describe(r);
  EXPECT_EQ(file_names(dir_ / "disk"), std::vector<std::string>{"filler"});
}

// ---- --out that cannot be written, or goes away ----

TEST_F(CliFaults, ReadOnlyOutIsRefusedUpfrontAndKept) {
  SmallDisk disk(dir_ / "disk", "4m");
  SKIP_WITHOUT_DISK(disk);
  const std::string data = write(base_table());
  const std::string out = dir_ / "disk/out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const Snapshot before = snapshot(out);
  // Root ignores permission bits, so the folder is made unwritable by a read-only mount.
  ASSERT_TRUE(disk.make_read_only());
  const CliResult r = run_mmm(fit_args(data, out, "2"));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(error_line(r).find("--out `" + out + "`"), std::string::npos) << describe(r);
  EXPECT_NE(error_line(r).find("Read-only file system"), std::string::npos) << describe(r);
  EXPECT_EQ(snapshot(out), before);
}

TEST_F(CliFaults, OutRemovedDuringTheRunIsAnErrorNotACrash) {
  const std::string data = write(base_table(400, 4));
  const std::string out = dir_ / "out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const std::string log = dir_ / "log";
  // A run long enough to remove its folder under it (it holds the folder's lock, not the name).
  const pid_t pid = start_mmm(
      {"fit", "--data", data, "--out", out, "--budget", "3000", "--bootstrap", "200", "--quiet"},
      log);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fs::remove_all(out);
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  const std::string err = read_text(log);
  if (WEXITSTATUS(status) == 0) {
    // It finished before the folder went, or wrote a new one: whole either way.
    for (const auto& [name, content] : snapshot(out)) EXPECT_TRUE(whole(name, content)) << name;
  } else {
    EXPECT_EQ(WEXITSTATUS(status), 1) << err;
    EXPECT_EQ(err.rfind("error: ", 0), 0u) << err;
    EXPECT_NE(err.find(out), std::string::npos) << err;
  }
  EXPECT_TRUE(temporaries(out).empty());
}

// ---- signals ----

// A signal at several points of a fit (loading, searching, writing): the previous results stay
// whole; SIGINT and SIGTERM leave no temporary, and once a later run has written there no
// temporary of a SIGKILL is left either.
TEST_F(CliFaults, SignalsDuringAFitKeepThePreviousOutput) {
  const std::string data = write(base_table(200, 3));
  const std::string out = dir_ / "out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const std::string log = dir_ / "log";
  for (int sig : {SIGINT, SIGTERM, SIGKILL}) {
    for (int delay_ms : {0, 30, 120, 400}) {
      const std::string what =
          std::string(strsignal(sig)) + " after " + std::to_string(delay_ms) + " ms";
      SCOPED_TRACE(what);
      const Snapshot before = snapshot(out);
      const pid_t pid = start_mmm(fit_args(data, out, std::to_string(delay_ms + sig)), log);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      ::kill(pid, sig);
      const int status = wait_for(pid);
      if (WIFSIGNALED(status)) {
        EXPECT_EQ(WTERMSIG(status), sig);
      } else {
        EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(log);  // finished before the signal
      }
      expect_intact(before, out, what);
      // SIGINT and SIGTERM remove the run's `.NAME.tmpPID` files at once (signal_cleanup);
      // SIGKILL's are removed by the next run into the folder.
      if (sig != SIGKILL) {
        EXPECT_EQ(temporaries(out), std::vector<std::string>{});
      }
    }
  }
  ASSERT_EQ(run_mmm(fit_args(data, out, "9")).exit_code, 0);
  EXPECT_EQ(temporaries(out), std::vector<std::string>{});
}

// SIGKILL during a sweep cannot checkpoint: the previous checkpoint stays whole and resumable.
TEST_F(CliFaults, SigkillDuringASweepKeepsTheLastCheckpoint) {
  const std::string data = write(base_table(200, 3));
  const std::string out = dir_ / "out";
  const CliResult first = run_mmm({"sweep", "--data", data, "--out", out, "--n", "400000",
                                   "--chunk", "512", "--stop-after", "2048", "--quiet"});
  ASSERT_EQ(first.exit_code, 130) << describe(first);
  const Snapshot before = snapshot(out);
  const std::string log = dir_ / "log";
  const pid_t pid = start_mmm({"sweep", "--data", data, "--out", out, "--n", "400000", "--chunk",
                               "512", "--resume", "--quiet"},
                              log);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(pid, SIGKILL);
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << read_text(log);
  expect_intact(before, out, "SIGKILL");
  const CliResult resumed = run_mmm({"sweep", "--data", data, "--out", out, "--n", "400000",
                                     "--chunk", "512", "--resume", "--stop-after", "4096"});
  EXPECT_EQ(resumed.exit_code, 130) << describe(resumed);
  EXPECT_EQ(nlohmann::json::parse(read_text(out + "/sweep_state.json"))["next_index"], 4096);
  EXPECT_EQ(temporaries(out), std::vector<std::string>{});
}

// ---- two runs at once ----

TEST_F(CliFaults, ConcurrentFitsIntoOneOutLeaveOneWholeSet) {
  const std::string data = write(base_table(200, 3));
  const std::string out = dir_ / "out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const Snapshot before = snapshot(out);
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) {
    pids.push_back(
        start_mmm(fit_args(data, out, std::to_string(10 + i)), dir_ / ("log" + std::to_string(i))));
  }
  int succeeded = 0;
  for (int i = 0; i < 4; ++i) {
    const int status = wait_for(pids[i]);
    ASSERT_TRUE(WIFEXITED(status));
    const std::string err = read_text(dir_ / ("log" + std::to_string(i)));
    if (WEXITSTATUS(status) == 0) {
      ++succeeded;
    } else {
      EXPECT_EQ(WEXITSTATUS(status), 2) << err;
      EXPECT_NE(err.find("in use by another mmm run"), std::string::npos) << err;
    }
  }
  EXPECT_GE(succeeded, 1);
  expect_intact(before, out, "concurrent");
  EXPECT_EQ(file_names(out).size(), before.size());
  EXPECT_EQ(temporaries(out), std::vector<std::string>{});
}

// ---- thread limits ----

TEST_F(CliFaults, ProcessLimitFallsBackToFewerThreads) {
  const std::string data = write(base_table());
  const std::string out = dir_ / "out";
  fs::permissions(dir_.path(), fs::perms::all);
  const std::string log = dir_ / "log";
  // RLIMIT_NPROC does not bind root: as root the child becomes `nobody` first.
  const bool root = ::geteuid() == 0;
  const pid_t pid = start_mmm({"fit", "--data", data, "--out", out, "--budget", "60", "--bootstrap",
                               "5", "--device", "cpu", "--threads", "64"},
                              log, [root] {
                                if (root && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                                  ::_exit(126);
                                const rlimit limit{8, 8};
                                ::setrlimit(RLIMIT_NPROC, &limit);
                              });
  const int status = wait_for(pid);
  const std::string text = read_text(log);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  if (WEXITSTATUS(status) == 126) GTEST_SKIP() << "cannot switch to the user nobody";
  // 127: execv failed, i.e. `nobody` may not reach the binary, e.g. a checkout inside a
  // private (mode 0700) directory such as `mktemp -d` makes; mmm itself never exits 127.
  if (root && WEXITSTATUS(status) == 127)
    GTEST_SKIP() << "the user nobody cannot execute " << MMM_BINARY << " from this checkout";
  EXPECT_EQ(WEXITSTATUS(status), 0) << text;
  EXPECT_NE(text.find("notice: could start only"), std::string::npos) << text;
  EXPECT_NE(text.find("of 64 threads"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(fs::path(out) / "model.json")) << text;
  EXPECT_EQ(temporaries(out), std::vector<std::string>{});
}

}  // namespace
}  // namespace mmm::test
