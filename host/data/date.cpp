#include "host/data/date.hpp"

#include <cstdio>

namespace mmm {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain): exact for every
// proleptic Gregorian date representable in int, no tables, no time zones, no <ctime>.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);             // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);                // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                       // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  Date out;
  out.year = static_cast<int>(y + (m <= 2));
  out.month = static_cast<int>(m);
  out.day = static_cast<int>(d);
  return out;
}

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// ISO weekday: Monday = 1 … Sunday = 7. 1970-01-01 was a Thursday (4).
int iso_weekday(std::int64_t days) {
  const std::int64_t r = ((days % 7) + 7) % 7;  // 0 = Thursday
  return static_cast<int>((r + 3) % 7) + 1;
}

bool all_digits(const std::string& s, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int to_int(const std::string& s, std::size_t from, std::size_t count) {
  int v = 0;
  for (std::size_t i = from; i < from + count; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// Two digits at `at` forming a number in [0, max].
bool two_digits_upto(const std::string& s, std::size_t at, int max) {
  return at + 2 <= s.size() && all_digits(s, at, 2) && to_int(s, at, 2) <= max;
}

// The time after "YYYY-MM-DD" and its 'T' or ' ': nothing, or HH:MM[:SS[.fff]] with an
// optional zone (Z, ±HH, ±HH:MM, ±HHMM). Anything else ("2021-01-04 garbage") is not a date.
bool is_time_of_day(const std::string& s, std::size_t at) {
  if (at == s.size()) return true;
  if (!two_digits_upto(s, at, 23) || s.size() < at + 5 || s[at + 2] != ':' ||
      !two_digits_upto(s, at + 3, 59)) {
    return false;
  }
  at += 5;
  if (at < s.size() && s[at] == ':') {
    if (!two_digits_upto(s, at + 1, 60)) return false;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      const std::size_t digits = at + 1;
      for (at = digits; at < s.size() && s[at] >= '0' && s[at] <= '9';) ++at;
      if (at == digits) return false;
    }
  }
  if (at == s.size()) return true;
  if (s[at] == 'Z') return at + 1 == s.size();
  if (s[at] != '+' && s[at] != '-') return false;
  if (!two_digits_upto(s, at + 1, 23)) return false;
  at += 3;
  if (at < s.size() && s[at] == ':') ++at;
  return at == s.size() || (at + 2 == s.size() && two_digits_upto(s, at, 59));
}

}  // namespace

std::int64_t Date::days_since_epoch() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

int Date::iso_week() const {
  // The ISO week belongs to the year that holds its Thursday; week 1 is the week with that
  // year's first Thursday, so counting Thursdays from January 1st gives the week number.
  const std::int64_t days = days_since_epoch();
  const std::int64_t thursday = days - (iso_weekday(days) - 1) + 3;
  const int iso_year = civil_from_days(thursday).year;
  const std::int64_t jan1 = days_from_civil(iso_year, 1, 1);
  return static_cast<int>((thursday - jan1) / 7) + 1;
}

std::string Date::to_string() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Date Date::plus_days(std::int64_t days) const { return civil_from_days(days_since_epoch() + days); }

Date Date::from_days_since_epoch(std::int64_t days) { return civil_from_days(days); }

std::optional<Date> parse_iso_date(const std::string& text) {
  // Strict: exactly YYYY-MM-DD. Spreadsheets and pandas often append a midnight time
  // ("2015-11-23 00:00:00", "2015-11-23T00:00:00Z"); it carries nothing for weekly data.
  if (text.size() < 10) return std::nullopt;
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
  if (!all_digits(text, 0, 4) || text[4] != '-' || !all_digits(text, 5, 2) || text[7] != '-' ||
      !all_digits(text, 8, 2)) {
    return std::nullopt;
  }
  Date d;
  d.year = to_int(text, 0, 4);
  d.month = to_int(text, 5, 2);
  d.day = to_int(text, 8, 2);
  if (d.month < 1 || d.month > 12) return std::nullopt;
  if (d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
  if (text.size() > 10 && !is_time_of_day(text, 11)) return std::nullopt;
  return d;
}

int iso_weekday_of(const Date& d) {
  // 1970-01-01 was a Thursday (ISO weekday 4).
  return static_cast<int>(((d.days_since_epoch() + 3) % 7 + 7) % 7) + 1;
}

std::string cadence_name(const std::vector<Date>& dates) {
  if (dates.size() < 2) return "weekly";
  const std::int64_t step = dates[1].days_since_epoch() - dates[0].days_since_epoch();
  if (step == 1) return "daily";
  if (step == 7) return "weekly";
  return std::to_string(step) + "-day";
}

std::string period_name(const std::vector<Date>& dates) {
  const std::string cadence = cadence_name(dates);
  if (cadence == "daily") return "day";
  if (cadence == "weekly") return "week";
  return "period";
}

}  // namespace mmm
