#include "host/io/csv_writer.hpp"

#include <cmath>
#include <cstdio>

namespace mmm {

std::string format_number(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", value);
  return buf;
}

CsvWriter::CsvWriter(const std::vector<std::string>& header) {
  for (const auto& h : header) cell(h);
  end_row();
}

CsvWriter::CsvWriter(const std::vector<std::string>& header, std::ostream& sink) : sink_(&sink) {
  if (header.empty()) return;
  for (const auto& h : header) cell(h);
  end_row();
}

void CsvWriter::flush() {
  if (sink_ == nullptr) return;
  sink_->write(text_.data(), static_cast<std::streamsize>(text_.size()));
  text_.clear();
}

void CsvWriter::set_row_prefix(const std::string& cell) {
  prefix_ = cell;
  has_prefix_ = true;
}

void CsvWriter::separator() {
  if (row_started_) {
    text_ += ',';
    return;
  }
  row_started_ = true;
  if (has_prefix_) {
    append(prefix_);
    text_ += ',';
  }
}

void CsvWriter::append(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    text_ += text;
    return;
  }
  text_ += '"';
  for (char ch : text) {
    if (ch == '"') text_ += '"';
    text_ += ch;
  }
  text_ += '"';
}

CsvWriter& CsvWriter::cell(const std::string& text) {
  separator();
  append(text);
  return *this;
}

CsvWriter& CsvWriter::cell(double value) {
  separator();
  text_ += format_number(value);
  return *this;
}

CsvWriter& CsvWriter::cell(long value) {
  separator();
  text_ += std::to_string(value);
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  text_ += '\n';
  row_started_ = false;
  constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  if (sink_ != nullptr && text_.size() >= kFlushBytes) flush();
  return *this;
}

}  // namespace mmm
