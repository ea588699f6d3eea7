#pragma once
// A weekly spend plan for `mmm predict --plan`: a date column, one spend column per channel of
// the model, and optionally the model's user controls. Cells follow the data file's rules
// (wide_csv_loader): ISO dates, strictly increasing and regular; spend finite and ≥ 0.

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "host/data/csv_table.hpp"
#include "host/data/date.hpp"

namespace mmm {

struct SpendPlan {
  std::string source;
  std::vector<Date> dates;
  Eigen::MatrixXd spend;             ///< rows × channels, in the order asked for
  std::vector<bool> control_given;   ///< per asked control: the plan has its column
  Eigen::MatrixXd controls;          ///< rows × asked controls (0 where not given)
  std::vector<std::string> notices;  ///< columns read but not used (the KPI)
};

/// Reads the plan at `path`. The date column is `date_column` (the model's), else `date`;
/// every name in `channels` must be a column (an empty cell is 0 spend); a name in `controls`
/// may be a column; a `kpi_column` is ignored with a notice (a slice of the data file is a
/// valid plan); any other column is an InputError naming it (a misspelt channel would
/// otherwise be planned at 0).
SpendPlan load_spend_plan(const std::string& path, const std::string& date_column,
                          const std::string& kpi_column, const std::vector<std::string>& channels,
                          const std::vector<std::string>& controls);

/// Same, from an already-parsed table (a DataFrame in the Python module); messages name
/// `table.path`.
SpendPlan build_spend_plan(const CsvTable& table, const std::string& date_column,
                           const std::string& kpi_column, const std::vector<std::string>& channels,
                           const std::vector<std::string>& controls);

}  // namespace mmm
