// The RFC 4180 reader (host/data/csv_table.hpp): quoting, line endings, line numbers, errors.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <random>
#include <string>

#include "host/common/errors.hpp"
#include "host/data/csv_table.hpp"

namespace mmm {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards, so tests can run in parallel (ctest -j).
class CsvTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mmm_csv_" + std::string(info->name()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  fs::path dir_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

void expect_contains(const std::string& msg, std::initializer_list<std::string> parts) {
  for (const std::string& p : parts) {
    EXPECT_NE(msg.find(p), std::string::npos) << "`" << p << "` is missing from: " << msg;
  }
}

TEST_F(CsvTableTest, ReadsHeaderRowsAndLineNumbers) {
  const std::string path = write("a.csv", "date,revenue\n2021-01-04, 100 \n\n2021-01-11,110\n");
  const CsvTable t = read_csv_file(path);
  EXPECT_EQ(t.path, path);
  ASSERT_EQ(t.header, (std::vector<std::string>{"date", "revenue"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"2021-01-04", "100"}));  // trimmed
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"2021-01-11", "110"}));
  EXPECT_EQ(t.line_numbers, (std::vector<long>{2, 4}));  // the blank line 3 is skipped
  EXPECT_EQ(t.header_line, 1);
}

TEST_F(CsvTableTest, MissingFile) {
  const std::string path = (dir_ / "nope.csv").string();
  const std::string msg = error_of([&] { read_csv_file(path); });
  expect_contains(msg, {"cannot open data file `" + path + "`", "No such file or directory"});
}

TEST_F(CsvTableTest, EmptyFile) {
  const std::string path = write("empty.csv", "");
  expect_contains(error_of([&] { read_csv_file(path); }),
                  {path, "is empty", "expected a header line and at least one data row"});
  const std::string blank = write("blank.csv", "\n  \r\n\n");
  expect_contains(error_of([&] { read_csv_file(blank); }), {blank, "is empty"});
}

TEST_F(CsvTableTest, HeaderOnly) {
  const std::string path = write("h.csv", "date,revenue,tv\n\n");
  expect_contains(error_of([&] { read_csv_file(path); }), {path, "has a header but no data rows"});
}

TEST_F(CsvTableTest, QuotedFieldWithCommaKeepsAlignment) {
  const std::string path =
      write("q.csv", "date,label,revenue\n2021-01-04,\"a, b\",100\n2021-01-11,\" c \",110\n");
  const CsvTable t = read_csv_file(path);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"2021-01-04", "a, b", "100"}));
  EXPECT_EQ(t.rows[1][1], " c ");  // quoted: spaces kept
  EXPECT_EQ(t.rows[1][2], "110");
}

TEST_F(CsvTableTest, EscapedQuotesAndLineBreaksInsideQuotes) {
  const std::string path =
      write("n.csv", "id,note,x\n1,\"say \"\"hi\"\"\",5\n2,\"two\nlines\",6\n3,plain,7\n");
  const CsvTable t = read_csv_file(path);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "say \"hi\"");
  EXPECT_EQ(t.rows[1][1], "two\nlines");
  EXPECT_EQ(t.rows[2][2], "7");
  // The row holding a line break starts on line 3; the next one is on line 5, not 4.
  EXPECT_EQ(t.line_numbers, (std::vector<long>{2, 3, 5}));
}

TEST_F(CsvTableTest, Utf8BomBeforeHeader) {
  const std::string path = write("bom.csv",
                                 "\xEF\xBB\xBF"
                                 "date,revenue\n2021-01-04,1\n");
  const CsvTable t = read_csv_file(path);
  EXPECT_EQ(t.header[0], "date");
}

TEST_F(CsvTableTest, CrlfLineEndings) {
  const std::string path =
      write("crlf.csv", "date,revenue\r\n2021-01-04,1\r\n\r\n2021-01-11,\"2\r\n3\"\r\n");
  const CsvTable t = read_csv_file(path);
  ASSERT_EQ(t.header, (std::vector<std::string>{"date", "revenue"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "1");
  EXPECT_EQ(t.rows[1][1], "2\n3");  // CRLF inside quotes becomes one line break
  EXPECT_EQ(t.line_numbers, (std::vector<long>{2, 4}));
}

TEST_F(CsvTableTest, NoTrailingNewline) {
  const CsvTable t = parse_csv_text("a,b\n1,2", "x.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][1], "2");
}

TEST_F(CsvTableTest, RowWithWrongFieldCount) {
  const std::string path = write("w.csv", "a,b,c\n1,2,3\n4,5,6,7\n");
  const std::string msg = error_of([&] { read_csv_file(path); });
  expect_contains(msg, {path + ":3: row has 4 fields, header has 3"});
  const std::string short_row = write("s.csv", "a,b,c\n1,2\n");
  expect_contains(error_of([&] { read_csv_file(short_row); }),
                  {short_row + ":2: row has 2 fields, header has 3"});
}

TEST_F(CsvTableTest, UnterminatedQuote) {
  const std::string path = write("u.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");
  expect_contains(error_of([&] { read_csv_file(path); }), {path + ":3: field 2", "never closed"});
}

TEST_F(CsvTableTest, TextAfterClosingQuote) {
  const std::string path = write("t.csv", "a,b\n1,\"2\"x\n");
  expect_contains(error_of([&] { read_csv_file(path); }), {path + ":2: field 2", "`x`"});
}

TEST_F(CsvTableTest, DuplicateHeaderNames) {
  const std::string path = write("d.csv", "date,tv,radio,tv\n2021-01-04,1,2,3\n");
  expect_contains(error_of([&] { read_csv_file(path); }),
                  {path + ":1", "duplicate column name `tv`", "columns 2 and 4"});
}

}  // namespace
}  // namespace mmm
