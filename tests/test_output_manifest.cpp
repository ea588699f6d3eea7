// The output folder as a set (issue 13, defect 8): SHA-256, mmm_manifest.json and its commit
// protocol, readers that finish or refuse an interrupted commit, the temporaries a signal
// removes, and the test hook the CLI fault tests use.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "host/common/errors.hpp"
#include "host/common/sha256.hpp"
#include "host/common/test_hook.hpp"
#include "host/io/committed_folder.hpp"
#include "host/io/dir_lock.hpp"
#include "host/io/output_dir.hpp"
#include "host/io/output_manifest.hpp"
#include "host/io/signal_cleanup.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

using namespace mmm::test;  // NOLINT: test helpers

std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

/// Runs `body` in a child process and returns its wait status.
int in_child(const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// ---- SHA-256 ----

TEST(Sha256, KnownDigests) {
  // FIPS 180-4 examples and the empty string.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesGiveTheDigestOfTheWhole) {
  const std::string text(1000, 'x');
  Sha256 h;
  for (std::size_t at = 0; at < text.size(); at += 37)
    h.update(text.data() + at, std::min<std::size_t>(37, text.size() - at));
  EXPECT_EQ(h.hex_digest(), sha256_hex(text));
}

// ---- the manifest a commit writes ----

TEST(OutputManifest, CommitListsEveryFileWithItsSizeAndHash) {
  TempDir dir;
  const std::string out = dir / "run";
  {
    OutputDir o(out, {"model.json", "flow_curves.csv"});
    o.add("model.json", "{}\n");
    o.add("flow_curves.csv", "A\n1\n");
    o.commit();
  }
  std::optional<Manifest> m = read_manifest(out);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->commit.has_value());
  ASSERT_EQ(m->files.size(), 2u);
  EXPECT_EQ(m->files["model.json"].bytes, 3u);
  EXPECT_EQ(m->files["model.json"].sha256, sha256_hex("{}\n"));
  EXPECT_EQ(m->files["flow_curves.csv"].sha256, sha256_hex("A\n1\n"));
  // A second run of the same command without flow_curves.csv: removed, and from the list; a
  // file of another command's set (sweep_top.csv) keeps its entry.
  write_text(dir / "run/sweep_top.csv", "rank\n");
  {
    OutputDir o(out, {"sweep_top.csv"});
    o.add("sweep_top.csv", "rank\n1\n");
    o.commit();
  }
  {
    OutputDir o(out, {"model.json", "flow_curves.csv"});
    o.add("model.json", "{\"a\": 1}\n");
    o.commit();
  }
  m = read_manifest(out);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(fs::exists(dir.path() / "run/flow_curves.csv"));
  EXPECT_EQ(m->files.count("flow_curves.csv"), 0u);
  EXPECT_EQ(m->files["model.json"].sha256, sha256_hex("{\"a\": 1}\n"));
  EXPECT_EQ(m->files["sweep_top.csv"].sha256, sha256_hex("rank\n1\n"));
}

TEST(OutputManifest, CommitsMayFollowEachOther) {
  TempDir dir;
  const std::string out = dir / "run";
  OutputDir o(out, {"sweep_top.csv", "sweep_state.json"});
  o.add("sweep_top.csv", "1\n");
  o.add("sweep_state.json", "{}\n");
  o.commit();
  EXPECT_EQ(read_text(dir / "run/sweep_top.csv"), "1\n");
  o.add("sweep_top.csv", "2\n");
  EXPECT_EQ(o.written("sweep_top.csv").value(), "2\n");      // the staged one
  EXPECT_EQ(o.written("sweep_state.json").value(), "{}\n");  // the committed one
  o.commit();
  EXPECT_EQ(read_text(dir / "run/sweep_top.csv"), "2\n");
  EXPECT_EQ(read_text(dir / "run/sweep_state.json"), "{}\n") << "not removed: written earlier";
  EXPECT_EQ(o.written(), (std::vector<std::string>{"sweep_top.csv", "sweep_state.json"}));
  EXPECT_EQ(read_manifest(out)->files["sweep_top.csv"].sha256, sha256_hex("2\n"));
}

/// A folder as a process killed after step 2 leaves it: the manifest names the new set and
/// its commit; `model.json` is still the staged temporary of process `pid`.
std::string interrupted_commit(const TempDir& dir, long pid) {
  const std::string out = dir / "run";
  fs::create_directories(out);
  write_text(out + "/model.json", "old\n");
  write_text(out + "/flow_curves.csv", "old\n");
  write_text(temporary_path(out, "model.json", pid), "new\n");
  Manifest m;
  m.files["model.json"] = {4, sha256_hex("new\n")};
  m.commit = PendingCommit{pid, {"model.json"}, {"flow_curves.csv"}};
  write_manifest(out, m);
  return out;
}

TEST(OutputManifest, AnInterruptedCommitIsFinishedFromItsLog) {
  TempDir dir;
  const std::string out = interrupted_commit(dir, 999999);
  Manifest m = *read_manifest(out);
  EXPECT_EQ(finish_pending_commit(out, m), std::vector<std::string>{});
  EXPECT_EQ(read_text(out + "/model.json"), "new\n");
  EXPECT_FALSE(fs::exists(out + "/flow_curves.csv"));
  EXPECT_FALSE(fs::exists(temporary_path(out, "model.json", 999999)));
  EXPECT_FALSE(read_manifest(out)->commit.has_value());
  // Finishing twice changes nothing.
  m = *read_manifest(out);
  EXPECT_EQ(finish_pending_commit(out, m), std::vector<std::string>{});
}

