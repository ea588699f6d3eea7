// Output plumbing (SPEC §10): atomic output folders and CSV text.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "host/io/csv_writer.hpp"
#include "host/io/output_dir.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

using namespace mmm::test;  // NOLINT: test helpers

// ---- OutputDir ----

TEST(OutputDir, FilesAppearOnlyAfterCommit) {
  TempDir dir;
  const fs::path out = dir.path() / "run" / "nested";
  {
    OutputDir o(out.string());
    EXPECT_EQ(o.path(), out.string());
    EXPECT_FALSE(fs::exists(dir.path() / "run"));  // created only once there are results
    o.add("model_results.csv", "A,B\n1,2\n");
    EXPECT_TRUE(fs::is_directory(out));
    o.add("model.json", "{}");
    EXPECT_FALSE(fs::exists(out / "model_results.csv"));
    EXPECT_FALSE(fs::exists(out / "model.json"));
    const std::vector<std::string> temporaries = file_names(out);
    EXPECT_EQ(temporaries.size(), 2u);
    for (const std::string& name : temporaries) EXPECT_EQ(name[0], '.') << name;
    o.commit();
    EXPECT_EQ(file_names(out),
              (std::vector<std::string>{"mmm_manifest.json", "model.json", "model_results.csv"}));
  }
  // Destroying a committed OutputDir keeps the files.
  EXPECT_EQ(read_text(out / "model_results.csv"), "A,B\n1,2\n");
  EXPECT_EQ(read_text(out / "model.json"), "{}");
}

TEST(OutputDir, NothingAddedLeavesNoFolder) {
  TempDir dir;
  const fs::path out = dir.path() / "never";
  { OutputDir o(out.string()); }
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputDir, UncommittedRunRemovesTheFolderItCreated) {
  TempDir dir;
  const fs::path out = dir.path() / "fresh";
  {
    OutputDir o(out.string());
    o.add("a.csv", "x\n");
    EXPECT_TRUE(fs::is_directory(out));
  }  // e.g. a failure after the first file was staged
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputDir, DestructorWithoutCommitLeavesNoFiles) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  {
    OutputDir o(out.string());
    o.add("a.csv", "x\n");
    o.add("b.csv", "y\n");
    EXPECT_EQ(file_names(out).size(), 2u);  // the temporaries
  }
  EXPECT_TRUE(file_names(out).empty());
}

TEST(OutputDir, CommitReplacesEarlierOutputButKeepsUnrelatedFiles) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "a.csv") << "old\n";
  std::ofstream(out / "notes.txt") << "mine\n";
  {
    OutputDir o(out.string());
    o.add("a.csv", "new\n");
  }
  EXPECT_EQ(read_text(out / "a.csv"), "old\n");  // uncommitted: untouched
  {
    OutputDir o(out.string());
    o.add("a.csv", "new\n");
    o.commit();
  }
  EXPECT_EQ(read_text(out / "a.csv"), "new\n");
  EXPECT_EQ(read_text(out / "notes.txt"), "mine\n");
}

TEST(OutputDir, RegularFileOrEmptyPathIsAnInputError) {
  TempDir dir;
  const std::string file = dir.write("taken", "data");
  std::string msg = input_error([&] { OutputDir o(file); });
  EXPECT_TRUE(contains(msg, file)) << msg;
  EXPECT_TRUE(contains(msg, "not a folder")) << msg;
  EXPECT_EQ(read_text(file), "data");
  msg = input_error([&] { OutputDir o(""); });
  EXPECT_TRUE(contains(msg, "--out")) << msg;
  // A path below a regular file cannot be created.
  msg = input_error([&] { OutputDir o(file + "/sub"); });
  EXPECT_TRUE(contains(msg, file + "/sub")) << msg;
}

TEST(OutputDir, CommitRemovesOnlyItsOwnNamesNotWrittenThisRun) {
  TempDir dir;
  const fs::path out = dir.path() / "run";
  fs::create_directories(out);
  write_text(out / "flow_curves.csv", "old");
  write_text(out / "sweep_all.csv.gz", "old");
  write_text(out / "sweep_top.csv", "old");
  write_text(out / "notes.txt", "mine");
  {
    OutputDir o(out.string(), {"model.json", "flow_curves.csv", "sweep_all.csv.gz"});
    o.add("model.json", "{}");
    EXPECT_TRUE(fs::exists(out / "flow_curves.csv"));  // nothing goes before the commit
    o.keep("sweep_all.csv.gz");
    o.commit();
  }
  EXPECT_EQ(file_names(out),
            (std::vector<std::string>{"mmm_manifest.json", "model.json", "notes.txt",
                                      "sweep_all.csv.gz", "sweep_top.csv"}));
}

TEST(OutputDir, AFailedRunRemovesNothingOfTheEarlierOne) {
  TempDir dir;
  const fs::path out = dir.path() / "run";
  fs::create_directories(out);
  write_text(out / "flow_curves.csv", "old");
  {
    OutputDir o(out.string(), {"model.json", "flow_curves.csv"});
    o.add("model.json", "{}");
  }  // no commit
  EXPECT_EQ(file_names(out), std::vector<std::string>{"flow_curves.csv"});
}

