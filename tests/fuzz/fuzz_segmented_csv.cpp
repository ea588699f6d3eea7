// libFuzzer target: a long CSV (one row per period and segment) through load_segmented_csv,
// split by a `segment` column, as `mmm fit --segments segment` reads it.

#include "host/data/segmented_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = mmm::fuzz::write_file("long.csv", data, size);
  mmm::ColumnSelection selection;
  selection.segments = {"segment"};
  mmm::fuzz::expect_input_error_or_success([&] { (void)mmm::load_segmented_csv(path, selection); });
  return 0;
}
