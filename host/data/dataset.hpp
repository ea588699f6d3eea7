#pragma once
// The validated input of one model: what the rest of the pipeline is allowed to assume
// (SPEC §3): regular, strictly increasing dates; finite numbers; spend ≥ 0; a KPI per row.

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "host/data/date.hpp"

namespace mmm {

/// Where a channel of channel-long data (`--format long`) came from: the parts of its key
/// CHANNEL_GEO_PRODUCT (geo `GLOBAL`, product `ALL` when summed over).
struct ChannelCode {
  std::string channel;
  std::string geo;
  std::string product;
};

/// One wide table after validation. Rows are periods (T), in date order.
struct Dataset {
  std::string source;                 ///< file the data came from (for messages)
  std::string date_column;            ///< name of the date column used
  std::string kpi_column;             ///< name of the KPI column used
  std::vector<Date> dates;            ///< T dates, strictly increasing, regular spacing
  std::vector<std::string> channels;  ///< C media channel names (spend columns)
  std::vector<std::string> controls;  ///< user control column names (not the default set)
  Eigen::MatrixXd spend;              ///< T × C spend, ≥ 0, in currency units
  Eigen::MatrixXd control_values;     ///< T × (user controls)
  Eigen::VectorXd kpi;                ///< T KPI values (revenue, leads…)
  /// Per channel for channel-long data (model_results.csv's codes); empty for wide data.
  std::vector<ChannelCode> channel_codes;
  long filled_missing_spend = 0;     ///< empty spend cells filled with 0
  std::vector<std::string> notices;  ///< things the user should be told (stderr)

  int rows() const { return static_cast<int>(kpi.size()); }
  int channel_count() const { return static_cast<int>(channels.size()); }
};

}  // namespace mmm
