// `mmm simulate`, `mmm info`, `mmm --version` and the bare program, end to end (SPEC §3, §11).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

TEST(CliSimulateInfo, SimulateWritesCsvAndTruth) {
  TempDir dir;
  const std::string csv = dir / "sim.csv";
  const CliResult r = run_mmm({"simulate", "--weeks", "30", "--channels", "3", "--controls", "1",
                               "--seed", "9", "--out", csv});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("sim.truth.json"), std::string::npos) << r.out;

  const CsvFile f = read_csv(csv);
  EXPECT_EQ(f.header_line, "date,tv,search,social,ctrl_1,revenue");
  ASSERT_EQ(f.rows.size(), 30u);
  EXPECT_EQ(f.rows.front().at(0), "2021-01-04");
  EXPECT_EQ(f.rows.back().at(0), "2021-07-26");  // 29 weeks later
  for (const auto& row : f.rows) {
    ASSERT_EQ(row.size(), 6u);
    for (std::size_t c = 1; c <= 3; ++c) EXPECT_GE(std::stod(row[c]), 0.0) << row[c];
    EXPECT_GT(std::stod(row[5]), 0.0);
  }

  const nlohmann::json t = nlohmann::json::parse(read_text(dir / "sim.truth.json"));
  EXPECT_EQ(t["seed"], 9);
  EXPECT_EQ(t["weeks"], 30);
  ASSERT_EQ(t["channels"].size(), 3u);
  for (const char* name : {"tv", "search", "social"}) {
    SCOPED_TRACE(name);
    const nlohmann::json& c = t["channels"].at(name);
    for (const char* key : {"theta", "alpha", "gamma", "coef", "roi"}) {
      ASSERT_TRUE(c.contains(key)) << key;
      ASSERT_TRUE(c[key].is_number()) << key;
    }
    // The documented truth ranges (host/simulate/simulator.hpp).
    EXPECT_GE(c["theta"].get<double>(), 0.1);
    EXPECT_LE(c["theta"].get<double>(), 0.7);
    EXPECT_GE(c["alpha"].get<double>(), 0.8);
    EXPECT_LE(c["alpha"].get<double>(), 2.5);
    EXPECT_GT(c["gamma"].get<double>(), 0.0);
    EXPECT_GE(c["roi"].get<double>(), 0.5);
    EXPECT_LE(c["roi"].get<double>(), 5.0);
    // The hyperparameters block holds the same θ, α, γ, ready for `fit --hyperparameters`.
    const nlohmann::json& h = t["hyperparameters"]["channels"].at(name);
    EXPECT_EQ(h["theta"], c["theta"]);
    EXPECT_EQ(h["alpha"], c["alpha"]);
    EXPECT_EQ(h["gamma"], c["gamma"]);
  }
  EXPECT_TRUE(t["hyperparameters"]["ridge_lambda"].is_number());
  // Nothing but the two files.
  EXPECT_EQ(file_names(dir.path()).size(), 2u);
}

TEST(CliSimulateInfo, SimulateIsDeterministicForASeed) {
  TempDir dir;
  for (const char* name : {"a.csv", "b.csv"}) {
    const CliResult r = run_mmm({"simulate", "--weeks", "20", "--channels", "2", "--seed", "5",
                                 "--quiet", "--out", dir / name});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(r.out, "") << "--quiet prints nothing on success";
  }
  EXPECT_EQ(read_text(dir / "a.csv"), read_text(dir / "b.csv"));
  const CliResult c = run_mmm({"simulate", "--weeks", "20", "--channels", "2", "--seed", "6",
                               "--quiet", "--out", dir / "c.csv"});
  ASSERT_EQ(c.exit_code, 0) << describe(c);
  EXPECT_NE(read_text(dir / "a.csv"), read_text(dir / "c.csv"));
}

