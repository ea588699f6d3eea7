// Issue 13 (defects 8 and 13), the output folder as a set: a sweep checkpoints while it runs,
// so SIGKILL loses at most one interval; SIGINT/SIGTERM in a fit's write phase remove the
// temporaries at once; a crash at any point of a commit leaves the old set or the new one,
// which readers finish and check through mmm_manifest.json. Each fault is placed exactly by
// MMM_TEST_HOOK (host/common/test_hook.hpp), not by timing.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "host/common/sha256.hpp"
#include "tests/bad_input_fixture.hpp"

namespace mmm::test {
namespace {

using Snapshot = std::map<std::string, std::string>;

bool is_temporary(const std::string& name) {
  return name[0] == '.' && name.find(".tmp") != std::string::npos;
}

Snapshot snapshot(const fs::path& dir) {
  Snapshot s;
  for (const std::string& name : file_names(dir)) {
    if (!is_temporary(name) && fs::is_regular_file(dir / name)) s[name] = read_text(dir / name);
  }
  return s;
}

std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> t;
  for (const std::string& name : file_names(dir)) {
    if (is_temporary(name)) t.push_back(name);
  }
  return t;
}

std::string read_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string text;
  char buf[1 << 14];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return text;
}

/// Starts mmm with `args` and MMM_TEST_HOOK=`hook` (stdout and stderr to `log`).
pid_t start_mmm(const std::vector<std::string>& args, const std::string& log,
                const std::string& hook, const std::string& ready = "") {
  std::vector<std::string> all = {MMM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string hook_env = "MMM_TEST_HOOK=" + hook, ready_env = "MMM_TEST_HOOK_READY=" + ready;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::putenv(const_cast<char*>(hook_env.c_str()));
    ::putenv(const_cast<char*>(ready_env.c_str()));
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

/// True once `path` exists; false after `limit`.
bool wait_for_file(const std::string& path, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

/// The folder is exactly the set its manifest describes: no commit under way, every listed
/// file present with its size and SHA-256, and no file of mmm's fit set that it does not
/// list.
void expect_whole_manifest_set(const fs::path& dir, const std::string& what) {
  const nlohmann::json m = nlohmann::json::parse(read_text(dir / "mmm_manifest.json"));
  EXPECT_FALSE(m.contains("commit")) << what << ": " << m.dump();
  for (const auto& [name, entry] : m["files"].items()) {
    ASSERT_TRUE(fs::exists(dir / name)) << what << ": " << name;
    const std::string content = read_text(dir / name);
    EXPECT_EQ(content.size(), entry["bytes"].get<std::size_t>()) << what << ": " << name;
    EXPECT_EQ(sha256_hex(content), entry["sha256"].get<std::string>()) << what << ": " << name;
  }
  for (const auto& [name, content] : snapshot(dir)) {
    if (name != "mmm_manifest.json") {
      EXPECT_TRUE(m["files"].contains(name)) << what << ": " << name;
    }
  }
}

class CliAtomicOutputs : public CliBadInput {
 protected:
  std::vector<std::string> fit_args(const std::string& data, const std::string& out,
                                    const std::string& seed) const {
    return {"fit", "--data", data, "--out",       out, "--budget",
            "60",  "--seed", seed, "--bootstrap", "5", "--quiet"};
  }
  std::vector<std::string> sweep_args(const std::string& data, const std::string& out,
                                      std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {"sweep", "--data", data, "--out",   out,   "--n",
                                  "20000", "--top",  "40", "--chunk", "250", "--quiet"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  /// `mmm report` of the fit in `dir`: the reader of a whole set (model.json and its CSVs).
  CliResult report(const fs::path& dir) {
    return run_mmm({"report", "--model", (dir / "model.json").string(), "--out",
                    dir_ / "report.html", "--quiet"});
  }
};

// ---- periodic sweep checkpoints ----

// A sweep killed (SIGKILL: no handler runs) right after its first periodic checkpoint resumes
// from it to the same files as a run never interrupted. Before periodic checkpoints there was
// nothing to resume from.
TEST_F(CliAtomicOutputs, SweepKilledAfterAPeriodicCheckpointResumesToTheSameFiles) {
  const std::string data = write(base_table(120, 3));
  for (const bool all : {false, true}) {
    SCOPED_TRACE(all ? "--all" : "without --all");
    const std::string whole = dir_ / (all ? "whole_all" : "whole");
    const std::string part = dir_ / (all ? "part_all" : "part");
    std::vector<std::string> extra = {"--checkpoint-every", "0.001"};
    if (all) extra.push_back("--all");
    const CliResult w = run_mmm(sweep_args(data, whole, extra));
    ASSERT_EQ(w.exit_code, 0) << describe(w);

    const pid_t pid =
        start_mmm(sweep_args(data, part, extra), dir_ / "log", "sweep-checkpoint#1:kill");
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << read_text(dir_ / "log");
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    const nlohmann::json state = nlohmann::json::parse(read_text(part + "/sweep_state.json"));
    const std::uint64_t saved = state["next_index"];
    EXPECT_GE(saved, 250u) << "a chunk at least";
    EXPECT_LT(saved, 20000u);
    EXPECT_EQ(saved % 250, 0u);
    EXPECT_EQ(state["complete"], false);
    if (all) {
      EXPECT_EQ(split_lines(read_gzip(part + "/sweep_all.csv.gz")).size(), saved + 1)
          << "sweep_all.csv.gz holds exactly the checkpoint's candidates";
    }

    std::vector<std::string> resume = sweep_args(data, part, extra);
    resume.push_back("--resume");
    const CliResult r = run_mmm(resume);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    for (const char* name : {"sweep_top.csv", "sweep_summary.csv"}) {
      EXPECT_EQ(read_text(part + "/" + name), read_text(whole + "/" + name)) << name;
    }
    // The state differs only in the time the runs took.
    nlohmann::json a = nlohmann::json::parse(read_text(part + "/sweep_state.json"));
    nlohmann::json b = nlohmann::json::parse(read_text(whole + "/sweep_state.json"));
    a.erase("seconds");
    b.erase("seconds");
    a["data"].erase("path");
    b["data"].erase("path");
    EXPECT_EQ(a, b);
    if (all) {
      // The uninterrupted run checkpointed too: its file is gzip members joined, and whole.
      EXPECT_EQ(split_lines(read_gzip(whole + "/sweep_all.csv.gz")).size(), 20001u);
      EXPECT_EQ(read_gzip(part + "/sweep_all.csv.gz"), read_gzip(whole + "/sweep_all.csv.gz"));
    }
    EXPECT_EQ(temporaries(part), std::vector<std::string>{});
  }
}

TEST_F(CliAtomicOutputs, CheckpointEveryZeroWritesOnlyAtTheEnd) {
  const std::string data = write(base_table(120, 3));
  const std::string out = dir_ / "o";
  // With periodic checkpoints off the hook point is never reached: the run completes.
  const pid_t pid = start_mmm(sweep_args(data, out, {"--checkpoint-every", "0"}), dir_ / "log",
                              "sweep-checkpoint#1:kill");
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status)) << read_text(dir_ / "log");
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(dir_ / "log");
  EXPECT_EQ(nlohmann::json::parse(read_text(out + "/sweep_state.json"))["complete"], true);
  for (const char* bad : {"-1", "nan", "inf"}) {
    expect_input_error(run_mmm(sweep_args(data, dir_ / "bad", {"--checkpoint-every", bad})),
                       {"--checkpoint-every"});
  }
}

// ---- signals in a fit's write phase ----

TEST_F(CliAtomicOutputs, SignalInTheWritePhaseOfAFitRemovesTheTemporaries) {
  const std::string data = write(base_table(200, 3));
  const std::string out = dir_ / "out";
  ASSERT_EQ(run_mmm(fit_args(data, out, "1")).exit_code, 0);
  const Snapshot before = snapshot(out);
  for (const int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(strsignal(sig));
    const std::string ready = dir_ / ("ready" + std::to_string(sig));
    // Paused after the second file of the new set was written.
    const pid_t pid =
        start_mmm(fit_args(data, out, "2"), dir_ / "log", "output-file-written#2:pause", ready);
    ASSERT_TRUE(wait_for_file(ready, std::chrono::seconds(300))) << read_text(dir_ / "log");
    EXPECT_EQ(temporaries(out).size(), 2u) << "in the write phase";
    ::kill(pid, sig);
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status) << read_text(dir_ / "log");
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_EQ(temporaries(out), std::vector<std::string>{});
    EXPECT_EQ(snapshot(out), before);
  }
}

// ---- the folder as a set ----

// SIGKILL at each step of a commit (output_manifest.hpp): before the manifest names the new
// set the folder is the old set; from then on the next reader finishes the commit and sees
// the whole new set. Never a mix.
TEST_F(CliAtomicOutputs, KillAtEveryStepOfACommitLeavesTheOldOrTheNewSet) {
  const std::string data = write(base_table(200, 3));
  const std::string reference = dir_ / "reference";
  ASSERT_EQ(run_mmm(fit_args(data, reference, "1")).exit_code, 0);
  const Snapshot old_set = snapshot(reference);
  ASSERT_EQ(old_set.count("mmm_manifest.json"), 1u);
  const std::vector<std::pair<std::string, bool>> points = {{"commit-staged", false},
                                                            {"commit-manifest", true},
                                                            {"commit-renamed#1", true},
                                                            {"commit-renamed#4", true},
                                                            {"commit-moved", true}};
  int i = 0;
  for (const auto& [point, finished] : points) {
    SCOPED_TRACE(point);
    const fs::path out = dir_ / ("out" + std::to_string(i++));
    fs::copy(reference, out);
    const pid_t pid = start_mmm(fit_args(data, out.string(), "2"), dir_ / "log", point + ":kill");
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << read_text(dir_ / "log");
    ASSERT_EQ(WTERMSIG(status), SIGKILL);
    const CliResult r = report(out);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    if (finished) {
      expect_whole_manifest_set(out, point);
      EXPECT_NE(snapshot(out).at("model.json"), old_set.at("model.json"));
      EXPECT_EQ(temporaries(out), std::vector<std::string>{});
    } else {
      EXPECT_EQ(snapshot(out), old_set);
    }
  }
}

// A commit that cannot be finished (its staged files were lost) is reported as an incomplete
// set by every reader, exit 2; the next run into the folder writes a whole set again.
TEST_F(CliAtomicOutputs, AnIncompleteSetIsReportedByReaders) {
  const std::string data = write(base_table(200, 3));
  const fs::path out = dir_ / "set";  // not out(): expect_input_error checks that one
  ASSERT_EQ(run_mmm(fit_args(data, out.string(), "1")).exit_code, 0);
  const pid_t pid =
      start_mmm(fit_args(data, out.string(), "2"), dir_ / "log", "commit-manifest:kill");
  ASSERT_TRUE(WIFSIGNALED(wait_for(pid)));
  const std::string staged = ".model.json.tmp" + std::to_string(pid);
  ASSERT_TRUE(fs::exists(out / staged)) << "the new model.json, staged";
  fs::remove(out / staged);
  const CliResult r = report(out);
  expect_input_error(r, {"`" + out.string() + "` holds an incomplete set", "`model.json`",
                         "process " + std::to_string(pid)});
  const CliResult o = run_mmm(
      {"optimize", "--model", (out / "model.json").string(), "--out", dir_ / "plan", "--quiet"});
  EXPECT_EQ(o.exit_code, 2) << describe(o);
  EXPECT_NE(o.err.find("holds an incomplete set"), std::string::npos) << o.err;
  ASSERT_EQ(run_mmm(fit_args(data, out.string(), "3")).exit_code, 0);
  expect_whole_manifest_set(out, "after a new run");
  EXPECT_EQ(report(out).exit_code, 0);
}

// A file edited after the run is read as it is, with a notice naming it.
TEST_F(CliAtomicOutputs, AFileChangedAfterItsCommitGetsANotice) {
  const std::string data = write(base_table(200, 3));
  const fs::path out = dir_ / "out";
  ASSERT_EQ(run_mmm(fit_args(data, out.string(), "1")).exit_code, 0);
  nlohmann::json model = nlohmann::json::parse(read_text(out / "model.json"));
  write_text(out / "model.json", model.dump(1) + "\n");
  const CliResult r =
      run_mmm({"optimize", "--model", (out / "model.json").string(), "--out", dir_ / "plan"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(
      r.err.find("notice: `" + (out / "model.json").string() + "` was changed after mmm wrote it"),
      std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mmm::test
