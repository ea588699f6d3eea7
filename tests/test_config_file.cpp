// The TOML config of `mmm fit`: every section applied, keys not given kept, and errors that
// name the file, line and key.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "host/pipeline/fit_config.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/validation/lambda_selection.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

using namespace mmm::test;  // NOLINT: test helpers

// ---- TOML config ----

constexpr const char* kFullConfig = R"([data]
path = "data/example.csv"
date_col = "week"
kpi_col = "revenue"
channels = ["tv", "search"]
controls = ["price"]

[model]
ridge_lambda = 2.5

[search]
budget = 1234
population = 64
seed = 77

[bootstrap]
resamples = 250
ci = 0.8
block_length = 3

[cv]
train = 40
test = 8
step = 4

[allocation]
budget_change_limit = 0.2

[run]
out = "results"
device = "cuda:1"
threads = 3

[channels.tv]
theta = [0.1, 0.3]
alpha = [1.0, 2.0]
gamma = [0.2, 0.9]

[channels.search]
theta = [0, 0.5]
)";

TEST(ConfigFile, AbsolutePathsAreKeptAndRelativeOnesResolveBesideTheConfig) {
  TempDir dir;
  const std::string path =
      dir.write("c.toml", "[data]\npath = \"/srv/data.csv\"\n[run]\nout = \"../up/res\"\n");
  FitOptions o;
  apply_config_file(path, o);
  EXPECT_EQ(o.data_path, "/srv/data.csv");
  EXPECT_EQ(o.out_dir,
            (std::filesystem::path(path).parent_path().parent_path() / "up/res").string());
}

TEST(ConfigFile, NonAsciiAfterAQuoteInsideABareTokenIsRefused) {
  // Found by fuzz_config_toml: `0.1"x<U+0497>"` is not a string to toml++ (a quote after a
  // number), so the character reached its undefined-behaviour path.
  TempDir dir;
  const std::string path = dir.write("q.toml", "[channels.tv]\ntheta = [0.1\"x\u0497\"x]\n");
  FitOptions o;
  try {
    apply_config_file(path, o);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a non-ASCII character; a config is ASCII"),
              std::string::npos)
        << e.what();
  }
}

TEST(ConfigFile, AppliesEverySection) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", kFullConfig);
  FitOptions o;
  apply_config_file(path, o);
  // Relative paths name files beside the config, not in the working folder.
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  EXPECT_EQ(o.data_path, (folder / "data/example.csv").string());
  EXPECT_EQ(o.columns.date_column, "week");
  EXPECT_EQ(o.columns.kpi_column, "revenue");
  EXPECT_EQ(o.columns.channels, (std::vector<std::string>{"tv", "search"}));
  EXPECT_EQ(o.columns.controls, (std::vector<std::string>{"price"}));
  EXPECT_EQ(o.ridge_lambda, 2.5);
  EXPECT_EQ(o.budget, 1234);
  EXPECT_EQ(o.population, 64);
  EXPECT_EQ(o.seed, 77u);
  EXPECT_EQ(o.bootstrap, 250);
  EXPECT_EQ(o.ci, 0.8);
  EXPECT_EQ(o.block_length, 3);
  EXPECT_EQ(o.cv.train, 40);
  EXPECT_EQ(o.cv.test, 8);
  EXPECT_EQ(o.cv.step, 4);
  EXPECT_EQ(o.budget_change_limit, 0.2);
  EXPECT_EQ(o.out_dir, (folder / "results").string());
  EXPECT_EQ(o.device, "cuda:1");
  EXPECT_EQ(o.threads, 3);
  ASSERT_EQ(o.bounds.size(), 2u);
  const ChannelBounds& tv = o.bounds.at("tv");
  EXPECT_EQ(tv.theta.lo, 0.1);
  EXPECT_EQ(tv.theta.hi, 0.3);
  EXPECT_EQ(tv.alpha.lo, 1.0);
  EXPECT_EQ(tv.alpha.hi, 2.0);
  EXPECT_EQ(tv.gamma_fraction.lo, 0.2);
  EXPECT_EQ(tv.gamma_fraction.hi, 0.9);
  const ChannelBounds& search = o.bounds.at("search");
  EXPECT_EQ(search.theta.lo, 0.0);  // an integer is accepted as a number
  EXPECT_EQ(search.theta.hi, 0.5);
  EXPECT_EQ(search.alpha.lo, 0.5);  // untouched bounds keep the SPEC §5 defaults
  EXPECT_EQ(search.alpha.hi, 3.0);
  EXPECT_EQ(search.gamma_fraction.hi, 1.0);
}

