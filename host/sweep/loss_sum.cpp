#include "host/sweep/loss_sum.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mmm {
namespace {

__extension__ typedef unsigned __int128 LossSumBits;

}  // namespace

LossSumInt LossSum::quantize(double loss) {
  const double capped = std::clamp(loss, -kMaxTerm, kMaxTerm);
  return static_cast<LossSumInt>(std::nearbyint(std::ldexp(capped, kFractionBits)));
}

double LossSum::value() const { return std::ldexp(static_cast<double>(total_), -kFractionBits); }

std::string LossSum::hex() const {
  static const char digits[] = "0123456789abcdef";
  auto bits = static_cast<LossSumBits>(total_);
  std::string out(32, '0');
  for (int i = 31; i >= 0; --i) {
    out[static_cast<size_t>(i)] = digits[static_cast<int>(bits & 15u)];
    bits >>= 4;
  }
  return out;
}

LossSum LossSum::from_hex(const std::string& text) {
  if (text.size() != 32) throw std::invalid_argument("expected 32 hex digits");
  LossSumBits bits = 0;
  for (char ch : text) {
    int d = -1;
    if (ch >= '0' && ch <= '9') d = ch - '0';
    if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
    if (d < 0) throw std::invalid_argument("expected 32 hex digits");
    bits = (bits << 4) | static_cast<unsigned>(d);
  }
  LossSum s;
  s.total_ = static_cast<LossSumInt>(bits);
  return s;
}

LossSum LossSum::from_value(double value) {
  LossSum s;
  // 2^66: 2^32 terms of at most kMaxTerm, the most a valid sum can hold.
  const double capped = std::clamp(value, -73786976294838206464.0, 73786976294838206464.0);
  s.total_ = static_cast<LossSumInt>(std::nearbyint(std::ldexp(capped, kFractionBits)));
  return s;
}

}  // namespace mmm
