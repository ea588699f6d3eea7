#pragma once
// Rows that the single-model tables (fit_outputs) and the segmented ones (segment_tables)
// share: the segmented tables only add a leading SEGMENT cell, which they set as the
// CsvWriter's row prefix around these calls.

#include <string>
#include <vector>

#include "host/allocation/budget_allocator.hpp"
#include "host/curves/channel_response.hpp"
#include "host/data/date.hpp"
#include "host/io/csv_writer.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {

/// response_curves.csv rows of one channel: CHANNEL, SPEND, PREDICTED_REVENUE, its CI, marginal
/// ROI and efficiency zone at each of the curve's spends.
void response_curve_rows(CsvWriter& w, const ChannelResponse& response);

/// budget_allocation.csv rows: one per channel, then TOTAL. `bounds` (mmm optimize) appends
/// LOWER_BOUND, UPPER_BOUND and BINDING (binding_limit) to each row; TOTAL gets the bounds'
/// sums and how many channels a limit holds ("3 of 8").
void allocation_rows(CsvWriter& w, const AllocationResult& allocation, bool bounds = false);

/// R2, RMSE, MAE, MAPE, NRMSE, then ends the row.
void metric_cells(CsvWriter& w, const RegressionMetrics& m);

/// cv_folds.csv's MEAN and STD rows (no dates).
void cv_summary_rows(CsvWriter& w, const RegressionMetrics& mean, const RegressionMetrics& stdev);

/// cv_folds.csv rows of one series with dates `dates`: each fold, MEAN and STD when
/// `summary`, and IN_SAMPLE over the whole series.
void cv_fold_rows(CsvWriter& w, const std::vector<Date>& dates, const std::vector<CvFold>& folds,
                  bool summary, const RegressionMetrics& mean, const RegressionMetrics& stdev,
                  const RegressionMetrics& in_sample);

}  // namespace mmm
