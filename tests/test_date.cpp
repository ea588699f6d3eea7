// Calendar arithmetic and ISO 8601 parsing (host/data/date.hpp).

#include <gtest/gtest.h>

#include <string>

#include "host/data/date.hpp"

namespace mmm {
namespace {

Date make(int y, int m, int d) {
  Date out;
  out.year = y;
  out.month = m;
  out.day = d;
  return out;
}

TEST(Date, ParsesStrictIsoDates) {
  const auto d = parse_iso_date("2015-11-23");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->year, 2015);
  EXPECT_EQ(d->month, 11);
  EXPECT_EQ(d->day, 23);
}

TEST(Date, IgnoresTrailingTimePart) {
  for (const std::string text : {"2015-11-23T00:00:00", "2015-11-23 00:00:00", "2015-11-23T"}) {
    const auto d = parse_iso_date(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(*d, make(2015, 11, 23)) << text;
  }
}

TEST(Date, RejectsMalformedText) {
  for (const std::string text : {"", "2015-1-05", "2015/11/23", "20151123", "23-11-2015",
                                 "2015-11-23x", "2015-11-2", " 2015-11-23", "na", "2015-11-23Z"}) {
    EXPECT_FALSE(parse_iso_date(text).has_value()) << text;
  }
}

TEST(Date, AcceptsATimeOfDayAfterTheDate) {
  for (const std::string text :
       {"2015-11-23T00:00", "2015-11-23 00:00:00.000", "2015-11-23T23:59:60",
        "2015-11-23T00:00:00Z", "2015-11-23T00:00:00+01:00", "2015-11-23T00:00:00-0530",
        "2015-11-23 12:00+02"}) {
    EXPECT_EQ(parse_iso_date(text), std::optional<Date>(make(2015, 11, 23))) << text;
  }
}

TEST(Date, RejectsTextAfterTheDateThatIsNotATime) {
  for (const std::string text : {"2015-11-23 garbage", "2015-11-23T24:00", "2015-11-23T12",
                                 "2015-11-23T12:60", "2015-11-23 00:00:00.", "2015-11-23T00:00Zx",
                                 "2015-11-23T00:00+1", "2015-11-23 00:00:00 extra"}) {
    EXPECT_FALSE(parse_iso_date(text).has_value()) << text;
  }
}

TEST(Date, RejectsImpossibleCalendarDates) {
  for (const std::string text : {"2015-13-01", "2015-00-10", "2015-11-31", "2015-11-00",
                                 "2015-02-29", "1900-02-29", "2021-04-31"}) {
    EXPECT_FALSE(parse_iso_date(text).has_value()) << text;
  }
}

TEST(Date, AcceptsLeapDays) {
  EXPECT_TRUE(parse_iso_date("2016-02-29").has_value());
  EXPECT_TRUE(parse_iso_date("2000-02-29").has_value());  // divisible by 400
  EXPECT_TRUE(parse_iso_date("2015-12-31").has_value());
}

TEST(Date, IsoWeekOfKnownDates) {
  EXPECT_EQ(make(2015, 11, 23).iso_week(), 48);
  EXPECT_EQ(make(2021, 1, 3).iso_week(), 53);  // a Sunday: still week 53 of 2020
  EXPECT_EQ(make(2021, 1, 4).iso_week(), 1);   // the Monday after starts 2021's week 1
  EXPECT_EQ(make(2020, 12, 31).iso_week(), 53);
  EXPECT_EQ(make(2019, 12, 30).iso_week(), 1);  // a Monday belonging to 2020's week 1
  EXPECT_EQ(make(2018, 1, 1).iso_week(), 1);
  EXPECT_EQ(make(2016, 1, 3).iso_week(), 53);  // 2015 had 53 ISO weeks
  EXPECT_EQ(make(2017, 1, 1).iso_week(), 52);  // 2016 had 52
}

TEST(Date, DaysSinceEpochOfKnownDates) {
  EXPECT_EQ(make(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(make(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(make(2000, 3, 1).days_since_epoch(), 11017);
  EXPECT_EQ(make(2015, 11, 23).days_since_epoch(), 16762);
}

TEST(Date, DaysSinceEpochRoundTrip) {
  // ±2000 years around 1970 cover every leap-year rule (4, 100, 400) many times over; each
  // day must map back to itself and to a valid calendar date one day after its predecessor.
  Date previous = Date::from_days_since_epoch(-800001);
  for (std::int64_t days = -800000; days <= 800000; ++days) {
    const Date d = Date::from_days_since_epoch(days);
    ASSERT_EQ(d.days_since_epoch(), days) << d.to_string();
    ASSERT_EQ(previous.plus_days(1), d) << d.to_string();
    if (d.year >= 0 && d.year <= 9999) {
      const auto parsed = parse_iso_date(d.to_string());
      ASSERT_TRUE(parsed.has_value()) << d.to_string();
      ASSERT_EQ(*parsed, d);
    }
    previous = d;
  }
}

TEST(Date, PlusDaysAndToString) {
  EXPECT_EQ(make(2015, 11, 23).plus_days(7).to_string(), "2015-11-30");
  EXPECT_EQ(make(2015, 12, 28).plus_days(7).to_string(), "2016-01-04");
  EXPECT_EQ(make(2016, 2, 28).plus_days(1).to_string(), "2016-02-29");
  EXPECT_EQ(make(2016, 3, 1).plus_days(-1).to_string(), "2016-02-29");
  EXPECT_EQ(make(2015, 11, 23).plus_days(207 * 7).to_string(), "2019-11-11");
  EXPECT_EQ(make(5, 1, 2).to_string(), "0005-01-02");
}

TEST(Date, PeriodNameFollowsTheSpacing) {
  EXPECT_EQ(period_name({Date{2024, 1, 1}, Date{2024, 1, 2}}), "day");
  EXPECT_EQ(period_name({Date{2024, 1, 1}, Date{2024, 1, 8}}), "week");
  EXPECT_EQ(period_name({Date{2024, 1, 1}, Date{2024, 1, 15}}), "period");
  EXPECT_EQ(period_name({Date{2024, 1, 1}}), "week");  // one date: the model's default
}

}  // namespace
}  // namespace mmm
