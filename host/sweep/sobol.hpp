#pragma once
// The Sobol low-discrepancy sequence in base 2 with Joe and Kuo's direction numbers
// (new-joe-kuo-6.21201, dimensions 1–128), in Gray-code order, 32 bits per coordinate. Point i
// is a pure function of i, so any chunk [a, b) of a design can be generated on its own.

#include <cstdint>
#include <vector>

namespace mmm {

class SobolSequence {
 public:
  /// Dimensions the bundled direction numbers cover.
  static constexpr int kMaxDimensions = 128;
  /// Points before the 32-bit coordinates repeat.
  static constexpr std::uint64_t kMaxPoints = std::uint64_t{1} << 32;

  /// A generator for `dimensions` (1..kMaxDimensions) coordinates; std::invalid_argument
  /// beyond (callers check first and report an InputError).
  explicit SobolSequence(int dimensions);

  int dimensions() const { return dimensions_; }

  /// Writes the 32-bit integer coordinates of point `index` (< kMaxPoints) to out[0..D).
  void point_bits(std::uint64_t index, std::uint32_t* out) const;
  /// Steps coordinates from point `index` to point `index + 1` (one XOR per coordinate).
  void next_bits(std::uint64_t index, std::uint32_t* bits) const;

 private:
  int dimensions_;
  std::vector<std::uint32_t> directions_;  ///< 32 per dimension, dimension-major
};

}  // namespace mmm
