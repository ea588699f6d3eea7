#pragma once
// What a numeric column is when the user did not say (no --channels): spend, a control, or
// neither. Spend is the default, but a fit that turns an event dummy, a time index or a
// competitor's sales into a "channel" reports an ROI for it (PyMC-Marketing's mmm_example:
// event_1 ROI 1,843, "significant"), so the columns that are recognisably something else are
// kept out, each with a notice saying what was decided and how to override it.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "host/data/date.hpp"

namespace mmm {

enum class ColumnRole { Spend, Control, Ignored };

/// The decision for one column and the reason given in the notice.
struct ColumnDecision {
  ColumnRole role = ColumnRole::Spend;
  std::string reason;  ///< empty for spend
  /// Left out only for its negative values: the loader asks the user what it is (a control
  /// with --controls, or spend with a bad cell) instead of dropping it silently.
  bool negative = false;
};

/// True when some column name follows Robyn's suffix convention for spend (`_S`): then only
/// `_S` columns are spend.
bool uses_spend_suffix(const std::vector<std::string>& names);

/// Classifies one numeric column (values as read, empty cells 0) of a file with these dates.
/// `spend_suffix`: the file follows Robyn's `_S` convention (uses_spend_suffix). Rules, first
/// match wins: a control name (`_B` suffix, `competitor`, `ctrl_`/`control` prefix) → control;
/// under the `_S` convention anything else without `_S` → ignored (`_I`/`_P` are exposure);
/// 0s and 1s only, both present → control (an event dummy); an integer counter rising by one each
/// row → ignored (the TREND control covers it); the dates' day of year → ignored (SIN/COS
/// seasonality covers it); any negative value → ignored (spend is never negative); else spend.
ColumnDecision classify_column(const std::string& name, const Eigen::VectorXd& values,
                               const std::vector<Date>& dates, bool spend_suffix);

}  // namespace mmm
