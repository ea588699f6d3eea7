#pragma once
// The default control columns of SPEC §4 (trend, Fourier seasonality of the ISO week, quarter
// flags) followed by the user's own control columns.

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "host/data/dataset.hpp"

namespace mmm {

/// Named control columns, T × K.
struct ControlMatrix {
  std::vector<std::string> names;
  Eigen::MatrixXd values;
};

/// Number of Fourier harmonics of the ISO week in the default set (SIN_k, COS_k, k = 1..3).
constexpr int kFourierHarmonics = 3;

/// TREND, SIN_1, COS_1, SIN_2, COS_2, SIN_3, COS_3, Q1_FLAG, Q3_FLAG for the given dates.
ControlMatrix default_controls(const std::vector<Date>& dates);

/// Default controls (plus day-of-week indicators DOW_2..DOW_7 for daily data) followed by the
/// dataset's user controls (the model's control block).
ControlMatrix build_controls(const Dataset& data);

}  // namespace mmm
