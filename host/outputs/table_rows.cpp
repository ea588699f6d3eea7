#include "host/outputs/table_rows.hpp"

#include <cmath>

#include "host/curves/response_curves.hpp"

namespace mmm {

void response_curve_rows(CsvWriter& w, const ChannelResponse& response) {
  for (const CurvePoint& pt : response_curve(response)) {
    w.cell(response.name).cell(pt.spend).cell(pt.revenue).cell(pt.revenue_lower);
    w.cell(pt.revenue_upper).cell(pt.marginal_roi).cell(pt.zone).end_row();
  }
}

void allocation_rows(CsvWriter& w, const AllocationResult& allocation, bool bounds) {
  double current = 0, recommended = 0, lower = 0, upper = 0;
  int bound = 0;
  for (const ChannelAllocation& a : allocation.channels) {
    const double lift = a.contribution_recommended - a.contribution_current;
    w.cell(a.name).cell(a.current_spend).cell(a.recommended_spend).cell(a.change);
    w.cell(a.change_percent).cell(a.marginal_roi_current).cell(a.marginal_roi_recommended);
    w.cell(a.contribution_current).cell(a.contribution_recommended).cell(lift);
    w.cell(a.contribution_current != 0 ? 100.0 * lift / std::abs(a.contribution_current) : 0.0);
    if (bounds) w.cell(a.lower_bound).cell(a.upper_bound).cell(binding_limit(a));
    w.end_row();
    lower += a.lower_bound;
    upper += a.upper_bound;
    bound += *binding_limit(a) != '\0' ? 1 : 0;
    current += a.current_spend;
    recommended += a.recommended_spend;
  }
  w.cell("TOTAL").cell(current).cell(recommended).cell(recommended - current);
  w.cell(current > 0 ? 100.0 * (recommended - current) / current : 0.0).cell("").cell("");
  w.cell(allocation.contribution_current).cell(allocation.contribution_recommended);
  w.cell(allocation.lift).cell(allocation.lift_percent);
  if (bounds) {
    w.cell(lower).cell(upper).cell(std::to_string(bound) + " of " +
                                   std::to_string(allocation.channels.size()));
  }
  w.end_row();
}

void metric_cells(CsvWriter& w, const RegressionMetrics& m) {
  w.cell(m.r2).cell(m.rmse).cell(m.mae).cell(m.mape).cell(m.nrmse).end_row();
}

void cv_summary_rows(CsvWriter& w, const RegressionMetrics& mean, const RegressionMetrics& stdev) {
  w.cell("MEAN").cell("").cell("").cell("").cell("");
  metric_cells(w, mean);
  w.cell("STD").cell("").cell("").cell("").cell("");
  metric_cells(w, stdev);
}

void cv_fold_rows(CsvWriter& w, const std::vector<Date>& d, const std::vector<CvFold>& folds,
                  bool summary, const RegressionMetrics& mean, const RegressionMetrics& stdev,
                  const RegressionMetrics& in_sample) {
  for (const CvFold& f : folds) {
    w.cell(std::to_string(f.index));
    w.cell(d[f.train_begin].to_string()).cell(d[f.train_end - 1].to_string());
    w.cell(d[f.test_begin].to_string()).cell(d[f.test_end - 1].to_string());
    metric_cells(w, f.metrics);
  }
  if (summary) cv_summary_rows(w, mean, stdev);
  w.cell("IN_SAMPLE").cell(d.front().to_string()).cell(d.back().to_string()).cell("").cell("");
  metric_cells(w, in_sample);
}

}  // namespace mmm
