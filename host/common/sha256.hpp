#pragma once
// SHA-256 (FIPS 180-4), for the output manifest: a file's hash as `sha256sum` prints it, so a
// reader in any language (or the shell) can check that a file is the one a run committed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mmm {

class Sha256 {
 public:
  Sha256();
  /// Adds `size` bytes.
  void update(const void* data, std::size_t size);
  /// The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex_digest();

 private:
  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
  void compress(const unsigned char* block);
};

/// SHA-256 of a string's bytes, as hex.
std::string sha256_hex(const std::string& bytes);

}  // namespace mmm
