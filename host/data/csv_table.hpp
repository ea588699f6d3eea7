#pragma once
// A small RFC 4180 CSV reader: the raw text of every cell, plus the physical line each row
// started on so that validation errors can point a person at the right place in an editor.

#include <cstddef>
#include <string>
#include <vector>

namespace mmm {

/// The longest column name (bytes) a data file may have.
constexpr std::size_t kMaxColumnNameBytes = 256;

/// The cells of one CSV file, as text. Every row has exactly header.size() fields.
struct CsvTable {
  std::string path;                            ///< file the table came from (for messages)
  std::vector<std::string> header;             ///< column names, in file order
  std::vector<std::vector<std::string>> rows;  ///< data rows; unquoted fields are trimmed
  std::vector<long> line_numbers;              ///< 1-based physical line each row starts on
  long header_line = 1;                        ///< physical line of the header (1 unless the
                                               ///< file starts with blank lines)
};

/// Parses CSV text. `path` is used only in error messages. Accepts a UTF-8 BOM, LF or CRLF
/// line endings, quoted fields (with commas, doubled quotes "" and line breaks inside);
/// trims spaces and tabs around unquoted fields; skips blank lines. Throws InputError for an
/// empty input, a header without data rows, a row whose field count differs from the
/// header's, an unterminated quote, text after a closing quote and duplicate column names.
/// `allow_no_rows`: a header alone is a table of no rows (an output table that is empty),
/// not an error.
CsvTable parse_csv_text(const std::string& text, const std::string& path,
                        bool allow_no_rows = false);

/// InputError naming the column for a name longer than kMaxColumnNameBytes or a duplicate
/// name (empty names may repeat: a pandas/R row index). parse_csv_text checks every header
/// with it, and so does a table built from columns (the Python module's DataFrames).
void check_column_names(const CsvTable& table);

/// Reads and parses the file at `path` (see parse_csv_text). Throws InputError when the file
/// cannot be opened or read, e.g. "cannot open data file `x`: No such file or directory".
CsvTable read_csv_file(const std::string& path);

}  // namespace mmm
