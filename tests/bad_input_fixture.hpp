#pragma once
// The fixture of the bad-input CLI tests (test_cli_bad_input.cpp, test_cli_bad_flags.cpp): a
// small valid weekly table to break one cell at a time, and the checks that a run failed
// cleanly (exit 2, one `error:` line, no output) or succeeded.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace mmm::test {

// "YYYY-MM-DD" of `days` after 1970-01-01 (H. Hinnant's civil_from_days), written here so the
// test data does not depend on the product's own date code.
inline std::string iso_date(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

constexpr std::int64_t kFirstMonday = 18631;  // 2021-01-04

/// A wide table the test edits cell by cell before writing it.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  }
  std::string& at(std::size_t row, const std::string& name) {
    return rows.at(row).at(static_cast<std::size_t>(col(name)));
  }
  void add_column(const std::string& name, const std::vector<std::string>& values) {
    header.push_back(name);
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r].push_back(values.at(r));
  }
  std::string text(const std::string& eol = "\n") const {
    std::string out;
    auto line = [&](const std::vector<std::string>& fields) {
      for (std::size_t j = 0; j < fields.size(); ++j) out += (j ? "," : "") + fields[j];
      out += eol;
    };
    line(header);
    for (const auto& r : rows) line(r);
    return out;
  }
};

/// `rows` weekly rows from 2021-01-04: date, `channels` spend columns with positive, varied
/// spend (tv, radio, then ch3, ch4, …), revenue that depends on them.
inline Table base_table(int rows = 60, int channels = 2) {
  Table t;
  t.header = {"date"};
  for (int c = 0; c < channels; ++c) {
    t.header.push_back(c == 0 ? "tv" : c == 1 ? "radio" : "ch" + std::to_string(c + 1));
  }
  t.header.push_back("revenue");
  for (int i = 0; i < rows; ++i) {
    std::vector<std::string> row = {iso_date(kFirstMonday + 7 * i)};
    double revenue = 20000.0 + 150.0 * (i % 4) + 40.0 * ((i * 7) % 9);
    for (int c = 0; c < channels; ++c) {
      const double spend = 800.0 + 300.0 * c + 37.0 * ((i * (5 + 2 * c) + 3 * c) % 11) + 11.0 * i;
      revenue += (3.0 - 0.2 * c) * spend;
      row.push_back(std::to_string(static_cast<long>(spend)));
    }
    row.push_back(std::to_string(static_cast<long>(revenue)));
    t.rows.push_back(row);
  }
  return t;
}

/// The 1-based line of data row `r` (the header is line 1).
inline std::string line_of(std::size_t r) { return std::to_string(r + 2); }

class CliBadInput : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_ / name;
    write_text(path, content);
    return path;
  }
  std::string write(const Table& t, const std::string& name = "data.csv") {
    return write(name, t.text());
  }
  std::string out() const { return dir_ / "out"; }

  /// `mmm fit --data <data> --out <out()> <extra…>` with a small, fast budget.
  CliResult fit(const std::string& data, std::initializer_list<std::string> extra = {}) {
    std::vector<std::string> args = {"fit",      "--data", data,          "--out", out(),
                                     "--budget", "60",     "--bootstrap", "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_mmm(args);
  }

  /// Exit code 2, exactly one `error: ` line containing every piece of `expected` (besides,
  /// with `usage_hint`, CLI11's usage line and nothing else), and no file in the --out folder.
  void expect_input_error(const CliResult& r, const std::vector<std::string>& expected,
                          bool usage_hint = false) {
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.out, "") << describe(r);
    const std::vector<std::string> lines = split_lines(r.err);
    std::vector<std::string> errors;
    for (const auto& l : lines) {
      if (l.rfind("error: ", 0) == 0) {
        errors.push_back(l);
      } else if (!usage_hint || l.find("--help") == std::string::npos) {
        ADD_FAILURE() << "unexpected stderr line: " << l;
      }
    }
    ASSERT_EQ(errors.size(), 1u) << describe(r);
    EXPECT_LE(lines.size(), usage_hint ? 2u : 1u) << describe(r);
    for (const auto& piece : expected) {
      EXPECT_NE(errors[0].find(piece), std::string::npos)
          << "`" << piece << "` missing from: " << errors[0];
    }
    EXPECT_TRUE(file_names(out()).empty()) << "files left in --out after a failed run";
  }

  /// Exit code 0 and the JSON summary on stdout.
  nlohmann::json expect_success(const CliResult& r) {
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(r.err.find("error"), std::string::npos) << describe(r);
    EXPECT_TRUE(fs::exists(fs::path(out()) / "model.json")) << describe(r);
    if (r.exit_code != 0) return nlohmann::json();
    return nlohmann::json::parse(r.out);
  }

  TempDir dir_;
};

}  // namespace mmm::test
