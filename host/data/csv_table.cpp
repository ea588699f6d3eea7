#include "host/data/csv_table.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "host/common/errors.hpp"
#include "host/common/input_file.hpp"
#include "host/common/quoted_excerpt.hpp"

namespace mmm {
namespace {

struct Field {
  std::string text;
  bool quoted = false;
};

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_blank_char(s[b])) ++b;
  while (e > b && is_blank_char(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// A single pass over the text. It tracks the physical line so that a row which holds a
// quoted line break still reports the line it starts on, and later rows stay correct.
class Parser {
 public:
  Parser(const std::string& text, const std::string& path) : text_(text), path_(path) {
    // Excel writes "UTF-8 CSV" with a byte order mark; left in, it would glue itself to the
    // first column name and `date` would no longer be found.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  }

  /// Reads the next non-blank record into `fields`; returns false at the end of the text.
  bool next_record(std::vector<Field>& fields, long& record_line) {
    while (pos_ < text_.size()) {
      record_line = line_;
      fields.clear();
      read_record(fields);
      const bool blank = fields.size() == 1 && !fields[0].quoted && fields[0].text.empty();
      if (!blank) return true;
    }
    return false;
  }

 private:
  void read_record(std::vector<Field>& fields) {
    const std::size_t n = text_.size();
    while (true) {
      fields.push_back(read_field(static_cast<long>(fields.size()) + 1));
      if (pos_ >= n) return;
      const char c = text_[pos_];
      ++pos_;
      if (c == ',') continue;
      // End of line: LF, CRLF or a lone CR (old Mac exports).
      if (c == '\r' && pos_ < n && text_[pos_] == '\n') ++pos_;
      ++line_;
      return;
    }
  }

  Field read_field(long field_number) {
    const std::size_t n = text_.size();
    const std::size_t start = pos_;
    while (pos_ < n && is_blank_char(text_[pos_])) ++pos_;
    if (pos_ < n && text_[pos_] == '"') return read_quoted(field_number);

    pos_ = start;
    while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    return Field{trim(text_.substr(start, pos_ - start)), false};
  }

  Field read_quoted(long field_number) {
    const std::size_t n = text_.size();
    const long open_line = line_;
    ++pos_;  // opening quote
    Field field;
    field.quoted = true;
    while (true) {
      if (pos_ >= n) {
        throw InputError(path_ + ":" + std::to_string(open_line) + ": field " +
                         std::to_string(field_number) +
                         ": quoted field is never closed (missing closing `\"`)");
      }
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
          field.text += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\r' || c == '\n') {
        if (c == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
        field.text += '\n';
        ++line_;
        ++pos_;
        continue;
      }
      field.text += c;
      ++pos_;
    }
    while (pos_ < n && is_blank_char(text_[pos_])) ++pos_;
    if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
      throw InputError(path_ + ":" + std::to_string(line_) + ": field " +
                       std::to_string(field_number) + ": unexpected `" +
                       std::string(1, text_[pos_]) +
                       "` after a closing quote (write a quote inside a quoted field as \"\")");
    }
    return field;
  }

  const std::string& text_;
  const std::string& path_;
  std::size_t pos_ = 0;
  long line_ = 1;
};

std::vector<std::string> texts(const std::vector<Field>& fields) {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const Field& f : fields) out.push_back(f.text);
  return out;
}

}  // namespace

void check_column_names(const CsvTable& table) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    const std::string& name = table.header[j];
    // Names are repeated in every output row (segments) and message; a 10 MB name would
    // multiply into gigabytes of output.
    if (name.size() > kMaxColumnNameBytes) {
      throw InputError(table.path + ":" + std::to_string(table.header_line) + ":" +
                       std::to_string(j + 1) + ": the name of column " + std::to_string(j + 1) +
                       " is " + std::to_string(name.size()) + " bytes long (`" +
                       quoted_excerpt(name) + "`); expected at most " +
                       std::to_string(kMaxColumnNameBytes) + " bytes");
    }
    // Unnamed columns (a pandas/R row index) cannot be referred to, so repeats are harmless.
    if (name.empty()) continue;
    const auto [it, inserted] = seen.emplace(name, j);
    if (!inserted) {
      throw InputError(table.path + ":" + std::to_string(table.header_line) +
                       ": duplicate column name `" + name + "` (columns " +
                       std::to_string(it->second + 1) + " and " + std::to_string(j + 1) + ")");
    }
  }
}

CsvTable parse_csv_text(const std::string& text, const std::string& path, bool allow_no_rows) {
  CsvTable table;
  table.path = path;
  Parser parser(text, path);
  std::vector<Field> fields;
  long line = 0;
  if (!parser.next_record(fields, line)) {
    throw InputError("data file `" + path +
                     "` is empty: expected a header line and at least one data row");
  }
  table.header = texts(fields);
  table.header_line = line;
  check_column_names(table);

  while (parser.next_record(fields, line)) {
    if (fields.size() != table.header.size()) {
      std::string msg = path + ":" + std::to_string(line) + ": row has " +
                        std::to_string(fields.size()) + " fields, header has " +
                        std::to_string(table.header.size());
      if (fields.size() > table.header.size()) {
        msg += " (a value that contains a comma must be quoted)";
      }
      throw InputError(msg);
    }
    table.rows.push_back(texts(fields));
    table.line_numbers.push_back(line);
  }
  if (table.rows.empty() && !allow_no_rows) {
    throw InputError("data file `" + path + "` has a header but no data rows");
  }
  return table;
}

CsvTable read_csv_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw InputError("cannot open data file `" + path + "`: it is a directory");
  }
  require_regular_file(path, "data file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError("cannot open data file `" + path +
                     "`: " + (err != 0 ? std::strerror(err) : "unreadable"));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw InputError("cannot read data file `" + path + "`: read error");
  }
  return parse_csv_text(buffer.str(), path);
}

}  // namespace mmm