// Found by tests/fuzz/fuzz_config_toml: toml++ 3.3 has undefined behaviour on non-ASCII
// characters wherever its tokenizer meets them outside what it takes as a string; a config is
// ASCII, refused with the place of the first other byte, and non-ASCII text is written as
// \uXXXX escapes, which toml++ decodes.
TEST(ConfigFile, NonAsciiOutsideStringsIsRefusedWithItsPlace) {
  TempDir dir;
  FitOptions o;
  const std::string bare = dir.write("bare.toml", "[data]\nkpi_col = \"y\"\nt\u00e9l\u00e9 = 1\n");
  std::string msg = input_error([&] { apply_config_file(bare, o); });
  EXPECT_NE(msg.find(bare + ":3:2: a non-ASCII character; a config is ASCII"), std::string::npos)
      << msg;
  const std::string header = dir.write("header.toml", "[d\uFEF5ata]\n");
  msg = input_error([&] { apply_config_file(header, o); });
  EXPECT_NE(msg.find(header + ":1:3:"), std::string::npos) << msg;
  const std::string fine =
      dir.write("fine.toml",
                "# tele\n[data]\npath = \"donn\\u00e9es \\\" \\u00e9.csv\"\n"
                "channels = [\"t\\u00e9l\\u00e9\", \"\"\"radio\n\\u00e9\"\"\"]\n"
                "[channels.\"t\\u00e9l\\u00e9\"]\ntheta = [0.1, 0.3]\n");
  const std::string control = dir.write("control.toml", "[data]\nkpi_col = \"y\\u0000\"\n\x01");
  msg = input_error([&] { apply_config_file(control, o); });
  EXPECT_NE(msg.find(control + ":3:1: a control character (byte 1)"), std::string::npos) << msg;
  FitOptions ok;
  apply_config_file(fine, ok);
  // (relative, so beside the config)
  EXPECT_EQ(ok.data_path,
            (std::filesystem::path(fine).parent_path() / "donn\u00e9es \" \u00e9.csv").string());
  EXPECT_EQ(ok.columns.channels, (std::vector<std::string>{"t\u00e9l\u00e9", "radio\n\u00e9"}));
  EXPECT_EQ(ok.bounds.count("t\u00e9l\u00e9"), 1u);
}

TEST(ConfigFile, TheReaderReturnsOnlyTheKeysTheFileSets) {
  // The reader (host/io) knows the file, not FitOptions: unset keys stay empty, and the
  // pipeline's apply_config maps the rest.
  TempDir dir;
  const ConfigFile c = read_config_file(
      dir.write("plain.toml",
                "[data]\nformat = \"long\"\n[search]\nbudget = 5\nevaluations = 7\n"
                "[model]\nridge_lambda = \"auto\"\n[channels.tv]\nkind = \"flow\"\n"));
  EXPECT_EQ(c.format, InputFormat::Long);
  EXPECT_EQ(c.evaluations, 7) << "the later key of the two names wins";
  EXPECT_TRUE(c.ridge_lambda_auto);
  EXPECT_FALSE(c.ridge_lambda.has_value());
  EXPECT_FALSE(c.data_path.has_value());
  EXPECT_FALSE(c.seed.has_value());
  EXPECT_FALSE(c.threads.has_value());
  EXPECT_TRUE(c.bounds.empty());
  ASSERT_EQ(c.kinds.count("tv"), 1u);
  EXPECT_EQ(c.kinds.at("tv").kind, ChannelKind::Flow);
  FitOptions o;
  o.seed = 12;
  apply_config(c, o);
  EXPECT_TRUE(o.columns.channel_long);
  EXPECT_EQ(o.budget, 7);
  EXPECT_FALSE(o.lambda_grid.empty());
  EXPECT_FALSE(o.ridge_lambda_explicit);
  EXPECT_EQ(o.seed, 12u);
  EXPECT_EQ(o.kinds.at("tv").kind, ChannelKind::Flow);
}

