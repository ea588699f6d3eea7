#include "host/data/table_fingerprint.hpp"

#include <cstdint>
#include <cstdio>

namespace mmm {
namespace {

void mix(std::uint64_t& h, const std::string& text, char end) {
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  h ^= static_cast<unsigned char>(end);
  h *= 0x100000001b3ull;
}

}  // namespace

std::string table_fingerprint(const CsvTable& table) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::string& name : table.header) mix(h, name, '\x1f');
  mix(h, "", '\x1e');
  for (const auto& row : table.rows) {
    for (const std::string& cell : row) mix(h, cell, '\x1f');
    mix(h, "", '\x1e');
  }
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("table:") + hex;
}

}  // namespace mmm
