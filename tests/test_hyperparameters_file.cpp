// The hyperparameters JSON (issue 2 contract): round trip, channel order, the model.json
// nesting and errors that name the file, channel and key.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/io/hyperparameters_file.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

using namespace mmm::test;  // NOLINT: test helpers

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

TEST(HyperparametersFile, SaturationShapeRoundTripsAndOldFilesReadAsHill) {
  Hyperparameters h = sample_hyper();
  h.channels[1].saturation = SaturationShape::Logistic;
  const nlohmann::json j = hyperparameters_to_json(h, kChannels);
  EXPECT_EQ(j.at("channels").at("tv").at("saturation"), "hill");
  EXPECT_EQ(j.at("channels").at("search").at("saturation"), "logistic");
  const Hyperparameters back =
      hyperparameters_from_json(nlohmann::json::parse(j.dump()), "mem", kChannels);
  EXPECT_EQ(back.channels[0].saturation, SaturationShape::Hill);
  EXPECT_EQ(back.channels[1].saturation, SaturationShape::Logistic);
  EXPECT_EQ(back.channels[1].gamma, 0.1 + 0.2);
  // A file written before the shape existed: every channel Hill.
  const nlohmann::json old = nlohmann::json::parse(
      R"({"channels": {"tv": {"theta": 0.1, "alpha": 2, "gamma": 5},
                       "search": {"theta": 0.2, "alpha": 1, "gamma": 7}}})");
  for (const ChannelHyper& c : hyperparameters_from_json(old, "old", kChannels).channels)
    EXPECT_EQ(c.saturation, SaturationShape::Hill);
  // A logistic channel may leave α out.
  const nlohmann::json no_alpha = nlohmann::json::parse(
      R"({"channels": {"tv": {"theta": 0.1, "gamma": 5, "saturation": "logistic"},
                       "search": {"theta": 0.2, "alpha": 1, "gamma": 7}}})");
  const Hyperparameters n = hyperparameters_from_json(no_alpha, "mem", kChannels);
  EXPECT_EQ(n.channels[0].alpha, kUnusedAlpha);
  EXPECT_EQ(n.channels[0].saturation, SaturationShape::Logistic);
}

TEST(HyperparametersFile, UnknownSaturationNamesTheChannelAndTheChoices) {
  const nlohmann::json j = nlohmann::json::parse(
      R"({"channels": {"tv": {"theta": 0.1, "alpha": 2, "gamma": 5, "saturation": "tanh"},
                       "search": {"theta": 0.2, "alpha": 1, "gamma": 7}}})");
  try {
    hyperparameters_from_json(j, "h.json", kChannels);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "h.json: channel `tv`: saturation `tanh`; expected one of: hill, logistic");
  }
  // A Hill channel still needs its α.
  const nlohmann::json hill_no_alpha = nlohmann::json::parse(
      R"({"channels": {"tv": {"theta": 0.1, "gamma": 5},
                       "search": {"theta": 0.2, "alpha": 1, "gamma": 7}}})");
  EXPECT_THROW(hyperparameters_from_json(hill_no_alpha, "h.json", kChannels), InputError);
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

}  // namespace
}  // namespace mmm
