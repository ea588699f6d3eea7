// Default controls (SPEC §4): TREND in years since the first date, Fourier terms of the ISO
// week, quarter flags by month, and the user's control columns appended by build_controls.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/data/dataset.hpp"
#include "host/data/date.hpp"
#include "host/features/controls.hpp"

namespace mmm {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

/// Weekly Mondays from 2024-01-01 (ISO week 1 of 2024; 2024 and 2025 have 52 ISO weeks each).
std::vector<Date> weekly_from_2024(int weeks) {
  std::vector<Date> dates;
  const Date first{2024, 1, 1};
  for (int t = 0; t < weeks; ++t) dates.push_back(first.plus_days(7 * t));
  return dates;
}

/// Expected row of the default controls for a given day offset, ISO week and month.
std::vector<double> expected_row(double days, int week, int month) {
  std::vector<double> row = {days / 365.25};
  for (int k = 1; k <= 3; ++k) {
    row.push_back(std::sin(kTwoPi * k * week / 52.0));
    row.push_back(std::cos(kTwoPi * k * week / 52.0));
  }
  row.push_back(month <= 3 ? 1.0 : 0.0);
  row.push_back(month >= 7 && month <= 9 ? 1.0 : 0.0);
  return row;
}

void expect_row(const ControlMatrix& m, int t, const std::vector<double>& row) {
  ASSERT_EQ(m.values.cols(), static_cast<Eigen::Index>(row.size()));
  for (size_t k = 0; k < row.size(); ++k) {
    EXPECT_NEAR(m.values(t, static_cast<Eigen::Index>(k)), row[k], 1e-12)
        << "row " << t << " column " << m.names[k];
  }
}

TEST(Controls, DefaultNamesInOrder) {
  const ControlMatrix m = default_controls(weekly_from_2024(3));
  const std::vector<std::string> expected = {"TREND", "SIN_1", "COS_1",   "SIN_2",  "COS_2",
                                             "SIN_3", "COS_3", "Q1_FLAG", "Q3_FLAG"};
  EXPECT_EQ(m.names, expected);
  EXPECT_EQ(m.values.rows(), 3);
  EXPECT_EQ(m.values.cols(), 9);
}

TEST(Controls, EmptyDatesGiveEmptyMatrixWithNames) {
  const ControlMatrix m = default_controls({});
  EXPECT_EQ(m.names.size(), 9u);
  EXPECT_EQ(m.values.rows(), 0);
  EXPECT_EQ(m.values.cols(), 9);
}

TEST(Controls, KnownWeeklyDates) {
  const std::vector<Date> dates = weekly_from_2024(104);
  const ControlMatrix m = default_controls(dates);
  ASSERT_EQ(m.values.rows(), 104);
  // Hand-checked calendar: t = 12 → 2024-03-25, 13 → 04-01, 26 → 07-01, 39 → 09-30,
  // 40 → 10-07, 52 → 2024-12-30 (ISO week 1 of 2025), 103 → 2025-12-22 (week 52).
  expect_row(m, 0, expected_row(0, 1, 1));
  expect_row(m, 12, expected_row(84, 13, 3));
  expect_row(m, 13, expected_row(91, 14, 4));
  expect_row(m, 26, expected_row(182, 27, 7));
  expect_row(m, 39, expected_row(273, 40, 9));
  expect_row(m, 40, expected_row(280, 41, 10));
  expect_row(m, 52, expected_row(364, 1, 12));
  expect_row(m, 103, expected_row(721, 52, 12));
  // The whole TREND column is t·7/365.25 for weekly data.
  for (int t = 0; t < 104; ++t) EXPECT_NEAR(m.values(t, 0), 7.0 * t / 365.25, 1e-12);
  // 13 Q1 Mondays (01-01…03-25) and 14 Q3 Mondays (07-01…09-30) in 2024.
  EXPECT_DOUBLE_EQ(m.values.col(7).head(52).sum(), 13.0);
  EXPECT_DOUBLE_EQ(m.values.col(8).head(52).sum(), 14.0);
}

TEST(Controls, IsoWeekAcrossYearBoundaryAndIrregularSpacing) {
  // 2021-01-01 is a Friday in ISO week 53 of 2020; 2021-01-04 starts ISO week 1.
  const std::vector<Date> dates = {{2020, 12, 28}, {2021, 1, 1}, {2021, 1, 4}, {2021, 8, 15}};
  const ControlMatrix m = default_controls(dates);
  expect_row(m, 0, expected_row(0, 53, 12));
  expect_row(m, 1, expected_row(4, 53, 1));
  expect_row(m, 2, expected_row(7, 1, 1));
  // 2021-08-15 is a Sunday in ISO week 32; 230 days after 2020-12-28.
  expect_row(m, 3, expected_row(230, 32, 8));
}

TEST(Controls, TrendIsRelativeToFirstDate) {
  const std::vector<Date> dates = {{1999, 12, 31}, {2000, 12, 31}};
  const ControlMatrix m = default_controls(dates);
  EXPECT_DOUBLE_EQ(m.values(0, 0), 0.0);
  EXPECT_NEAR(m.values(1, 0), 366.0 / 365.25, 1e-15);  // 2000 is a leap year
}

TEST(Controls, BuildControlsAppendsUserControls) {
  Dataset data;
  data.dates = weekly_from_2024(5);
  data.controls = {"PRICE", "PROMO"};
  data.control_values.resize(5, 2);
  for (int t = 0; t < 5; ++t) {
    data.control_values(t, 0) = 10.0 + t;
    data.control_values(t, 1) = t % 2;
  }
  data.kpi = Eigen::VectorXd::Ones(5);
  const ControlMatrix m = build_controls(data);
  ASSERT_EQ(m.names.size(), 11u);
  EXPECT_EQ(m.names[0], "TREND");
  EXPECT_EQ(m.names[8], "Q3_FLAG");
  EXPECT_EQ(m.names[9], "PRICE");
  EXPECT_EQ(m.names[10], "PROMO");
  ASSERT_EQ(m.values.rows(), 5);
  ASSERT_EQ(m.values.cols(), 11);
  const ControlMatrix base = default_controls(data.dates);
  EXPECT_EQ(m.values.leftCols(9), base.values);
  EXPECT_EQ(m.values.rightCols(2), data.control_values);
}

TEST(Controls, BuildControlsWithoutUserControlsIsTheDefaultSet) {
  Dataset data;
  data.dates = weekly_from_2024(4);
  data.control_values.resize(4, 0);
  const ControlMatrix m = build_controls(data);
  const ControlMatrix base = default_controls(data.dates);
  EXPECT_EQ(m.names, base.names);
  EXPECT_EQ(m.values, base.values);
}

TEST(Controls, DailyDataGetsDayOfWeekIndicatorsBeforeUserControls) {
  Dataset data;
  for (int t = 0; t < 10; ++t) data.dates.push_back(Date{2024, 1, 1}.plus_days(t));  // a Monday
  data.controls = {"PRICE"};
  data.control_values = Eigen::MatrixXd::Constant(10, 1, 3.0);
  const ControlMatrix m = build_controls(data);
  ASSERT_EQ(m.names.size(), 9u + 6u + 1u);
  EXPECT_EQ(m.names[9], "DOW_2");
  EXPECT_EQ(m.names[14], "DOW_7");
  EXPECT_EQ(m.names[15], "PRICE");
  // Row 0 is Monday (the base: all zero), row 1 Tuesday (DOW_2), row 6 Sunday (DOW_7), row 7
  // Monday again.
  EXPECT_EQ(m.values.row(0).segment(9, 6).sum(), 0.0);
  EXPECT_EQ(m.values(1, 9), 1.0);
  EXPECT_EQ(m.values.row(1).segment(9, 6).sum(), 1.0);
  EXPECT_EQ(m.values(6, 14), 1.0);
  EXPECT_EQ(m.values.row(7).segment(9, 6).sum(), 0.0);
  EXPECT_EQ(m.values(3, 15), 3.0);
  // Weekly data keeps the default set.
  Dataset weekly;
  weekly.dates = weekly_from_2024(4);
  weekly.control_values.resize(4, 0);
  EXPECT_EQ(build_controls(weekly).names.size(), 9u);
}

TEST(Controls, WeekdayAndCadence) {
  EXPECT_EQ(iso_weekday_of(Date{1970, 1, 1}), 4);  // a Thursday
  EXPECT_EQ(iso_weekday_of(Date{2024, 1, 1}), 1);  // a Monday
  EXPECT_EQ(iso_weekday_of(Date{2023, 12, 31}), 7);
  EXPECT_EQ(iso_weekday_of(Date{1969, 12, 31}), 3);
  EXPECT_EQ(cadence_name({Date{2024, 1, 1}, Date{2024, 1, 2}}), "daily");
  EXPECT_EQ(cadence_name({Date{2024, 1, 1}, Date{2024, 1, 8}}), "weekly");
  EXPECT_EQ(cadence_name({Date{2024, 1, 1}, Date{2024, 1, 15}}), "14-day");
  EXPECT_EQ(cadence_name({Date{2024, 1, 1}}), "weekly");
}

}  // namespace
}  // namespace mmm
