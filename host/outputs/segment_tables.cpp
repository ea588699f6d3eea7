#include "host/outputs/segment_tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include "host/curves/response_curves.hpp"
#include "host/io/csv_writer.hpp"
#include "host/outputs/table_rows.hpp"

namespace mmm {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
const char* const kGlobal = "GLOBAL";

const std::string& channel_name(const SegmentReport& r, int c) {
  return r.data.segments[0].channels[c];
}

// ---- budget_allocation.csv ----

// The segments' allocations summed per channel: what the whole market spends and gains when
// every segment follows its own recommendation. A sum has no single marginal ROI (it depends
// on how extra spend would be split), so those cells stay empty.
AllocationResult summed_allocation(const SegmentReport& r) {
  const int C = r.problem.channels();
  AllocationResult sum;
  sum.channels.resize(C);
  for (int c = 0; c < C; ++c) {
    ChannelAllocation& g = sum.channels[c];
    g.name = channel_name(r, c);
    g.marginal_roi_current = g.marginal_roi_recommended = kNan;
    for (const AllocationResult& a : r.allocations) {
      g.current_spend += a.channels[c].current_spend;
      g.recommended_spend += a.channels[c].recommended_spend;
      g.contribution_current += a.channels[c].contribution_current;
      g.contribution_recommended += a.channels[c].contribution_recommended;
    }
    g.change = g.recommended_spend - g.current_spend;
    g.change_percent = g.current_spend > 0 ? 100.0 * g.change / g.current_spend : 0.0;
  }
  for (const AllocationResult& a : r.allocations) {
    sum.budget += a.budget;
    sum.contribution_current += a.contribution_current;
    sum.contribution_recommended += a.contribution_recommended;
  }
  sum.lift = sum.contribution_recommended - sum.contribution_current;
  sum.lift_percent =
      sum.contribution_current != 0 ? 100.0 * sum.lift / std::abs(sum.contribution_current) : 0.0;
  return sum;
}

// ---- cv_folds.csv ----

// The span of one fold over its segments: earliest train start … latest test end.
constexpr std::int64_t kNoDay = std::numeric_limits<std::int64_t>::max();
struct FoldSpan {
  std::int64_t train_begin = kNoDay, train_end = -kNoDay;
  std::int64_t test_begin = kNoDay, test_end = -kNoDay;
};

std::string date_text(std::int64_t days) { return Date::from_days_since_epoch(days).to_string(); }

void global_cv_rows(CsvWriter& w, const SegmentReport& r) {
  const SegmentCvReport& cv = r.cv;
  std::vector<FoldSpan> spans(cv.pooled_folds.size());
  std::int64_t first = kNoDay, last = -kNoDay;
  bool any_rows = false;
  for (int s = 0; s < r.problem.count(); ++s) {
    const std::vector<Date>& d = r.data.segments[s].dates;
    if (d.empty()) continue;
    any_rows = true;
    first = std::min(first, d.front().days_since_epoch());
    last = std::max(last, d.back().days_since_epoch());
    for (const CvFold& f : cv.segment_folds[s]) {
      FoldSpan& span = spans[f.index - 1];
      span.train_begin = std::min(span.train_begin, d[f.train_begin].days_since_epoch());
      span.train_end = std::max(span.train_end, d[f.train_end - 1].days_since_epoch());
      span.test_begin = std::min(span.test_begin, d[f.test_begin].days_since_epoch());
      span.test_end = std::max(span.test_end, d[f.test_end - 1].days_since_epoch());
    }
  }
  for (size_t k = 0; k < cv.pooled_folds.size(); ++k) {
    const FoldSpan& span = spans[k];
    w.cell(std::to_string(cv.pooled_folds[k].index));
    w.cell(date_text(span.train_begin)).cell(date_text(span.train_end));
    w.cell(date_text(span.test_begin)).cell(date_text(span.test_end));
    metric_cells(w, cv.pooled_folds[k].metrics);
  }
  if (!cv.skipped) cv_summary_rows(w, cv.pooled_mean, cv.pooled_stdev);
  w.cell("IN_SAMPLE");
  w.cell(any_rows ? date_text(first) : "").cell(any_rows ? date_text(last) : "");
  w.cell("").cell("");
  metric_cells(w, cv.pooled_in_sample);
}

// ---- decomposition.csv ----

std::vector<std::string> decomposition_header(const SegmentReport& r) {
  std::vector<std::string> header = {"SEGMENT", "DATE", "ACTUAL", "PREDICTED", "BASELINE"};
  for (int c = 0; c < r.problem.channels(); ++c) header.push_back(channel_name(r, c));
  return header;
}

}  // namespace

