// libFuzzer target: the checkpoint `mmm sweep --resume` reads, sweep_state.json and
// sweep_top.csv in one folder. The input is the two files joined by a line "=====": the part
// before it is the state, the part after it the top-K table (empty when there is no such line).

#include <string_view>

#include "host/io/sweep_files.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view separator = "\n=====\n";
  const std::size_t cut = bytes.find(separator);
  const std::string_view state = bytes.substr(0, cut);
  const std::string_view top =
      cut == std::string_view::npos ? std::string_view() : bytes.substr(cut + separator.size());
  mmm::fuzz::write_file("sweep_state.json", reinterpret_cast<const std::uint8_t*>(state.data()),
                        state.size());
  mmm::fuzz::write_file("sweep_top.csv", reinterpret_cast<const std::uint8_t*>(top.data()),
                        top.size());
  mmm::fuzz::expect_input_error_or_success(
      [&] { (void)mmm::read_sweep_checkpoint(mmm::fuzz::scratch_dir().string()); });
  return 0;
}
