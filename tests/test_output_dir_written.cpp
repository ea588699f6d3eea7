// OutputDir::written: a run reads back what it wrote, before and after commit (how `mmm fit
// --report` builds report.html from the files of the same run).

#include <gtest/gtest.h>

#include "host/io/output_dir.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

TEST(OutputDirWritten, ReadsBackAddedAndStreamedFilesBeforeAndAfterCommit) {
  test::TempDir dir;
  const std::string folder = dir / "out";
  OutputDir out(folder, {"a.csv", "b.csv"});
  EXPECT_FALSE(out.written("a.csv").has_value());
  out.add("a.csv", "x,y\n1,2\n");
  out.stream("b.csv") << "streamed";
  // The stream is still open: written() closes it first, so all of it is there.
  EXPECT_EQ(out.written("b.csv").value(), "streamed");
  EXPECT_EQ(out.written("a.csv").value(), "x,y\n1,2\n");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(folder) / "a.csv"));  // not yet
  EXPECT_FALSE(out.written("c.csv").has_value());
  out.commit();
  EXPECT_EQ(out.written("a.csv").value(), "x,y\n1,2\n");
  EXPECT_EQ(test::read_text(std::filesystem::path(folder) / "b.csv"), "streamed");
}

}  // namespace
}  // namespace mmm
