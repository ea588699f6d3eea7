#pragma once
// Builds CSV text for the output tables: RFC 4180 quoting, numbers with enough digits to
// round-trip the figures people compare (%.12g), NaN written as an empty cell.

#include <string>
#include <vector>

namespace mmm {

class CsvWriter {
 public:
  explicit CsvWriter(const std::vector<std::string>& header);
  CsvWriter& cell(const std::string& text);
  CsvWriter& cell(const char* text) { return cell(std::string(text)); }
  CsvWriter& cell(double value);
  CsvWriter& cell(long value);
  CsvWriter& cell(int value) { return cell(static_cast<long>(value)); }
  CsvWriter& cell(bool value) { return cell(std::string(value ? "TRUE" : "FALSE")); }
  /// Ends the current row.
  CsvWriter& end_row();
  const std::string& text() const { return text_; }

 private:
  void separator();
  std::string text_;
  bool row_started_ = false;
};

/// A number as the tables print it ("%.12g"; "" for NaN, "inf"/"-inf" for infinities).
std::string format_number(double value);

}  // namespace mmm
