#include "host/data/date_format.hpp"

#include <cstdint>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `min`..`max` digits at `at` (greedy); false when fewer than `min` are there.
bool read_digits(const std::string& s, std::size_t& at, std::size_t min, std::size_t max,
                 int& value) {
  std::size_t n = 0;
  value = 0;
  while (n < max && at + n < s.size() && is_digit(s[at + n])) {
    value = value * 10 + (s[at + n] - '0');
    ++n;
  }
  if (n < min) return false;
  at += n;
  return true;
}

bool valid_calendar_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29 : kDays[m - 1]);
}

}  // namespace

DateFormat DateFormat::compile(const std::string& format, const std::string& flag) {
  int year = 0, month = 0, day = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    const char d = i + 1 < format.size() ? format[i + 1] : '\0';
    if (d == 'Y') {
      ++year;
    } else if (d == 'm') {
      ++month;
    } else if (d == 'd') {
      ++day;
    } else if (d != '%') {
      throw InputError("invalid " + flag + " `" + format + "`: `%" + std::string(d ? 1 : 0, d) +
                       "` is not a supported directive; expected %Y, %m, %d, %% and literal "
                       "characters, e.g. %d/%m/%Y");
    }
    ++i;
  }
  if (year != 1 || month != 1 || day != 1) {
    throw InputError("invalid " + flag + " `" + format +
                     "`: expected each of %Y, %m and %d exactly once, e.g. %d/%m/%Y or %Y%m%d");
  }
  DateFormat f;
  f.text_ = format;
  return f;
}

std::optional<Date> DateFormat::parse(const std::string& text) const {
  std::size_t at = 0;
  int year = 0, month = 0, day = 0;
  bool after_directive = false;
  for (std::size_t i = 0; i < text_.size(); ++i) {
    const char c = text_[i];
    if (c == '%' && text_[i + 1] != '%') {
      const char d = text_[++i];
      // %Y%m%d has no separators, so a field of one or two digits would be ambiguous: month
      // and day take two digits when a directive is right before or after them.
      const bool packed = after_directive || (i + 1 < text_.size() && text_[i + 1] == '%' &&
                                              (i + 2 >= text_.size() || text_[i + 2] != '%'));
      after_directive = true;
      bool ok = false;
      if (d == 'Y') ok = read_digits(text, at, 4, 4, year);
      if (d == 'm') ok = read_digits(text, at, packed ? 2 : 1, 2, month);
      if (d == 'd') ok = read_digits(text, at, packed ? 2 : 1, 2, day);
      if (!ok) return std::nullopt;
      continue;
    }
    if (c == '%') ++i;  // %% is a literal percent sign
    after_directive = false;
    if (at >= text.size() || text[at] != c) return std::nullopt;
    ++at;
  }
  if (at != text.size() || !valid_calendar_date(year, month, day)) return std::nullopt;
  return Date{year, month, day};
}

const std::vector<std::string>& common_date_formats() {
  static const std::vector<std::string> kFormats = {"%d/%m/%Y", "%m/%d/%Y", "%Y%m%d",  "%d.%m.%Y",
                                                    "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y"};
  return kFormats;
}

std::vector<std::string> likely_date_formats(const std::vector<std::string>& cells, bool in_order) {
  std::vector<std::string> out;
  for (const std::string& text : common_date_formats()) {
    const DateFormat format = DateFormat::compile(text, "format");
    bool ok = !cells.empty();
    std::int64_t previous = 0, step = 0;
    for (std::size_t r = 0; r < cells.size() && ok; ++r) {
      const auto d = format.parse(cells[r]);
      if (!d) {
        ok = false;
        break;
      }
      const std::int64_t days = d->days_since_epoch();
      if (r == 1) step = days - previous;
      ok = !in_order || r == 0 || (days - previous == step && step > 0);
      previous = days;
    }
    if (ok) out.push_back(text);
  }
  return out;
}

}  // namespace mmm
