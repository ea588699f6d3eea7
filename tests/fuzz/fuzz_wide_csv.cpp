// libFuzzer target: a wide CSV (one row per period) through load_wide_csv with every column
// auto-detected, as `mmm fit --data` reads it.

#include "host/data/wide_csv_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = mmm::fuzz::write_file("data.csv", data, size);
  mmm::fuzz::expect_input_error_or_success(
      [&] { (void)mmm::load_wide_csv(path, mmm::ColumnSelection{}); });
  return 0;
}