TEST(OutputManifest, AStagedFileThatIsGoneOrDiffersCannotBeFinished) {
  TempDir dir;
  const std::string out = interrupted_commit(dir, 999999);
  write_text(temporary_path(out, "model.json", 999999), "cut");
  Manifest m = *read_manifest(out);
  EXPECT_EQ(finish_pending_commit(out, m), std::vector<std::string>{"model.json"});
  EXPECT_EQ(read_text(out + "/model.json"), "old\n") << "never a file that is not the set's";
  EXPECT_TRUE(read_manifest(out)->commit.has_value());
}

TEST(OutputManifest, AMalformedManifestIsAnInputErrorNamingIt) {
  TempDir dir;
  write_text(dir / "mmm_manifest.json", R"({"format": "mmm output manifest", "version": 2})");
  EXPECT_NE(input_error([&] { read_manifest(dir.path().string()); }).find("mmm_manifest.json"),
            std::string::npos);
  write_text(dir / "mmm_manifest.json",
             R"({"format": "mmm output manifest", "version": 1, "files": {"../x": {}}})");
  EXPECT_NE(input_error([&] { read_manifest(dir.path().string()); }).find("bad file name"),
            std::string::npos);
  EXPECT_FALSE(read_manifest((dir / "none")).has_value());
}

// ---- readers ----

TEST(CommittedFolder, FinishesAnInterruptedCommitWhenTheLockIsFree) {
  TempDir dir;
  const std::string out = interrupted_commit(dir, 999999);
  const CommittedFolder folder(out);
  EXPECT_EQ(read_text(out + "/model.json"), "new\n");
  EXPECT_FALSE(folder.replaced_since());
  EXPECT_EQ(folder.changed_files({"model.json"}), std::vector<std::string>{});
  write_text(out + "/model.json", "edited\n");
  const std::vector<std::string> notices = folder.changed_files({"model.json", "other.csv"});
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("was changed after mmm wrote it"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("lists 4 bytes"), std::string::npos) << notices[0];
}

TEST(CommittedFolder, AnUnfinishableCommitIsAnIncompleteSet) {
  TempDir dir;
  const std::string out = interrupted_commit(dir, 999999);
  fs::remove(temporary_path(out, "model.json", 999999));
  const std::string msg = input_error([&] { CommittedFolder folder(out); });
  EXPECT_NE(msg.find("holds an incomplete set of results"), std::string::npos) << msg;
  EXPECT_NE(msg.find("process 999999"), std::string::npos) << msg;
  EXPECT_NE(msg.find("`model.json`"), std::string::npos) << msg;
}

TEST(CommittedFolder, WaitsForACommitInProgress) {
  TempDir dir;
  const std::string out = interrupted_commit(dir, 999999);
  // "Another run" holds the lock and finishes its commit 300 ms later.
  auto lock = std::make_unique<DirLock>(out);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Manifest m = *read_manifest(out);
    finish_pending_commit(out, m);
    lock.reset();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const CommittedFolder folder(out);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  writer.join();
  EXPECT_EQ(read_text(out + "/model.json"), "new\n");
  // A commit replaced since the reader settled is seen.
  write_manifest(out, Manifest{});
  EXPECT_TRUE(folder.replaced_since());
}

TEST(CommittedFolder, AFolderWithoutAManifestIsReadAsItIs) {
  TempDir dir;
  write_text(dir / "model.json", "{\"x\": 1}");
  std::vector<std::string> notices;
  EXPECT_EQ(read_committed_json(dir / "model.json", "model file", notices)["x"], 1);
  EXPECT_TRUE(notices.empty());
}

// ---- temporaries removed at a signal ----

TEST(SignalCleanup, TracksAndForgetsTemporaries) {
  const int before = tracked_temporary_count();
  track_temporary("/tmp/a-temporary");
  track_temporary("/tmp/b-temporary");
  EXPECT_EQ(tracked_temporary_count(), before + 2);
  untrack_temporary("/tmp/a-temporary");
  untrack_temporary("/tmp/b-temporary");
  EXPECT_EQ(tracked_temporary_count(), before);
}

TEST(SignalCleanup, ASignalRemovesTheTemporariesAndEndsTheProcessByIt) {
  TempDir dir;
  const std::string tmp = dir.write(".model.json.tmp1", "x");
  const std::string other = dir.write("model.json", "kept");
  const int status = in_child([&] {
    const RemoveTemporariesOnSignal cleanup;
    track_temporary(tmp);
    ::raise(SIGTERM);
    ::_exit(3);  // not reached
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_TRUE(fs::exists(other));
}

TEST(SignalCleanup, ASignalDuringACommitWaitsForItsEnd) {
  TempDir dir;
  const std::string tmp = dir.write(".model.json.tmp1", "x");
  const std::string done = dir / "commit-finished";
  const int status = in_child([&] {
    const RemoveTemporariesOnSignal cleanup;
    track_temporary(tmp);
    {
      const CommitWindow window;
      ::raise(SIGINT);
      write_text(done, "yes");  // the commit goes on
    }
    ::_exit(3);  // not reached: the held signal ends the process here
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGINT);
  EXPECT_TRUE(fs::exists(done));
  EXPECT_FALSE(fs::exists(tmp));
}

// ---- the test hook ----

TEST(TestHook, ActsOnlyAtItsPointAndPass) {
  EXPECT_EQ(in_child([] {
              ::setenv("MMM_TEST_HOOK", "here#2:kill", 1);
              test_hook("elsewhere");
              test_hook("here");
              ::_exit(7);
            }),
            in_child([] { ::_exit(7); }));
  const int status = in_child([] {
    ::setenv("MMM_TEST_HOOK", "here#2:kill", 1);
    test_hook("here");
    test_hook("here");
    ::_exit(7);
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ::unsetenv("MMM_TEST_HOOK");
  test_hook("here");  // unset: nothing
}

}  // namespace
}  // namespace mmm
