#pragma once
// What an empty control cell means (`--missing-controls`): by default an error, because a
// silently invented price or temperature moves the coefficients of every channel; the user may
// choose 0, the previous period's value or the column's mean instead. Spend and KPI cells do
// not take this policy (an empty spend cell is 0 by SPEC §3; an empty KPI is always an error).

#include <Eigen/Core>
#include <string>
#include <vector>

namespace mmm {

enum class MissingControls { Error, Zero, Ffill, Mean };

/// "error", "zero", "ffill" or "mean" → the policy. InputError naming `source` (a flag or a
/// config key) and the valid values for anything else.
MissingControls parse_missing_controls(const std::string& text, const std::string& source);

/// The policy's name as the flag takes it.
std::string missing_controls_name(MissingControls policy);

/// Fills the cells of `values` whose `empty` flag is set (same length) by `policy`, which is
/// not Error. Returns the row of the first empty cell the policy cannot fill (ffill before any
/// value; mean of a column with no value), or -1 when every empty cell was filled.
long fill_missing_controls(Eigen::VectorXd& values, const std::vector<bool>& empty,
                           MissingControls policy);

}  // namespace mmm
