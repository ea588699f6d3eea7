// libFuzzer target: channel-long warehouse data (a row per date × channel × geo × product)
// through load_input with --format long, as `mmm fit --format long --controls price` reads it.

#include "host/data/input_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = mmm::fuzz::write_file("warehouse.csv", data, size);
  mmm::ColumnSelection selection;
  selection.channel_long = true;
  selection.controls = {"price"};
  selection.missing_controls = mmm::MissingControls::Ffill;
  // 0: every key with some spend is kept, so the pivot's later stages see more inputs.
  selection.long_options.min_spend = 0;
  mmm::fuzz::expect_input_error_or_success(
      [&] { (void)mmm::load_input(path, nullptr, selection); });
  return 0;
}
