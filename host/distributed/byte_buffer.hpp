#pragma once
// Packing of plain values and vectors into the byte buffers the Communicator moves, and back.
// Both ends are the same binary on the same kind of machine (one job), so values travel in
// their in-memory form; the reader checks every length against what is left.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "host/distributed/communicator.hpp"

namespace mmm {

/// Appends values to a byte buffer.
class ByteWriter {
 public:
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable<T>::value, "put() copies bytes");
    const auto* p = reinterpret_cast<const unsigned char*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  /// A length, then the elements.
  template <typename T>
  void put_vector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable<T>::value, "put_vector() copies bytes");
    put<std::uint64_t>(values.size());
    const auto* p = reinterpret_cast<const unsigned char*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size() * sizeof(T));
  }
  const Bytes& bytes() const { return bytes_; }
  Bytes take() { return std::move(bytes_); }

 private:
  Bytes bytes_;
};

/// Reads back, in the same order, what a ByteWriter wrote; std::runtime_error when the buffer
/// is shorter than what is asked for.
class ByteReader {
 public:
  explicit ByteReader(const Bytes& bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    static_assert(std::is_trivially_copyable<T>::value, "get() copies bytes");
    need(sizeof(T));
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - at_) / sizeof(T)) need(bytes_.size() - at_ + 1);
    std::vector<T> values(static_cast<size_t>(n));
    // An empty vector's data() may be null, and memcpy from or to null is undefined even for
    // zero bytes (found by UBSan).
    if (n > 0) std::memcpy(values.data(), bytes_.data() + at_, values.size() * sizeof(T));
    at_ += values.size() * sizeof(T);
    return values;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void need(size_t n) const {
    if (n > bytes_.size() - at_) throw std::runtime_error("distributed: truncated message");
  }
  const Bytes& bytes_;
  size_t at_ = 0;
};

}  // namespace mmm