TEST(ConfigFile, KeysNotGivenKeepTheirValues) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", "[search]\nbudget = 99\n");
  FitOptions o;
  o.device = "cpu";
  o.ridge_lambda = 4.0;
  apply_config_file(path, o);
  EXPECT_EQ(o.budget, 99);
  EXPECT_EQ(o.device, "cpu");
  EXPECT_EQ(o.ridge_lambda, 4.0);
  EXPECT_EQ(o.population, 30);
  EXPECT_TRUE(o.bounds.empty());
}

TEST(ConfigFile, AutoLambdaChoosesAmongTheFilesGridWhenOneIsGiven) {
  TempDir dir;
  FitOptions o;
  apply_config_file(
      dir.write("grid.toml", "[model]\nridge_lambda = \"auto\"\nlambda_grid = [0.5, 2]\n"), o);
  EXPECT_EQ(o.lambda_grid, std::vector<double>({0.5, 2.0}));
  FitOptions d;
  apply_config_file(dir.write("auto.toml", "[model]\nridge_lambda = \"auto\"\n"), d);
  EXPECT_EQ(d.lambda_grid, default_lambda_grid());
  FitOptions f;
  apply_config_file(dir.write("fixed.toml", "[model]\nridge_lambda = 3\nlambda_grid = [0.5, 2]\n"),
                    f);
  EXPECT_TRUE(f.lambda_grid.empty());
  EXPECT_EQ(f.ridge_lambda, 3.0);
}

TEST(ConfigFile, SegmentsSection) {
  TempDir dir;
  FitOptions o;
  apply_config_file(dir.write("seg.toml",
                              "[segments]\ncolumns = [\"geo\"]\npooling = \"none\"\n"
                              "per_segment_hyperparameters = true\nsegment_budget = 50\n"),
                    o);
  EXPECT_EQ(o.columns.segments, std::vector<std::string>{"geo"});
  EXPECT_EQ(o.pooling, "none");
  EXPECT_TRUE(o.per_segment_hyperparameters);
  EXPECT_EQ(o.segment_budget, 50);
  std::string msg = input_error([&] {
    FitOptions x;
    apply_config_file(dir.write("a.toml", "[segments]\nper_segment_hyperparameters = 1\n"), x);
  });
  EXPECT_TRUE(contains(msg, "a.toml:2")) << msg;
  EXPECT_TRUE(contains(msg, "true or false")) << msg;
  msg = input_error([&] {
    FitOptions x;
    apply_config_file(dir.write("b.toml", "[segments]\nsegment_budget = 0\n"), x);
  });
  EXPECT_TRUE(contains(msg, "b.toml:2")) << msg;
}

TEST(ConfigFile, EmptyFileChangesNothing) {
  TempDir dir;
  FitOptions o;
  apply_config_file(dir.write("empty.toml", ""), o);
  EXPECT_EQ(o.budget, kAutoBudget);
  EXPECT_EQ(resolved_fit_options(o).budget, kDefaultBudget);
  EXPECT_EQ(o.device, "auto");
}

TEST(ConfigFile, UnknownKeyNamesFileLineAndKey) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", "[search]\nbudget = 10\nbudjet = 20\n");
  FitOptions o;
  const std::string msg = input_error([&] { apply_config_file(path, o); });
  EXPECT_TRUE(contains(msg, path + ":3:")) << msg;
  EXPECT_TRUE(contains(msg, "`search.budjet`")) << msg;
  EXPECT_TRUE(contains(msg, "unknown key")) << msg;
}

TEST(ConfigFile, UnknownSectionNamesFileLineAndSection) {
  TempDir dir;
  const std::string path =
      dir.write("fit.toml", "[model]\nridge_lambda = 1\n\n[serch]\nbudget = 5\n");
  FitOptions o;
  const std::string msg = input_error([&] { apply_config_file(path, o); });
  EXPECT_TRUE(contains(msg, path + ":4:")) << msg;
  EXPECT_TRUE(contains(msg, "`serch`")) << msg;
  EXPECT_TRUE(contains(msg, "unknown section")) << msg;
  EXPECT_TRUE(contains(msg, "channels")) << msg;  // lists the valid sections
}

