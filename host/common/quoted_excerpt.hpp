#pragma once
// What an error message quotes of a user's value: short and escaped, so a 10 MB cell or column
// name, or one holding control characters, cannot turn into a 10 MB or garbled error line.

#include <cstddef>
#include <string>

namespace mmm {

/// The longest excerpt (bytes, before "…") of a user's value that an error message quotes.
constexpr std::size_t kMaxQuotedBytes = 60;

/// `text` with control bytes escaped (\n, \t, \r, \xNN) and cut after kMaxQuotedBytes bytes
/// (at a UTF-8 character boundary) with "…" appended.
std::string quoted_excerpt(const std::string& text);

}  // namespace mmm
