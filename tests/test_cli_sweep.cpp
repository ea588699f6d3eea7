// `mmm sweep` end to end (SPEC §5): the three output files, a result that does not depend on
// the chunk size, --resume after an interruption giving exactly the uninterrupted result,
// `mmm fit --init-from` seeding the search from a sweep, and bad input exiting 2.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

const std::vector<std::string> kChannels = {"tv", "search", "social", "display"};

/// Simulated data (104 weeks, 4 channels, seed 3) shared by the tests.
class CliSweep : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim = run_mmm({"simulate", "--weeks", "104", "--channels", "4", "--seed", "3",
                                   "--out", *dir_ / "data.csv", "--quiet"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string data() { return *dir_ / "data.csv"; }

  /// A quiet sweep of the shared data into `out` with extra flags.
  static CliResult sweep(const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"sweep", "--data", data(), "--out", out, "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }

  static TempDir* dir_;
};

TempDir* CliSweep::dir_ = nullptr;

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

/// The decompressed text of a gzip file (every member, as gunzip would).
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

TEST_F(CliSweep, WritesTopSummaryAndState) {
  TempDir t;
  const CliResult r = sweep(t / "out", {"--n", "3000", "--top", "25", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.err, "");
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n"], 3000);
  EXPECT_EQ(j["evaluated"], 3000);
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["design"], "sobol");

  const CsvFile top = read_csv(t / "out/sweep_top.csv");
  std::string header = "rank,index,loss,r2";
  for (const auto& c : kChannels) header += "," + c + "_theta," + c + "_alpha," + c + "_gamma";
  for (const auto& c : kChannels) header += "," + c + "_coef";
  EXPECT_EQ(top.header_line, header);
  ASSERT_EQ(top.rows.size(), 25u);
  EXPECT_NEAR(std::stod(top.rows[0][2]), j["best_loss"].get<double>(), 1e-11);  // %.12g
  for (size_t i = 1; i < top.rows.size(); ++i) {
    EXPECT_EQ(top.rows[i][0], std::to_string(i + 1));
    EXPECT_LE(std::stod(top.rows[i - 1][2]), std::stod(top.rows[i][2]));
  }
  for (const auto& row : top.rows) {
    for (size_t c = 0; c < kChannels.size(); ++c) {
      const double theta = std::stod(row[4 + 3 * c]), alpha = std::stod(row[5 + 3 * c]);
      EXPECT_GE(theta, 0.0);
      EXPECT_LE(theta, 0.95);
      EXPECT_GE(alpha, 0.5);
      EXPECT_LE(alpha, 3.0);
      EXPECT_GT(std::stod(row[6 + 3 * c]), 0.0);
    }
  }

  const CsvFile summary = read_csv(t / "out/sweep_summary.csv");
  EXPECT_EQ(summary.header_line, "channel,parameter,bin,lo,hi,count,min_loss,mean_loss");
  ASSERT_EQ(summary.rows.size(), kChannels.size() * 3 * 20);
  // Every candidate falls in one bin of every axis; the best loss is some bin's minimum.
  for (size_t axis = 0; axis < kChannels.size() * 3; ++axis) {
    long count = 0;
    double best = INFINITY;
    for (size_t b = 0; b < 20; ++b) {
      const auto& row = summary.rows[axis * 20 + b];
      count += std::stol(row[5]);
      if (!row[6].empty()) best = std::min(best, std::stod(row[6]));
    }
    EXPECT_EQ(count, 3000) << "axis " << axis;
    EXPECT_DOUBLE_EQ(best, std::stod(top.rows[0][2]));
  }

  const nlohmann::json state = read_json(t / "out/sweep_state.json");
  EXPECT_EQ(state["next_index"], 3000);
  EXPECT_EQ(state["complete"], true);
  EXPECT_EQ(state["seed"], 1);
  EXPECT_EQ(state["design"], "sobol");
  EXPECT_EQ(state["data"]["channels"], kChannels);
}

TEST_F(CliSweep, ChunkSizeDoesNotChangeTheResult) {
  for (const std::string design : {"sobol", "lhs"}) {
    TempDir t;
    const CliResult a =
        sweep(t / "a", {"--design", design, "--n", "1500", "--top", "40", "--chunk", "7"});
    const CliResult b =
        sweep(t / "b", {"--design", design, "--n", "1500", "--top", "40", "--chunk", "1500"});
    ASSERT_EQ(a.exit_code, 0) << describe(a);
    ASSERT_EQ(b.exit_code, 0) << describe(b);
    EXPECT_EQ(read_text(t / "a/sweep_top.csv"), read_text(t / "b/sweep_top.csv")) << design;
    EXPECT_EQ(read_text(t / "a/sweep_summary.csv"), read_text(t / "b/sweep_summary.csv"));
  }
}

TEST_F(CliSweep, ResumeAfterAnInterruptionEqualsAnUninterruptedRun) {
  for (const std::string design : {"sobol", "lhs", "grid"}) {
    TempDir t;
    // lhs with chunks smaller than the top-K: the saved top-K is restored in several calls.
    const std::string chunk = design == "lhs" ? "7" : "256";
    std::vector<std::string> flags = {"--design", design, "--top",   "30",
                                      "--seed",   "4",    "--chunk", chunk};
    if (design == "grid") {
      flags.insert(flags.end(), {"--grid-points", "2"});  // 2^12 = 4096 points
    } else {
      flags.insert(flags.end(), {"--n", "4000"});
    }
    const CliResult whole = sweep(t / "whole", flags);
    ASSERT_EQ(whole.exit_code, 0) << describe(whole);

    std::vector<std::string> first = flags, second = flags, third = flags;
    first.insert(first.end(), {"--stop-after", "1001"});
    second.insert(second.end(), {"--resume", "--stop-after", "2500"});
    third.push_back("--resume");
    const CliResult r1 = sweep(t / "part", first);
    EXPECT_EQ(r1.exit_code, 130) << describe(r1);
    nlohmann::json state = read_json(t / "part/sweep_state.json");
    EXPECT_EQ(state["next_index"], 1001);
    EXPECT_EQ(state["complete"], false);
    EXPECT_EQ(read_csv(t / "part/sweep_top.csv").rows.size(), 30u);
    const CliResult r2 = sweep(t / "part", second);
    EXPECT_EQ(r2.exit_code, 130) << describe(r2);
    EXPECT_EQ(read_json(t / "part/sweep_state.json")["next_index"], 2500);
    const CliResult r3 = sweep(t / "part", third);
    ASSERT_EQ(r3.exit_code, 0) << describe(r3);
    EXPECT_EQ(read_json(t / "part/sweep_state.json")["complete"], true);
    EXPECT_EQ(read_text(t / "part/sweep_top.csv"), read_text(t / "whole/sweep_top.csv")) << design;
    EXPECT_EQ(read_text(t / "part/sweep_summary.csv"), read_text(t / "whole/sweep_summary.csv"))
        << design;
  }
}

TEST_F(CliSweep, AllWritesEveryCandidateAcrossResumes) {
  TempDir t;
  const std::vector<std::string> flags = {"--n", "1200", "--top", "10", "--all", "--chunk", "100"};
  ASSERT_EQ(sweep(t / "whole", flags).exit_code, 0);
  std::vector<std::string> first = flags, rest = flags;
  first.insert(first.end(), {"--stop-after", "450"});
  rest.push_back("--resume");
  ASSERT_EQ(sweep(t / "part", first).exit_code, 130);
  EXPECT_EQ(split_lines(read_gzip(t / "part/sweep_all.csv.gz")).size(), 451u);
  ASSERT_EQ(sweep(t / "part", rest).exit_code, 0);
  const std::string whole = read_gzip(t / "whole/sweep_all.csv.gz");
  const std::vector<std::string> lines = split_lines(whole);
  ASSERT_EQ(lines.size(), 1201u);
  EXPECT_EQ(lines[0].rfind("index,loss,r2,tv_theta,tv_alpha,tv_gamma,", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("0,", 0), 0u);
  EXPECT_EQ(lines[1200].rfind("1199,", 0), 0u);
  EXPECT_EQ(read_gzip(t / "part/sweep_all.csv.gz"), whole);
  // The best row of the whole file is the top row.
  const CsvFile top = read_csv(t / "whole/sweep_top.csv");
  EXPECT_NE(whole.find("\n" + top.rows[0][1] + "," + top.rows[0][2] + ","), std::string::npos);
}

TEST_F(CliSweep, ConfigBoundsLimitTheDesign) {
  TempDir t;
  write_text(t / "c.toml", "[data]\npath = \"" + data() +
                               "\"\n[search]\nseed = 3\n[channels.tv]\ntheta = [0.3, 0.4]\n"
                               "alpha = [1.0, 1.5]\n");
  const CliResult r = run_mmm({"sweep", "--config", t / "c.toml", "--out", t / "o", "--n", "500",
                               "--top", "50", "--quiet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["seed"], 3);
  const CsvFile top = read_csv(t / "o/sweep_top.csv");
  ASSERT_EQ(top.rows.size(), 50u);
  for (const auto& row : top.rows) {
    EXPECT_GE(std::stod(row[top.column("tv_theta")]), 0.3);
    EXPECT_LE(std::stod(row[top.column("tv_theta")]), 0.4);
    EXPECT_GE(std::stod(row[top.column("tv_alpha")]), 1.0);
    EXPECT_LE(std::stod(row[top.column("tv_alpha")]), 1.5);
  }
}

TEST_F(CliSweep, ResumesAnEmptyCheckpoint) {
  // Stopped before any candidate was evaluated: an empty top-K and summary, still resumable.
  TempDir t;
  const std::vector<std::string> flags = {"--n", "300", "--top", "5"};
  std::vector<std::string> first = flags, rest = flags;
  first.insert(first.end(), {"--resume"});
  ASSERT_EQ(sweep(t / "whole", flags).exit_code, 0);
  // A checkpoint at index 0: a finished sweep's state with next_index reset and no top rows.
  fs::create_directories(t / "part");
  nlohmann::json state = read_json(t / "whole/sweep_state.json");
  state["next_index"] = 0;
  state["complete"] = false;
  for (auto& c : state["summary"]["count"]) c = 0;
  for (auto& m : state["summary"]["min_loss"]) m = nullptr;
  for (auto& v : state["summary"]["sum_loss"]) v = 0.0;
  write_text(t / "part/sweep_state.json", state.dump());
  write_text(t / "part/sweep_top.csv", split_lines(read_text(t / "whole/sweep_top.csv"))[0] + "\n");
  const CliResult r = sweep(t / "part", first);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(read_text(t / "part/sweep_top.csv"), read_text(t / "whole/sweep_top.csv"));
  EXPECT_EQ(read_text(t / "part/sweep_summary.csv"), read_text(t / "whole/sweep_summary.csv"));
}

// True once process `pid` has a SIGINT handler installed; false after `limit`.
bool wait_until_catching_sigint(pid_t pid, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigCgt:", 0) == 0) {
        const unsigned long long caught = std::stoull(line.substr(7), nullptr, 16);
        if (caught & (1ULL << (SIGINT - 1))) return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(CliSweep, CtrlCStopsAfterTheChunkAndWritesAValidCheckpoint) {
  TempDir t;
  const std::string out = t / "o";
  std::vector<std::string> args = {MMM_BINARY, "sweep",   "--data",  data(), "--out",  out,
                                   "--n",      "5000000", "--chunk", "512",  "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execv(MMM_BINARY, argv.data());
    _exit(127);
  }
  // Signal only once the sweep catches SIGINT (Linux: bit 1 of SigCgt in /proc/PID/status),
  // so a slow start on a loaded machine cannot turn the test into a plain kill.
  EXPECT_TRUE(wait_until_catching_sigint(pid, std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const nlohmann::json state = read_json(out + "/sweep_state.json");
  const std::uint64_t next = state["next_index"];
  EXPECT_EQ(state["complete"], false);
  EXPECT_LT(next, 5000000u);
  EXPECT_EQ(next % 512, 0u) << "stops at a chunk boundary";
  // And it continues from there.
  const CliResult r = sweep(out, {"--n", "5000000", "--chunk", "512", "--resume", "--stop-after",
                                  std::to_string(next + 1024)});
  EXPECT_EQ(r.exit_code, 130) << describe(r);
  EXPECT_EQ(read_json(out + "/sweep_state.json")["next_index"], next + 1024);
}

TEST_F(CliSweep, ResumeRefusesARepeatedCandidateInTheTopFile) {
  TempDir t;
  const std::string out = t / "o";
  const CliResult first = sweep(out, {"--n", "4000", "--top", "20", "--stop-after", "1000"});
  ASSERT_EQ(first.exit_code, 130) << describe(first);
  // Repeat the best row at the end of sweep_top.csv (an edited or concatenated file).
  std::vector<std::string> lines = split_lines(read_text(out + "/sweep_top.csv"));
  ASSERT_GE(lines.size(), 3u);
  std::ofstream(out + "/sweep_top.csv", std::ios::app) << lines[1] << "\n";
  const CliResult r = sweep(out, {"--n", "4000", "--top", "20", "--resume"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("sweep_top.csv:" + std::to_string(lines.size() + 1)), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("not already on line 2"), std::string::npos) << r.err;
}

TEST_F(CliSweep, SigtermCheckpointsLikeCtrlC) {
  TempDir t;
  const std::string out = t / "o";
  // A sweep far longer than the half second it is given; SIGTERM (what timeout, docker stop
  // and Slurm send) stops it after the chunk in flight, with a resumable checkpoint.
  const std::string cmd = shell_quote(MMM_BINARY) + " sweep --data " + shell_quote(data()) +
                          " --out " + shell_quote(out) +
                          " --n 100000000 --quiet >/dev/null 2>&1 & pid=$!; sleep 1; "
                          "kill -TERM $pid; wait $pid; echo $?";
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[64] = {};
  const size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
  ::pclose(pipe);
  EXPECT_EQ(std::string(buffer, n), "143\n");
  const nlohmann::json state = read_json(out + "/sweep_state.json");
  EXPECT_EQ(state["complete"], false);
  EXPECT_GT(state["next_index"].get<std::uint64_t>(), 0u);
  EXPECT_LT(state["next_index"].get<std::uint64_t>(), 100000000u);
}

TEST_F(CliSweep, InterruptedRunSaysHowToContinue) {
  TempDir t;
  const CliResult r =
      run_mmm({"sweep", "--data", data(), "--out", t / "o", "--n", "2000", "--stop-after", "100"});
  EXPECT_EQ(r.exit_code, 130) << describe(r);
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
}

TEST_F(CliSweep, InitFromSeedsTheSearch) {
  TempDir t;
  const CliResult s = sweep(t / "sweep", {"--n", "2000", "--top", "30", "--json"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  const double sweep_best = nlohmann::json::parse(s.out)["best_loss"];
  // A search whose whole budget is the initial population returns the best of the sweep's
  // rows (written with 12 significant digits, hence the tolerance); the sweep's candidates are
  // Hill curves, so the fit is too.
  const CliResult f = run_mmm({"fit", "--data", data(), "--out", t / "fit", "--init-from",
                               t / "sweep/sweep_top.csv", "--budget", "30", "--population", "30",
                               "--bootstrap", "0", "--saturation", "hill", "--json", "--quiet"});
  ASSERT_EQ(f.exit_code, 0) << describe(f);
  const double fit_loss = nlohmann::json::parse(f.out)["loss"];
  EXPECT_LE(fit_loss, sweep_best * (1 + 1e-9));
  const CliResult plain =
      run_mmm({"fit", "--data", data(), "--out", t / "plain", "--budget", "30", "--population",
               "30", "--bootstrap", "0", "--saturation", "hill", "--json", "--quiet"});
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_NE(nlohmann::json::parse(plain.out)["loss"].get<double>(), fit_loss);
  // The default logistic fit takes the sweep's θ and γ and says so.
  const CliResult logistic = run_mmm({"fit", "--data", data(), "--out", t / "logistic",
                                      "--init-from", t / "sweep/sweep_top.csv", "--budget", "30",
                                      "--population", "30", "--bootstrap", "0"});
  ASSERT_EQ(logistic.exit_code, 0) << describe(logistic);
  EXPECT_NE(logistic.err.find("the sweep's candidates are Hill curves"), std::string::npos)
      << logistic.err;
}

TEST_F(CliSweep, InitFromRejectsAMismatchedOrBadFile) {
  TempDir t;
  const CliResult s = sweep(t / "sweep", {"--n", "500", "--top", "5", "--channels", "tv,search"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  const std::vector<std::string> fit = {"fit",     "--data",     data(), "--out",
                                        t / "fit", "--budget",   "30",   "--bootstrap",
                                        "0",       "--init-from"};
  auto with = [&](const std::string& file) {
    std::vector<std::string> args = fit;
    args.push_back(file);
    return run_mmm(args);
  };
  CliResult r = with(t / "sweep/sweep_top.csv");  // the data has 4 channels, the sweep 2
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("social_theta"), std::string::npos) << r.err;

  std::string text = read_text(t / "sweep/sweep_top.csv");
  const size_t line2 = text.find('\n') + 1;
  const size_t comma =
      text.find(',', text.find(',', text.find(',', text.find(',', line2) + 1) + 1) + 1);
  text.replace(comma + 1, text.find(',', comma + 1) - comma - 1, "abc");  // tv_theta of row 1
  write_text(t / "bad.csv", text);
  std::vector<std::string> args = {
      "fit",      "--data", data(),        "--channels", "tv,search",   "--out",      t / "fit",
      "--budget", "30",     "--bootstrap", "0",          "--init-from", t / "bad.csv"};
  r = run_mmm(args);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("bad.csv:2:5 (column `tv_theta`): value `abc`"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(t / "fit"));
}

TEST_F(CliSweep, BadInputExitsTwoWithOneErrorLine) {
  TempDir t;
  const std::vector<std::vector<std::string>> cases = {
      {"--design", "random"},
      {"--n", "0"},
      {"--top", "0"},
      {"--design", "grid", "--grid-points", "5", "--n", "1000"},  // 5^12 points
      {"--design", "grid", "--grid-points", "40"},                // beyond 2^40
      {"--resume"},                                               // nothing to resume
      {"--threads", "-1"},
  };
  for (const auto& extra : cases) {
    const CliResult r = sweep(t / "o", extra);
    EXPECT_EQ(r.exit_code, 2) << extra[0] << "\n" << describe(r);
    EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_FALSE(fs::exists(t / "o")) << "bad input must leave no output";
  }
  // Resuming with another seed, design or n is refused and leaves the checkpoint alone.
  ASSERT_EQ(sweep(t / "s", {"--n", "1000", "--stop-after", "300"}).exit_code, 130);
  const std::string state = read_text(t / "s/sweep_state.json");
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--n", "1000", "--resume", "--seed", "2"},
           {"--n", "1000", "--resume", "--design", "lhs"},
           {"--n", "2000", "--resume"},
           {"--n", "1000", "--resume", "--channels", "tv,search"}}) {
    const CliResult r = sweep(t / "s", extra);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("cannot --resume"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read_text(t / "s/sweep_state.json"), state);
  // A state whose integers are floats or out of range is malformed, not cast: a count of
  // 4.3e25 (the fuzzer's find: undefined behaviour when converted to int64) or of 3.5, a
  // negative n, a top beyond a long.
  const nlohmann::json good = nlohmann::json::parse(state);
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json bad = good;
    edit(bad);
    write_text(t / "s/sweep_state.json", bad.dump());
    return sweep(t / "s", {"--n", "1000", "--resume"});
  };
  for (const auto& [key, edit] :
       std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>>{
           {"count", [](nlohmann::json& j) { j["summary"]["count"][0] = 4.3465e25; }},
           {"count", [](nlohmann::json& j) { j["summary"]["count"][1] = 3.5; }},
           {"n", [](nlohmann::json& j) { j["n"] = -1000; }},
           {"top", [](nlohmann::json& j) { j["top"] = 1e30; }}}) {
    const CliResult r = with(edit);
    EXPECT_EQ(r.exit_code, 2) << key << "\n" << describe(r);
    EXPECT_NE(r.err.find("malformed `" + key + "`"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace mmm::test
