// File formats and output plumbing: the hyperparameters JSON, the TOML config of `mmm fit`,
// atomic output folders (SPEC §10) and CSV text.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "host/common/errors.hpp"
#include "host/io/config_file.hpp"
#include "host/io/csv_writer.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/output_dir.hpp"
#include "host/pipeline/fit_options.hpp"

namespace mmm {
namespace {

namespace fs = std::filesystem;

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("mmm_test_io_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Runs `fn`, expects an InputError, and returns its message ("" when none was thrown).
template <typename Fn>
std::string input_error(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- hyperparameters file ----

const std::vector<std::string> kChannels = {"tv", "search"};

Hyperparameters sample_hyper() {
  Hyperparameters h;
  h.ridge_lambda = 3.25;
  h.channels = {{0.45, 1.2, 12345.678}, {0.0, 2.9999999999, 0.1 + 0.2}};
  return h;
}

TEST(HyperparametersFile, JsonRoundTrip) {
  const Hyperparameters h = sample_hyper();
  const nlohmann::json j = hyperparameters_to_json(h, kChannels);
  EXPECT_EQ(j.at("ridge_lambda").get<double>(), 3.25);
  EXPECT_EQ(j.at("channels").at("tv").at("gamma").get<double>(), 12345.678);
  // Through text, as a file would go.
  const Hyperparameters back =
      hyperparameters_from_json(nlohmann::json::parse(j.dump()), "mem", kChannels);
  EXPECT_EQ(back.ridge_lambda, h.ridge_lambda);
  ASSERT_EQ(back.channels.size(), 2u);
  for (size_t c = 0; c < 2; ++c) {
    EXPECT_EQ(back.channels[c].theta, h.channels[c].theta);
    EXPECT_EQ(back.channels[c].alpha, h.channels[c].alpha);
    EXPECT_EQ(back.channels[c].gamma, h.channels[c].gamma);
  }
}

TEST(HyperparametersFile, ChannelOrderFollowsTheData) {
  const nlohmann::json j = hyperparameters_to_json(sample_hyper(), kChannels);
  const Hyperparameters swapped = hyperparameters_from_json(j, "mem", {"search", "tv"});
  ASSERT_EQ(swapped.channels.size(), 2u);
  EXPECT_EQ(swapped.channels[0].gamma, 0.1 + 0.2);
  EXPECT_EQ(swapped.channels[1].gamma, 12345.678);
}

TEST(HyperparametersFile, ReadsFileAndModelJsonNesting) {
  TempDir dir;
  const nlohmann::json j = hyperparameters_to_json(sample_hyper(), kChannels);
  const std::string plain = dir.write("hyper.json", j.dump(2));
  EXPECT_EQ(read_hyperparameters_file(plain, kChannels).channels[0].theta, 0.45);
  const nlohmann::json model = {{"version", "0.1.0"}, {"hyperparameters", j}, {"r2", 0.9}};
  const std::string nested = dir.write("model.json", model.dump());
  const Hyperparameters h = read_hyperparameters_file(nested, kChannels);
  EXPECT_EQ(h.ridge_lambda, 3.25);
  EXPECT_EQ(h.channels[1].alpha, 2.9999999999);
}

TEST(HyperparametersFile, RidgeLambdaIsOptional) {
  const nlohmann::json j = {{"channels",
                             {{"tv", {{"theta", 0.1}, {"alpha", 1}, {"gamma", 5}}},
                              {"search", {{"theta", 0}, {"alpha", 2}, {"gamma", 7}}}}}};
  const Hyperparameters h = hyperparameters_from_json(j, "mem", kChannels);
  EXPECT_EQ(h.ridge_lambda, 10.0);
  EXPECT_EQ(h.channels[0].alpha, 1.0);  // integers are numbers too
}

TEST(HyperparametersFile, ErrorsNameTheSourceChannelAndKey) {
  const nlohmann::json good = hyperparameters_to_json(sample_hyper(), kChannels);

  nlohmann::json missing_channel = good;
  missing_channel["channels"].erase("search");
  std::string msg =
      input_error([&] { hyperparameters_from_json(missing_channel, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "h.json")) << msg;
  EXPECT_TRUE(contains(msg, "`search`")) << msg;

  nlohmann::json missing_key = good;
  missing_key["channels"]["tv"].erase("alpha");
  msg = input_error([&] { hyperparameters_from_json(missing_key, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "channel `tv`")) << msg;
  EXPECT_TRUE(contains(msg, "missing key `alpha`")) << msg;

  nlohmann::json bad_theta = good;
  bad_theta["channels"]["search"]["theta"] = 1.2;
  msg = input_error([&] { hyperparameters_from_json(bad_theta, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "channel `search`")) << msg;
  EXPECT_TRUE(contains(msg, "theta")) << msg;

  nlohmann::json text_theta = good;
  text_theta["channels"]["tv"]["theta"] = "half";
  msg = input_error([&] { hyperparameters_from_json(text_theta, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "`theta`")) << msg;
  EXPECT_TRUE(contains(msg, "half")) << msg;

  nlohmann::json bad_alpha = good;
  bad_alpha["channels"]["tv"]["alpha"] = 0;
  msg = input_error([&] { hyperparameters_from_json(bad_alpha, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "alpha must be > 0")) << msg;

  nlohmann::json bad_gamma = good;
  bad_gamma["channels"]["tv"]["gamma"] = -3;
  msg = input_error([&] { hyperparameters_from_json(bad_gamma, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "gamma must be > 0")) << msg;

  nlohmann::json unknown = good;
  unknown["channels"]["radio"] = good["channels"]["tv"];
  msg = input_error([&] { hyperparameters_from_json(unknown, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "`radio`")) << msg;
  EXPECT_TRUE(contains(msg, "not a channel of the data")) << msg;

  nlohmann::json bad_lambda = good;
  bad_lambda["ridge_lambda"] = 0;
  msg = input_error([&] { hyperparameters_from_json(bad_lambda, "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "ridge_lambda")) << msg;

  msg =
      input_error([&] { hyperparameters_from_json(nlohmann::json::array(), "h.json", kChannels); });
  EXPECT_TRUE(contains(msg, "\"channels\"")) << msg;
  msg = input_error([&] {
    hyperparameters_from_json({{"channels", {1, 2}}}, "h.json", kChannels);
  });
  EXPECT_TRUE(contains(msg, "h.json")) << msg;
}

TEST(HyperparametersFile, InvalidJsonAndMissingFile) {
  TempDir dir;
  const std::string path = dir.write("broken.json", "{\"channels\": {\"tv\": ");
  std::string msg = input_error([&] { read_hyperparameters_file(path, kChannels); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "not valid JSON")) << msg;
  const std::string absent = (dir.path() / "absent.json").string();
  msg = input_error([&] { read_hyperparameters_file(absent, kChannels); });
  EXPECT_TRUE(contains(msg, absent)) << msg;
}

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

TEST(ConfigFile, AppliesEverySection) {
  TempDir dir;
  const std::string path = dir.write("fit.toml", kFullConfig);
  FitOptions o;
  apply_config_file(path, o);
  EXPECT_EQ(o.data_path, "data/example.csv");
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
  EXPECT_EQ(o.cv.train, 40);
  EXPECT_EQ(o.cv.test, 8);
  EXPECT_EQ(o.cv.step, 4);
  EXPECT_EQ(o.budget_change_limit, 0.2);
  EXPECT_EQ(o.out_dir, "results");
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

TEST(ConfigFile, EmptyFileChangesNothing) {
  TempDir dir;
  FitOptions o;
  apply_config_file(dir.write("empty.toml", ""), o);
  EXPECT_EQ(o.budget, 500);
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

// ---- OutputDir ----

TEST(OutputDir, FilesAppearOnlyAfterCommit) {
  TempDir dir;
  const fs::path out = dir.path() / "run" / "nested";
  {
    OutputDir o(out.string());
    EXPECT_EQ(o.path(), out.string());
    EXPECT_FALSE(fs::exists(dir.path() / "run"));  // created only once there are results
    o.add("model_results.csv", "A,B\n1,2\n");
    EXPECT_TRUE(fs::is_directory(out));
    o.add("model.json", "{}");
    EXPECT_FALSE(fs::exists(out / "model_results.csv"));
    EXPECT_FALSE(fs::exists(out / "model.json"));
    const std::vector<std::string> temporaries = entries(out);
    EXPECT_EQ(temporaries.size(), 2u);
    for (const std::string& name : temporaries) EXPECT_EQ(name[0], '.') << name;
    o.commit();
    EXPECT_EQ(entries(out), (std::vector<std::string>{"model.json", "model_results.csv"}));
  }
  // Destroying a committed OutputDir keeps the files.
  EXPECT_EQ(read_text(out / "model_results.csv"), "A,B\n1,2\n");
  EXPECT_EQ(read_text(out / "model.json"), "{}");
}

TEST(OutputDir, NothingAddedLeavesNoFolder) {
  TempDir dir;
  const fs::path out = dir.path() / "never";
  { OutputDir o(out.string()); }
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputDir, UncommittedRunRemovesTheFolderItCreated) {
  TempDir dir;
  const fs::path out = dir.path() / "fresh";
  {
    OutputDir o(out.string());
    o.add("a.csv", "x\n");
    EXPECT_TRUE(fs::is_directory(out));
  }  // e.g. a failure after the first file was staged
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputDir, DestructorWithoutCommitLeavesNoFiles) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  {
    OutputDir o(out.string());
    o.add("a.csv", "x\n");
    o.add("b.csv", "y\n");
    EXPECT_EQ(entries(out).size(), 2u);  // the temporaries
  }
  EXPECT_TRUE(entries(out).empty());
}

TEST(OutputDir, CommitReplacesEarlierOutputButKeepsUnrelatedFiles) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "a.csv") << "old\n";
  std::ofstream(out / "notes.txt") << "mine\n";
  {
    OutputDir o(out.string());
    o.add("a.csv", "new\n");
  }
  EXPECT_EQ(read_text(out / "a.csv"), "old\n");  // uncommitted: untouched
  {
    OutputDir o(out.string());
    o.add("a.csv", "new\n");
    o.commit();
  }
  EXPECT_EQ(read_text(out / "a.csv"), "new\n");
  EXPECT_EQ(read_text(out / "notes.txt"), "mine\n");
}

TEST(OutputDir, RegularFileOrEmptyPathIsAnInputError) {
  TempDir dir;
  const std::string file = dir.write("taken", "data");
  std::string msg = input_error([&] { OutputDir o(file); });
  EXPECT_TRUE(contains(msg, file)) << msg;
  EXPECT_TRUE(contains(msg, "not a folder")) << msg;
  EXPECT_EQ(read_text(file), "data");
  msg = input_error([&] { OutputDir o(""); });
  EXPECT_TRUE(contains(msg, "--out")) << msg;
  // A path below a regular file cannot be created.
  msg = input_error([&] { OutputDir o(file + "/sub"); });
  EXPECT_TRUE(contains(msg, file + "/sub")) << msg;
}

// ---- CsvWriter ----

TEST(CsvWriter, HeaderRowsAndQuoting) {
  CsvWriter w({"CHANNEL", "NOTE, with comma", "VALUE"});
  w.cell("tv").cell("plain").cell(1.5).end_row();
  w.cell("a,b").cell("say \"hi\"").cell(std::numeric_limits<double>::quiet_NaN()).end_row();
  w.cell("line\nbreak").cell(std::string("cr\r")).cell(2L).end_row();
  w.cell(true).cell(false).cell(-7).end_row();
  EXPECT_EQ(w.text(),
            "CHANNEL,\"NOTE, with comma\",VALUE\n"
            "tv,plain,1.5\n"
            "\"a,b\",\"say \"\"hi\"\"\",\n"
            "\"line\nbreak\",\"cr\r\",2\n"
            "TRUE,FALSE,-7\n");
}

TEST(CsvWriter, EmptyCellsAndInfinities) {
  CsvWriter w({"A", "B", "C"});
  w.cell("")
      .cell(std::numeric_limits<double>::infinity())
      .cell(-std::numeric_limits<double>::infinity());
  w.end_row();
  EXPECT_EQ(w.text(), "A,B,C\n,inf,-inf\n");
}

TEST(CsvWriter, FormatNumber) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(42.0), "42");
  EXPECT_EQ(format_number(-3.5), "-3.5");
  EXPECT_EQ(format_number(1.0 / 3.0), "0.333333333333");
  EXPECT_EQ(format_number(1234567.891), "1234567.891");
  EXPECT_EQ(format_number(123456789012345.0), "1.23456789012e+14");
  EXPECT_EQ(format_number(1e-20), "1e-20");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  // 12 significant digits round-trip the figures people compare.
  EXPECT_NEAR(std::stod(format_number(98765.4321098765)), 98765.4321098765, 1e-7);
}

}  // namespace
}  // namespace mmm
