#pragma once
// Builds CSV text for the output tables: RFC 4180 quoting, numbers with enough digits to
// round-trip the figures people compare (%.12g), NaN written as an empty cell. With a sink the
// text goes out in blocks as rows end, so a table of millions of rows (segmented response
// curves, decomposition) never sits in memory whole.

#include <ostream>
#include <string>
#include <vector>

namespace mmm {

class CsvWriter {
 public:
  explicit CsvWriter(const std::vector<std::string>& header);
  /// Streams to `sink`: buffered rows are written whenever the buffer passes ~1 MiB and by
  /// flush(), which the caller must call once at the end. An empty header writes no header line.
  CsvWriter(const std::vector<std::string>& header, std::ostream& sink);
  CsvWriter& cell(const std::string& text);
  CsvWriter& cell(const char* text) { return cell(std::string(text)); }
  CsvWriter& cell(double value);
  CsvWriter& cell(long value);
  CsvWriter& cell(int value) { return cell(static_cast<long>(value)); }
  CsvWriter& cell(bool value) { return cell(std::string(value ? "TRUE" : "FALSE")); }
  /// Ends the current row.
  CsvWriter& end_row();
  /// The text not yet written to a sink (all of it without one).
  const std::string& text() const { return text_; }
  /// Writes the buffered text to the sink (no-op without one).
  void flush();
  /// Every following row starts with this cell (e.g. a table's SEGMENT column), so row
  /// writers shared with unkeyed tables need not know about it; clear_row_prefix() ends it.
  void set_row_prefix(const std::string& cell);
  void clear_row_prefix() { has_prefix_ = false; }

 private:
  void separator();
  void append(const std::string& text);  ///< one cell's text, quoted when needed
  std::string text_;
  std::string prefix_;
  bool has_prefix_ = false;
  std::ostream* sink_ = nullptr;
  bool row_started_ = false;
};

/// A number as the tables print it ("%.12g"; "" for NaN, "inf"/"-inf" for infinities).
std::string format_number(double value);

}  // namespace mmm
