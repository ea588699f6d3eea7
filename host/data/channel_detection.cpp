#include "host/data/channel_detection.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mmm {
namespace {

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool is_control_name(const std::string& name) {
  const std::string l = lower(name);
  return ends_with(name, "_B") || l.find("competitor") != std::string::npos ||
         starts_with(l, "ctrl_") || starts_with(l, "control");
}

int day_of_year(const Date& d) {
  return static_cast<int>(d.days_since_epoch() - Date{d.year, 1, 1}.days_since_epoch()) + 1;
}

bool all_integers(const Eigen::VectorXd& v) {
  for (Eigen::Index t = 0; t < v.size(); ++t)
    if (v[t] != std::floor(v[t])) return false;
  return true;
}

}  // namespace

bool uses_spend_suffix(const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(),
                     [](const std::string& n) { return ends_with(n, "_S"); });
}

ColumnDecision classify_column(const std::string& name, const Eigen::VectorXd& values,
                               const std::vector<Date>& dates, bool spend_suffix) {
  if (is_control_name(name)) return {ColumnRole::Control, "a control by its name"};
  if (spend_suffix && !ends_with(name, "_S")) {
    const bool exposure = ends_with(name, "_I") || ends_with(name, "_P");
    return {ColumnRole::Ignored, exposure ? "exposure (`_I`/`_P`), not spend, under the `_S` "
                                            "naming of this file"
                                          : "not a `_S` spend column, the naming of this file"};
  }
  const Eigen::Index n = values.size();
  if (n == 0) return {};
  // Both 0 and 1 present (an all-zero column is dropped as spend that never happened).
  if ((values.array() == 0.0 || values.array() == 1.0).all() && (values.array() == 1.0).any() &&
      (values.array() == 0.0).any()) {
    return {ColumnRole::Control, "only 0 and 1: an event dummy"};
  }
  if (all_integers(values) && n > 2) {
    bool counter = true;
    for (Eigen::Index t = 1; t < n && counter; ++t) counter = values[t] == values[t - 1] + 1.0;
    if (counter) return {ColumnRole::Ignored, "a time index (TREND is already a control)"};
    if (static_cast<Eigen::Index>(dates.size()) == n) {
      Eigen::Index close = 0;
      for (Eigen::Index t = 0; t < n; ++t)
        close += std::fabs(values[t] - day_of_year(dates[static_cast<size_t>(t)])) <= 7.0;
      if (10 * close >= 9 * n) {
        return {ColumnRole::Ignored,
                "the day of the year (the SIN/COS seasonality controls cover it)"};
      }
    }
  }
  if ((values.array() < 0.0).any()) {
    return {ColumnRole::Ignored, "negative values, which spend never has", true};
  }
  return {};
}

}  // namespace mmm
