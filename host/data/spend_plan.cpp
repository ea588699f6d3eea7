#include "host/data/spend_plan.hpp"

#include <algorithm>

#include "host/common/errors.hpp"
#include "host/data/csv_table.hpp"
#include "host/data/wide_csv_loader.hpp"

namespace mmm {
namespace {

int column_of(const CsvTable& t, const std::string& name) {
  const auto it = std::find(t.header.begin(), t.header.end(), name);
  return it == t.header.end() ? -1 : static_cast<int>(it - t.header.begin());
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "`" : ", `") + n + "`";
  return out.empty() ? "(none)" : out;
}

}  // namespace

SpendPlan load_spend_plan(const std::string& path, const std::string& date_column,
                          const std::string& kpi_column, const std::vector<std::string>& channels,
                          const std::vector<std::string>& controls) {
  return build_spend_plan(read_csv_file(path), date_column, kpi_column, channels, controls);
}

SpendPlan build_spend_plan(const CsvTable& t, const std::string& date_column,
                           const std::string& kpi_column, const std::vector<std::string>& channels,
                           const std::vector<std::string>& controls) {
  const std::string& path = t.path;
  SpendPlan p;
  p.source = path;
  int date_col = column_of(t, date_column);
  if (date_col < 0) date_col = column_of(t, "date");
  if (date_col < 0) {
    throw InputError(path + ":" + std::to_string(t.header_line) + ": no date column `" +
                     date_column +
                     "` (or `date`); a plan has a date column and one spend column "
                     "per channel: " +
                     listed(channels));
  }
  p.dates = read_date_column(t, date_col);
  std::vector<bool> used(t.header.size(), false);
  used[static_cast<size_t>(date_col)] = true;
  const Eigen::Index rows = static_cast<Eigen::Index>(t.rows.size());
  p.spend.resize(rows, static_cast<Eigen::Index>(channels.size()));
  for (size_t c = 0; c < channels.size(); ++c) {
    const int col = column_of(t, channels[c]);
    if (col < 0) {
      throw InputError(
          path + ":" + std::to_string(t.header_line) + ": no column `" + channels[c] +
          "`; a plan needs one spend column per channel of the model: " + listed(channels));
    }
    used[static_cast<size_t>(col)] = true;
    p.spend.col(static_cast<Eigen::Index>(c)) = read_number_column(t, col, true, nullptr);
  }
  p.controls = Eigen::MatrixXd::Zero(rows, static_cast<Eigen::Index>(controls.size()));
  for (size_t k = 0; k < controls.size(); ++k) {
    const int col = column_of(t, controls[k]);
    p.control_given.push_back(col >= 0);
    if (col < 0) continue;
    used[static_cast<size_t>(col)] = true;
    p.controls.col(static_cast<Eigen::Index>(k)) = read_number_column(t, col, false, nullptr);
  }
  for (size_t j = 0; j < t.header.size(); ++j) {
    if (used[j]) continue;
    if (t.header[j] == kpi_column) {
      p.notices.push_back(path + ": column `" + kpi_column +
                          "` (the model's KPI) is not used: the plan's KPI is predicted");
      continue;
    }
    throw InputError(path + ":" + std::to_string(t.header_line) + ":" + std::to_string(j + 1) +
                     " (column `" + t.header[j] +
                     "`): not a channel or control of the model; "
                     "expected the date, channels " +
                     listed(channels) + " and controls " + listed(controls));
  }
  return p;
}

}  // namespace mmm
