// Explicit date formats (host/data/date_format.hpp, `--date-format`): the directives, strict
// whole-cell matching, calendar checks, and which common format a column of non-ISO dates
// reads as (the hint of the ISO error).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/common/errors.hpp"
#include "host/data/date_format.hpp"

namespace mmm {
namespace {

std::string parsed(const std::string& format, const std::string& text) {
  const auto d = DateFormat::compile(format, "--date-format").parse(text);
  return d ? d->to_string() : "none";
}

TEST(DateFormat, ReadsTheCommonFormats) {
  EXPECT_EQ(parsed("%d/%m/%Y", "03/04/2021"), "2021-04-03");
  EXPECT_EQ(parsed("%m/%d/%Y", "03/04/2021"), "2021-03-04");
  EXPECT_EQ(parsed("%Y%m%d", "20210104"), "2021-01-04");
  EXPECT_EQ(parsed("%d.%m.%Y", "4.1.2021"), "2021-01-04");  // one-digit day and month
  EXPECT_EQ(parsed("%Y-%m-%d", "2021-01-04"), "2021-01-04");
  EXPECT_EQ(parsed("week %Y/%m/%d", "week 2021/1/4"), "2021-01-04");
  EXPECT_EQ(parsed("%d%%%m%%%Y", "04%01%2021"), "2021-01-04");
}

TEST(DateFormat, TheWholeCellMustMatch) {
  EXPECT_EQ(parsed("%d/%m/%Y", "03/04/2021 00:00"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", " 03/04/2021"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", "03-04-2021"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", "03/04/21"), "none");     // %Y is four digits
  EXPECT_EQ(parsed("%d/%m/%Y", "003/04/2021"), "none");  // at most two day digits
  EXPECT_EQ(parsed("%Y%m%d", "2021014"), "none");        // packed fields take two digits
  EXPECT_EQ(parsed("%Y%m%d", "202101045"), "none");
}

TEST(DateFormat, RefusesDatesNotOnTheCalendar) {
  EXPECT_EQ(parsed("%d/%m/%Y", "31/04/2021"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", "29/02/2021"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", "29/02/2024"), "2024-02-29");
  EXPECT_EQ(parsed("%d/%m/%Y", "00/01/2021"), "none");
  EXPECT_EQ(parsed("%d/%m/%Y", "01/13/2021"), "none");
}

TEST(DateFormat, CompileNamesTheBadDirective) {
  for (const char* bad : {"%d/%m/%y", "%d/%m", "%Y%Y%m%d", "%d/%m/%Y%", "%H:%M"}) {
    try {
      DateFormat::compile(bad, "--date-format");
      ADD_FAILURE() << bad << " accepted";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("--date-format"), std::string::npos) << msg;
      EXPECT_NE(msg.find(bad), std::string::npos) << msg;
    }
  }
}

TEST(DateFormat, LikelyFormatsOfAColumn) {
  // Days above 12 tell day from month.
  EXPECT_EQ(likely_date_formats({"04/01/2021", "11/01/2021", "18/01/2021"}, true),
            std::vector<std::string>{"%d/%m/%Y"});
  EXPECT_EQ(likely_date_formats({"01/04/2021", "01/11/2021", "01/18/2021"}, true),
            std::vector<std::string>{"%m/%d/%Y"});
  // Two rows of days ≤ 12 cannot tell them apart; a third row can, by the spacing: read as
  // %d/%m/%Y the dates below are Feb 1, Mar 1, Apr 1 (28 then 31 days), as %m/%d/%Y daily.
  EXPECT_EQ(likely_date_formats({"04/01/2021", "11/01/2021"}, true),
            (std::vector<std::string>{"%d/%m/%Y", "%m/%d/%Y"}));
  EXPECT_EQ(likely_date_formats({"01/02/2021", "01/03/2021", "01/04/2021"}, true),
            std::vector<std::string>{"%m/%d/%Y"});
  EXPECT_EQ(likely_date_formats({"01/02/2021", "08/02/2021", "15/02/2021"}, true),
            std::vector<std::string>{"%d/%m/%Y"});
  EXPECT_EQ(likely_date_formats({"20210104", "20210111"}, true),
            std::vector<std::string>{"%Y%m%d"});
  EXPECT_EQ(likely_date_formats({"4.1.2021", "11.1.2021"}, true),
            std::vector<std::string>{"%d.%m.%Y"});
  // Out of order (channel-long rows), only parsing counts.
  EXPECT_EQ(likely_date_formats({"18/01/2021", "04/01/2021"}, false),
            std::vector<std::string>{"%d/%m/%Y"});
  EXPECT_TRUE(likely_date_formats({"18/01/2021", "04/01/2021"}, true).empty());
  EXPECT_TRUE(likely_date_formats({"next week"}, true).empty());
  EXPECT_TRUE(likely_date_formats({}, true).empty());
}

}  // namespace
}  // namespace mmm
