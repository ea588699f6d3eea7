#pragma once
// A fingerprint of a parsed table's content (header and cells), for input that is not a file
// (a database query): two results with the same cells have the same fingerprint, whatever
// engine or text layout produced them.

#include <string>

#include "host/data/csv_table.hpp"

namespace mmm {

/// 64-bit FNV-1a over the header and cells (each terminated, so "a","bc" ≠ "ab","c"), as 16
/// hex digits, prefixed "table:" so it never equals a file's fingerprint.
std::string table_fingerprint(const CsvTable& table);

}  // namespace mmm
