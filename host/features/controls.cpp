#include "host/features/controls.hpp"

#include <cmath>

namespace mmm {

ControlMatrix default_controls(const std::vector<Date>& dates) {
  const int T = static_cast<int>(dates.size());
  ControlMatrix out;
  out.names = {"TREND"};
  for (int k = 1; k <= kFourierHarmonics; ++k) {
    out.names.push_back("SIN_" + std::to_string(k));
    out.names.push_back("COS_" + std::to_string(k));
  }
  out.names.push_back("Q1_FLAG");
  out.names.push_back("Q3_FLAG");
  out.values.resize(T, static_cast<Eigen::Index>(out.names.size()));
  if (T == 0) return out;
  const std::int64_t first = dates.front().days_since_epoch();
  const double two_pi = 2.0 * M_PI;
  for (int t = 0; t < T; ++t) {
    const Date& d = dates[t];
    int col = 0;
    out.values(t, col++) = static_cast<double>(d.days_since_epoch() - first) / 365.25;
    const double week = d.iso_week();
    for (int k = 1; k <= kFourierHarmonics; ++k) {
      out.values(t, col++) = std::sin(two_pi * k * week / 52.0);
      out.values(t, col++) = std::cos(two_pi * k * week / 52.0);
    }
    out.values(t, col++) = (d.month >= 1 && d.month <= 3) ? 1.0 : 0.0;
    out.values(t, col++) = (d.month >= 7 && d.month <= 9) ? 1.0 : 0.0;
  }
  return out;
}

ControlMatrix build_controls(const Dataset& data) {
  ControlMatrix base = default_controls(data.dates);
  if (cadence_name(data.dates) == "daily") {
    // Daily KPIs move with the day of the week far more than with anything the weekly set
    // describes: one indicator per weekday, Monday the base.
    const Eigen::Index k = base.values.cols();
    base.values.conservativeResize(Eigen::NoChange, k + 6);
    for (int w = 2; w <= 7; ++w) base.names.push_back("DOW_" + std::to_string(w));
    for (Eigen::Index t = 0; t < base.values.rows(); ++t) {
      const int w = iso_weekday_of(data.dates[static_cast<size_t>(t)]);
      for (int j = 2; j <= 7; ++j) base.values(t, k + j - 2) = w == j ? 1.0 : 0.0;
    }
  }
  const Eigen::Index k0 = base.values.cols();
  const Eigen::Index ku = data.control_values.cols();
  ControlMatrix out;
  out.names = base.names;
  out.names.insert(out.names.end(), data.controls.begin(), data.controls.end());
  out.values.resize(base.values.rows(), k0 + ku);
  out.values.leftCols(k0) = base.values;
  if (ku > 0) out.values.rightCols(ku) = data.control_values;
  return out;
}

}  // namespace mmm
