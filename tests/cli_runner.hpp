#pragma once
// Helpers for the end-to-end tests of the `mmm` program (tests/test_cli_*.cpp): run the built
// binary with arguments, capture stdout, stderr and the exit code; read its CSV output.
// Scratch folders and file helpers come from test_files.hpp.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_files.hpp"

namespace mmm::test {

namespace fs = std::filesystem;

/// What one run of the program did.
struct CliResult {
  int exit_code = -1;  ///< the process exit status; -1 when it did not exit normally
  std::string out;     ///< everything written to stdout
  std::string err;     ///< everything written to stderr
};

/// `text` as one single-quoted word for /bin/sh.
inline std::string shell_quote(const std::string& text) {
  std::string q = "'";
  for (char ch : text) {
    if (ch == '\'') {
      q += "'\\''";
    } else {
      q += ch;
    }
  }
  return q + "'";
}

/// Splits text into lines at '\n' (a trailing '\r' is kept; no empty last line).
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char ch : text) {
    if (ch == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

/// Splits one CSV record into fields (double-quoted fields with "" escapes are understood).
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        fields.back() += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.emplace_back();
    } else {
      fields.back() += ch;
    }
  }
  return fields;
}

/// A CSV file written by the program: its header line as text and its rows as fields.
struct CsvFile {
  std::string header_line;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Index of column `name` in the header; -1 when absent.
  int column(const std::string& name) const {
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (header[j] == name) return static_cast<int>(j);
    }
    return -1;
  }
};

/// Reads a CSV the program wrote (one record per line; no quoted line breaks).
inline CsvFile read_csv(const fs::path& path) {
  CsvFile f;
  const std::vector<std::string> lines = split_lines(read_text(path));
  if (lines.empty()) return f;
  f.header_line = lines[0];
  f.header = split_csv_line(lines[0]);
  for (std::size_t i = 1; i < lines.size(); ++i) f.rows.push_back(split_csv_line(lines[i]));
  return f;
}

/// Runs the built `mmm` (MMM_BINARY) with `args`. stdout is read through a pipe; stderr goes
/// to a temporary file that is read back and removed.
inline CliResult run_mmm(const std::vector<std::string>& args) {
  std::string err_template = (fs::temp_directory_path() / "mmm_cli_stderr_XXXXXX").string();
  std::vector<char> err_path(err_template.begin(), err_template.end());
  err_path.push_back('\0');
  const int fd = ::mkstemp(err_path.data());
  CliResult r;
  if (fd < 0) {
    ADD_FAILURE() << "mkstemp failed for " << err_template;
    return r;
  }
  ::close(fd);
  const std::string err_file(err_path.data());

  std::string command = shell_quote(MMM_BINARY);
  for (const std::string& a : args) command += " " + shell_quote(a);
  command += " 2>" + shell_quote(err_file) + " </dev/null";

  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    std::remove(err_file.c_str());
    return r;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  const int status = ::pclose(pipe);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.err = read_text(err_file);
  std::remove(err_file.c_str());
  return r;
}

/// Writes the result in a failure message: exit code, stdout and stderr.
inline std::string describe(const CliResult& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
         "--- stderr ---\n" + r.err;
}

}  // namespace mmm::test
