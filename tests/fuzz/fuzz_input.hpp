#pragma once
// Shared by the libFuzzer targets (tools/fuzz.sh): the readers under test take a path, so the
// fuzzer's bytes go to a file first, and an InputError (exit 2 in the CLI) is the expected
// answer to bad bytes. Anything else escaping — another exception type, a crash, a sanitizer
// report — is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "host/common/errors.hpp"

namespace mmm::fuzz {

/// A folder of this process's own under the temporary directory, made once.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d =
        std::filesystem::temp_directory_path() / ("mmm_fuzz." + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes `size` bytes to scratch_dir()/name (replacing it) and returns the path.
inline std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

/// Runs `body`; an InputError is the reader's correct answer to bad input.
template <class Body>
void expect_input_error_or_success(Body&& body) {
  try {
    body();
  } catch (const InputError&) {
  }
}

}  // namespace mmm::fuzz
