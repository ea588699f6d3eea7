// libFuzzer target: mmm_manifest.json, which every writer and every reader of an output folder
// reads first (host/io/output_manifest.hpp).

#include "host/io/output_manifest.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mmm::fuzz::write_file(mmm::kManifestName, data, size);
  mmm::fuzz::expect_input_error_or_success(
      [&] { (void)mmm::read_manifest(mmm::fuzz::scratch_dir().string()); });
  return 0;
}