void write_segment_response_curves(const SegmentReport& r, std::ostream& os) {
  CsvWriter w({"SEGMENT", "CHANNEL", "SPEND", "PREDICTED_REVENUE", "PREDICTED_REVENUE_CI_LOWER",
               "PREDICTED_REVENUE_CI_UPPER", "MARGINAL_ROI_AT_SPEND", "EFFICIENCY_ZONE"},
              os);
  const int C = r.problem.channels();
  w.set_row_prefix(kGlobal);
  for (int c = 0; c < C; ++c) {
    ChannelResponse resp;
    resp.name = channel_name(r, c);
    resp.hyper = r.hyperparameters.channels[c];
    resp.coef = r.global_coef[c];
    resp.coef_lower = r.bootstrapped ? r.bootstrap.global_coef_lower[c] : resp.coef;
    resp.coef_upper = r.bootstrapped ? r.bootstrap.global_coef_upper[c] : resp.coef;
    resp.mean_weekly_spend = r.global[c].mean_weekly_spend;
    // The grid covers every segment's spend range.
    resp.max_weekly_spend = r.problem.max_spend[c];
    response_curve_rows(w, resp);
  }
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    w.set_row_prefix(r.data.names[s]);
    for (int c = 0; c < C; ++c) {
      ChannelResponse resp;
      resp.name = channel_name(r, c);
      resp.hyper = r.segment_hyper(s, c);
      resp.coef = r.coef[s][c];
      resp.coef_lower = r.bootstrapped ? r.bootstrap.coef_lower(s, c) : resp.coef;
      resp.coef_upper = r.bootstrapped ? r.bootstrap.coef_upper(s, c) : resp.coef;
      resp.mean_weekly_spend = r.channels[s][c].mean_weekly_spend;
      resp.max_weekly_spend = r.problem.segments[s].spend.col(c).maxCoeff();
      response_curve_rows(w, resp);
    }
  }
  w.flush();
}

void write_segment_budget_allocation(const SegmentReport& r, std::ostream& os) {
  CsvWriter w({"SEGMENT", "CHANNEL", "CURRENT_SPEND", "RECOMMENDED_SPEND", "CHANGE",
               "CHANGE_PERCENT", "MARGINAL_ROI_CURRENT", "MARGINAL_ROI_RECOMMENDED",
               "CONTRIBUTION_CURRENT", "CONTRIBUTION_RECOMMENDED", "LIFT", "LIFT_PERCENT"},
              os);
  w.set_row_prefix(kGlobal);
  allocation_rows(w, summed_allocation(r));
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    w.set_row_prefix(r.data.names[s]);
    allocation_rows(w, r.allocations[s]);
  }
  w.flush();
}

void write_segment_cv_folds(const SegmentReport& r, std::ostream& os) {
  CsvWriter w({"SEGMENT", "FOLD", "TRAIN_START", "TRAIN_END", "TEST_START", "TEST_END", "R2",
               "RMSE", "MAE", "MAPE", "NRMSE"},
              os);
  w.set_row_prefix(kGlobal);
  global_cv_rows(w, r);
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    w.set_row_prefix(r.data.names[s]);
    const std::vector<CvFold>& folds = r.cv.segment_folds[s];
    cv_fold_rows(w, r.data.segments[s].dates, folds, !folds.empty(), r.cv.segment_mean[s],
                 r.cv.segment_stdev[s], r.cv.segment_in_sample[s]);
  }
  w.flush();
}

