// libFuzzer target: a `--hyperparameters` file (a plain one or a model.json, segmented or not)
// read for the channels tv and search, the way `mmm fit` and `mmm fit --segments` read it.

#include "host/io/hyperparameters_file.hpp"
#include "host/io/json_file.hpp"
#include "host/io/segment_model_file.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = mmm::fuzz::write_file("hyper.json", data, size);
  const std::vector<std::string> channels = {"tv", "search"};
  mmm::fuzz::expect_input_error_or_success(
      [&] { (void)mmm::read_hyperparameters_file(path, channels); });
  mmm::fuzz::expect_input_error_or_success([&] {
    const nlohmann::json j = mmm::read_json_file(path, "hyperparameters file");
    (void)mmm::segment_model_from_json(j, path, channels);
  });
  return 0;
}