TEST(ConfigFile, UnknownChannelKey) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", "[channels.tv]\ntheta = [0, 0.5]\ndecay = 3\n");
  FitOptions o;
  const std::string msg = input_error([&] { apply_config_file(path, o); });
  EXPECT_TRUE(contains(msg, path + ":3:")) << msg;
  EXPECT_TRUE(contains(msg, "`decay`")) << msg;
  EXPECT_TRUE(contains(msg, "[channels.tv]")) << msg;
}

TEST(ConfigFile, BadTypesAndValuesAreInputErrors) {
  struct Case {
    const char* toml;
    const char* key;
    const char* expected;
  };
  const Case cases[] = {
      {"[search]\nbudget = \"many\"\n", "`search.budget`", "expected an integer"},
      {"[search]\nbudget = 1.5\n", "`search.budget`", "expected an integer"},
      {"[search]\nbudget = 0\n", "`search.budget`", "out of range"},
      {"[search]\npopulation = 3000000000\n", "`search.population`", "out of range"},
      {"[search]\nseed = -1\n", "`search.seed`", "out of range"},
      {"[bootstrap]\nresamples = -5\n", "`bootstrap.resamples`", "out of range"},
      {"[bootstrap]\nblock_length = 0\n", "`bootstrap.block_length`", "out of range"},
      {"[run]\nthreads = 5000\n", "`run.threads`", "[0, 1024]"},
      {"[model]\nridge_lambda = \"ten\"\n", "`model.ridge_lambda`", "expected a number"},
      {"[data]\nchannels = \"tv\"\n", "`data.channels`", "expected an array"},
      {"[data]\ncontrols = [\"a\", 3]\n", "`data.controls`", "expected a column name"},
      {"[data]\npath = 5\n", "`data.path`", "expected a file path"},
      {"[run]\ndevice = 1\n", "`run.device`", "expected auto, cpu, cuda or cuda:N"},
      {"[channels.tv]\ntheta = [0.3]\n", "`theta`", "expected [lo, hi]"},
      {"[channels.tv]\ntheta = [0.5, 0.2]\n", "`theta`", "lo ≤ hi"},
      {"[channels.tv]\ntheta = [0.1, 1.0]\n", "`theta`", "[0, 1)"},
      {"[channels.tv]\nalpha = [0, 2]\n", "`alpha`", "> 0"},
      {"[channels.tv]\ngamma = [-0.1, 2]\n", "`gamma`", "≥ 0"},
      {"[channels.tv]\ngamma = [\"a\", 2]\n", "`gamma`", "a number"},
      {"data = 5\n", "`data`", "expected a [data] table"},
      {"[channels]\ntv = 3\n", "`channels.tv`", "table"},
  };
  TempDir dir;
  int i = 0;
  for (const Case& c : cases) {
    const std::string path = dir.write("case" + std::to_string(i++) + ".toml", c.toml);
    FitOptions o;
    const std::string msg = input_error([&] { apply_config_file(path, o); });
    EXPECT_TRUE(contains(msg, path + ":")) << c.toml << " → " << msg;
    EXPECT_TRUE(contains(msg, c.key)) << c.toml << " → " << msg;
    EXPECT_TRUE(contains(msg, c.expected)) << c.toml << " → " << msg;
  }
}

TEST(ConfigFile, SyntaxErrorNamesLineAndColumn) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", "[search]\nbudget = \n");
  FitOptions o;
  const std::string msg = input_error([&] { apply_config_file(path, o); });
  EXPECT_TRUE(contains(msg, path + ":2:")) << msg;
}

TEST(ConfigFile, MissingFileIsAnInputError) {
  TempDir dir;
  const std::string path = (dir.path() / "nope.toml").string();
  FitOptions o;
  const std::string msg = input_error([&] { apply_config_file(path, o); });
  EXPECT_TRUE(contains(msg, path)) << msg;
}

}  // namespace
}  // namespace mmm