void write_segment_decomposition(const SegmentReport& r, std::ostream& os) {
  const int C = r.problem.channels();
  // Two passes over the segments, so that nothing of size S × T is kept: the first sums every
  // segment (filtered or not) per date into the GLOBAL rows (ACTUAL, PREDICTED, BASELINE, then
  // the channels; keyed by day so that segments with different date ranges line up), the
  // second recomputes each segment's rows and streams them after the GLOBAL ones.
  std::map<std::int64_t, std::vector<double>> market;
  std::vector<double> row(3 + C);
  // Segment s's row t into `row`: ACTUAL, PREDICTED, BASELINE, contributions.
  auto segment_rows = [&](int s, const std::function<void(int)>& use) {
    const ModelData& m = r.problem.segments[s];
    const Eigen::VectorXd& coef = r.coef[s];
    const Eigen::MatrixXd h = transform_media(m.spend, r.segment_hyper3c(s));
    for (int t = 0; t < m.rows(); ++t) {
      double baseline = r.intercepts[s];
      for (int k = 0; k < m.control_count(); ++k) baseline += coef[C + k] * m.controls(t, k);
      double media = 0.0;
      for (int c = 0; c < C; ++c) {
        row[3 + c] = coef[c] * h(t, c);
        media += row[3 + c];
      }
      row[0] = m.y[t];
      row[1] = baseline + media;
      row[2] = baseline;
      use(t);
    }
  };
  for (int s = 0; s < r.problem.count(); ++s) {
    segment_rows(s, [&](int t) {
      std::vector<double>& total = market[r.data.segments[s].dates[t].days_since_epoch()];
      total.resize(3 + C, 0.0);
      for (int k = 0; k < 3 + C; ++k) total[k] += row[k];
    });
  }
  CsvWriter w(decomposition_header(r), os);
  for (const auto& [day, total] : market) {
    w.cell(kGlobal).cell(date_text(day));
    for (double v : total) w.cell(v);
    w.end_row();
  }
  for (int s = 0; s < r.problem.count(); ++s) {
    if (!r.selected(s)) continue;
    segment_rows(s, [&](int t) {
      w.cell(r.data.names[s]).cell(r.data.segments[s].dates[t].to_string());
      for (double v : row) w.cell(v);
      w.end_row();
    });
  }
  w.flush();
}

namespace {

// The text of a table written by `write` (for tests and small outputs).
std::string table_text(const SegmentReport& r, void (*write)(const SegmentReport&, std::ostream&)) {
  std::ostringstream os;
  write(r, os);
  return os.str();
}

}  // namespace

std::string segment_response_curves(const SegmentReport& r) {
  return table_text(r, write_segment_response_curves);
}
std::string segment_budget_allocation(const SegmentReport& r) {
  return table_text(r, write_segment_budget_allocation);
}
std::string segment_cv_folds(const SegmentReport& r) {
  return table_text(r, write_segment_cv_folds);
}
std::string segment_decomposition(const SegmentReport& r) {
  return table_text(r, write_segment_decomposition);
}

void write_segment_tables(const SegmentReport& r, OutputDir& out) {
  // Streamed: at hundreds of segments these tables run to tens of MB of text.
  write_segment_response_curves(r, out.stream("response_curves.csv"));
  write_segment_budget_allocation(r, out.stream("budget_allocation.csv"));
  write_segment_cv_folds(r, out.stream("cv_folds.csv"));
  write_segment_decomposition(r, out.stream("decomposition.csv"));
}

}  // namespace mmm
