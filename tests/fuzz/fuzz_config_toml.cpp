// libFuzzer target: the TOML config of `mmm fit --config`, applied onto default options.

#include "host/pipeline/fit_config.hpp"
#include "host/pipeline/fit_options.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = mmm::fuzz::write_file("config.toml", data, size);
  mmm::FitOptions options;
  mmm::fuzz::expect_input_error_or_success([&] { mmm::apply_config_file(path, options); });
  return 0;
}
