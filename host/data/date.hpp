#pragma once
// Calendar dates without time zones: parsing ISO 8601 (YYYY-MM-DD), day arithmetic and the
// ISO week number the Fourier controls use (SPEC §4).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmm {

/// A proleptic Gregorian calendar date.
struct Date {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31

  /// Days since 1970-01-01 (negative before).
  std::int64_t days_since_epoch() const;
  /// ISO 8601 week number, 1..53.
  int iso_week() const;
  /// "YYYY-MM-DD".
  std::string to_string() const;
  /// The date `days` days after this one.
  Date plus_days(std::int64_t days) const;
  /// Inverse of days_since_epoch.
  static Date from_days_since_epoch(std::int64_t days);

  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

/// Parses "YYYY-MM-DD" (also accepts a trailing time of day such as "T00:00:00",
/// " 00:00:00.000" or "T00:00Z", which is ignored). Returns nullopt when the text is not a
/// valid calendar date or what follows it is not a time of day ("2021-01-04 garbage").
std::optional<Date> parse_iso_date(const std::string& text);

/// ISO weekday of a date: 1 = Monday … 7 = Sunday.
int iso_weekday_of(const Date& d);

/// The data's period in words, from the spacing of its first two dates: "daily", "weekly",
/// "monthly"-like spacings as "N-day" (one date, or none: "weekly", the model's default).
std::string cadence_name(const std::vector<Date>& dates);

/// One row of the data in words, for messages: "day" (daily data), "week" (weekly, or fewer
/// than two dates) or "period" (any other spacing).
std::string period_name(const std::vector<Date>& dates);

}  // namespace mmm