TEST(OutputDir, FirstWriteSweepsTemporariesOfDeadRunsOnly) {
  TempDir dir;
  const fs::path out = dir.path() / "run";
  fs::create_directories(out);
  int dead = 999999;
  while (::kill(dead, 0) == 0 || errno != ESRCH) --dead;
  const std::string parent = std::to_string(::getppid());  // alive
  write_text(out / (".model.json.tmp" + std::to_string(dead)), "x");
  write_text(out / (".sweep_all.csv.gz.tmp" + std::to_string(dead)), "x");
  write_text(out / (".cv_folds.csv.tmp" + parent), "x");
  write_text(out / (".notes.txt.tmp" + std::to_string(dead)), "x");  // not mmm's name
  write_text(out / ".model.json.tmpabc", "x");
  {
    OutputDir o(out.string());
    EXPECT_EQ(file_names(out).size(), 5u);  // nothing happens before the first write
    o.add("model_results.csv", "A\n");
    o.commit();
  }
  EXPECT_EQ(file_names(out),
            (std::vector<std::string>{".cv_folds.csv.tmp" + parent, ".model.json.tmpabc",
                                      ".notes.txt.tmp" + std::to_string(dead), "mmm_manifest.json",
                                      "model_results.csv"}));
}

// ---- CsvWriter ----

TEST(CsvWriter, HeaderRowsAndQuoting) {
  CsvWriter w({"CHANNEL", "NOTE, with comma", "VALUE"});
  w.cell("tv").cell("plain").cell(1.5).end_row();
  w.cell("a,b").cell("say \"hi\"").cell(std::numeric_limits<double>::quiet_NaN()).end_row();
  w.cell("line\nbreak").cell(std::string("cr\r")).cell(2L).end_row();
  w.cell(true).cell(false).cell(-7).end_row();
  EXPECT_EQ(w.text(),
            "CHANNEL,\"NOTE, with comma\",VALUE\n"
            "tv,plain,1.5\n"
            "\"a,b\",\"say \"\"hi\"\"\",\n"
            "\"line\nbreak\",\"cr\r\",2\n"
            "TRUE,FALSE,-7\n");
}

TEST(CsvWriter, EmptyCellsAndInfinities) {
  CsvWriter w({"A", "B", "C"});
  w.cell("")
      .cell(std::numeric_limits<double>::infinity())
      .cell(-std::numeric_limits<double>::infinity());
  w.end_row();
  EXPECT_EQ(w.text(), "A,B,C\n,inf,-inf\n");
}

TEST(CsvWriter, FormatNumber) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(42.0), "42");
  EXPECT_EQ(format_number(-3.5), "-3.5");
  EXPECT_EQ(format_number(1.0 / 3.0), "0.333333333333");
  EXPECT_EQ(format_number(1234567.891), "1234567.891");
  EXPECT_EQ(format_number(123456789012345.0), "1.23456789012e+14");
  EXPECT_EQ(format_number(1e-20), "1e-20");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  // 12 significant digits round-trip the figures people compare.
  EXPECT_NEAR(std::stod(format_number(98765.4321098765)), 98765.4321098765, 1e-7);
}

TEST(CsvWriter, RowPrefixLeadsEveryRowUntilCleared) {
  CsvWriter w({"SEGMENT", "A", "B"});
  w.set_row_prefix("x,y");  // quoted like any cell
  w.cell(1L).cell(2L).end_row();
  w.set_row_prefix("GLOBAL");
  w.cell(3L).cell(4L).end_row();
  w.clear_row_prefix();
  w.cell("s").cell(5L).cell(6L).end_row();
  EXPECT_EQ(w.text(), "SEGMENT,A,B\n\"x,y\",1,2\nGLOBAL,3,4\ns,5,6\n");
}

TEST(CsvWriter, SinkGetsTheSameTextInBlocks) {
  // ~3 MB of rows: the sink version flushes several times and must equal the in-memory text.
  CsvWriter whole({"A", "B"});
  std::ostringstream os;
  CsvWriter streamed({"A", "B"}, os);
  for (int i = 0; i < 150000; ++i) {
    for (CsvWriter* w : {&whole, &streamed}) w->cell(i * 1.25).cell("x,y").end_row();
  }
  EXPECT_LT(streamed.text().size(), std::size_t{1} << 20) << "rows were flushed as they ended";
  streamed.flush();
  EXPECT_TRUE(streamed.text().empty());
  EXPECT_EQ(os.str(), whole.text());
  std::ostringstream headless;
  CsvWriter rows({}, headless);
  rows.cell(1L).end_row();
  rows.flush();
  EXPECT_EQ(headless.str(), "1\n");
}

TEST(OutputDir, StreamedFilesAppearOnlyAfterCommit) {
  TempDir dir;
  const fs::path out = dir.path() / "run";
  {
    OutputDir od(out.string());
    od.stream("big.csv") << "a,b\n1,2\n";
    od.add("small.csv", "x\n");  // closes the stream
    od.stream("last.csv") << "z\n";
    EXPECT_FALSE(fs::exists(out / "big.csv"));
    od.commit();  // closes the last stream
  }
  EXPECT_EQ(read_text(out / "big.csv"), "a,b\n1,2\n");
  EXPECT_EQ(read_text(out / "small.csv"), "x\n");
  EXPECT_EQ(read_text(out / "last.csv"), "z\n");
  EXPECT_EQ(file_names(out),
            (std::vector<std::string>{"big.csv", "last.csv", "mmm_manifest.json", "small.csv"}));
  const fs::path never = dir.path() / "never";
  {
    OutputDir od(never.string());
    od.stream("big.csv") << "partial";
  }  // not committed: neither the temporary nor the folder stays
  EXPECT_FALSE(fs::exists(never));
}

}  // namespace
}  // namespace mmm