// The truth is exactly the model `fit` estimates (SPEC §3–4): with no noise, the true θ, α, γ
// and a vanishing ridge penalty, the fit recovers every channel's coefficient and ROI.
TEST(CliSimulateInfo, FitWithTheTrueHyperparametersRecoversTheTruth) {
  TempDir dir;
  const CliResult s = run_mmm({"simulate", "--weeks", "104", "--channels", "3", "--seed", "2",
                               "--noise", "0", "--quiet", "--out", dir / "d.csv"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  const nlohmann::json truth = nlohmann::json::parse(read_text(dir / "d.truth.json"));
  nlohmann::json hyper = truth["hyperparameters"];
  hyper["ridge_lambda"] = 1e-6;
  write_text(dir / "hyper.json", hyper.dump());

  const CliResult f =
      run_mmm({"fit", "--data", dir / "d.csv", "--hyperparameters", dir / "hyper.json",
               "--bootstrap", "0", "--out", dir / "res", "--json", "--quiet"});
  ASSERT_EQ(f.exit_code, 0) << describe(f);
  const nlohmann::json j = nlohmann::json::parse(f.out);
  EXPECT_EQ(j["evaluations"], 0);
  EXPECT_GT(j["r2"].get<double>(), 1 - 1e-9) << j.dump();
  const CsvFile results = read_csv(dir / "res/model_results.csv");
  ASSERT_EQ(results.rows.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    const std::string name = results.rows[c].at(0);
    SCOPED_TRACE(name);
    const nlohmann::json& t = truth["channels"].at(name);
    const double coef = std::stod(results.rows[c].at(4)), roi = std::stod(results.rows[c].at(5));
    EXPECT_NEAR(coef / t["coef"].get<double>(), 1.0, 1e-5);
    EXPECT_NEAR(roi / t["roi"].get<double>(), 1.0, 1e-5);
    EXPECT_NEAR(std::stod(results.rows[c].at(10)), t["theta"].get<double>(), 1e-12);
  }

  // The truth file's own λ (10) shrinks the fit; --ridge-lambda on the command line wins over
  // the file's λ and gives the same fit as the edited file.
  const CliResult shrunk =
      run_mmm({"fit", "--data", dir / "d.csv", "--hyperparameters", dir / "d.truth.json",
               "--bootstrap", "0", "--out", dir / "res10", "--json", "--quiet"});
  ASSERT_EQ(shrunk.exit_code, 0) << describe(shrunk);
  EXPECT_LT(nlohmann::json::parse(shrunk.out)["r2"].get<double>(), 1 - 1e-6);
  const CliResult flag = run_mmm({"fit", "--data", dir / "d.csv", "--hyperparameters",
                                  dir / "d.truth.json", "--ridge-lambda", "1e-6", "--bootstrap",
                                  "0", "--out", dir / "res_flag", "--json", "--quiet"});
  ASSERT_EQ(flag.exit_code, 0) << describe(flag);
  EXPECT_EQ(nlohmann::json::parse(flag.out)["loss"], j["loss"]);
}

TEST(CliSimulateInfo, SimulateBadWeeks) {
  TempDir dir;
  const CliResult r = run_mmm({"simulate", "--weeks", "3", "--out", dir / "x.csv"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  const std::vector<std::string> lines = split_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("--weeks `3`"), std::string::npos) << lines[0];
  EXPECT_TRUE(file_names(dir.path()).empty()) << "no partial output";
}

TEST(CliSimulateInfo, SimulateNeedsOut) {
  const CliResult r = run_mmm({"simulate", "--weeks", "20"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST(CliSimulateInfo, SimulateIntoMissingFolder) {
  TempDir dir;
  const CliResult r = run_mmm({"simulate", "--weeks", "20", "--out", dir / "no_such_folder/x.csv"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("no_such_folder/x.csv"), std::string::npos) << r.err;
  EXPECT_TRUE(file_names(dir.path()).empty());
}

TEST(CliSimulateInfo, Info) {
  const CliResult r = run_mmm({"info"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("cpu backend"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cuda backend: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; this process: rank 0 of 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cuda devices: "), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(CliSimulateInfo, Version) {
  const CliResult r = run_mmm({"--version"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out.rfind("mmm ", 0), 0u) << r.out;
  const CliResult info = run_mmm({"info"});
  // `mmm --version` and `mmm info` agree on the version.
  EXPECT_EQ(split_lines(r.out).at(0), split_lines(info.out).at(0));
}

TEST(CliSimulateInfo, Help) {
  const CliResult r = run_mmm({"--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* sub : {"fit", "simulate", "info"}) {
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
}

// Documented in cli/main.cpp: CLI11 reports the missing subcommand as a parse error, which
// the program prints as one `error:` line plus a usage hint and exits with 2 (bad usage).
TEST(CliSimulateInfo, NoSubcommandIsBadUsage) {
  const CliResult r = run_mmm({});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.out, "");
  const std::vector<std::string> lines = split_lines(r.err);
  ASSERT_EQ(lines.size(), 2u) << r.err;
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("subcommand"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("--help"), std::string::npos) << lines[1];
}

TEST(CliSimulateInfo, UnknownSubcommandIsBadUsage) {
  const CliResult r = run_mmm({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
}

}  // namespace
}  // namespace mmm::test
