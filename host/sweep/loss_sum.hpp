#pragma once
// A sum of losses whose value does not depend on the order of its terms, so a sweep's
// mean-loss profile is the same however its candidates are chunked, resumed or divided among
// the ranks of an MPI job. Each loss is rounded to a multiple of 2^-60 (|loss| capped at
// 2^34 ≈ 1.7e10) and the integers are added exactly in 128 bits: up to 2^32 terms cannot
// overflow. Floating-point addition, by contrast, gives different last bits in another order.

#include <cstdint>
#include <string>

namespace mmm {

__extension__ typedef __int128 LossSumInt;  // GCC and clang; __extension__ keeps -Wpedantic quiet

class LossSum {
 public:
  /// Binary places kept of each loss, and the largest |loss| counted as itself.
  static constexpr int kFractionBits = 60;
  static constexpr double kMaxTerm = 17179869184.0;  // 2^34

  /// A loss as the integer this sum adds (round to nearest, capped at ±kMaxTerm).
  static LossSumInt quantize(double loss);
  void add(LossSumInt quantized) { total_ += quantized; }
  void add_loss(double loss) { total_ += quantize(loss); }
  void merge(const LossSum& other) { total_ += other.total_; }
  /// The sum as the nearest double.
  double value() const;
  /// The exact sum as 32 hex digits (two's complement), for checkpoints.
  std::string hex() const;
  /// Reads hex(); std::invalid_argument when `text` is not 32 hex digits.
  static LossSum from_hex(const std::string& text);
  /// The sum a single loss of `value` would give (reads checkpoints that predate hex()).
  static LossSum from_value(double value);
  bool operator==(const LossSum& o) const { return total_ == o.total_; }

 private:
  LossSumInt total_ = 0;
};

}  // namespace mmm
