#include "host/outputs/scenario_tables.hpp"

#include "host/curves/response_curves.hpp"
#include "host/io/csv_writer.hpp"
#include "host/outputs/table_rows.hpp"

namespace mmm {
namespace {

const std::vector<std::string>& allocation_header() {
  static const std::vector<std::string> h = {"CHANNEL",
                                             "CURRENT_SPEND",
                                             "RECOMMENDED_SPEND",
                                             "CHANGE",
                                             "CHANGE_PERCENT",
                                             "MARGINAL_ROI_CURRENT",
                                             "MARGINAL_ROI_RECOMMENDED",
                                             "CONTRIBUTION_CURRENT",
                                             "CONTRIBUTION_RECOMMENDED",
                                             "LIFT",
                                             "LIFT_PERCENT",
                                             "LOWER_BOUND",
                                             "UPPER_BOUND",
                                             "BINDING"};
  return h;
}

}  // namespace

std::string optimize_allocation_csv(const AllocationResult& plan) {
  CsvWriter w(allocation_header());
  allocation_rows(w, plan, true);
  return w.text();
}

std::string budget_plans_csv(const std::vector<AllocationResult>& plans) {
  std::vector<std::string> header = {"BUDGET"};
  header.insert(header.end(), allocation_header().begin(), allocation_header().end());
  CsvWriter w(header);
  for (const AllocationResult& p : plans) {
    w.set_row_prefix(format_number(p.budget));
    allocation_rows(w, p, true);
  }
  w.clear_row_prefix();
  return w.text();
}

std::string budget_levels_csv(const std::vector<AllocationResult>& plans,
                              const std::vector<ChannelResponse>& curves) {
  CsvWriter w({"BUDGET", "CONTRIBUTION", "CONTRIBUTION_LOWER", "CONTRIBUTION_UPPER", "ROI",
               "MARGINAL_ROI", "LIFT", "LIFT_PERCENT", "BOUND_CHANNELS"});
  for (const AllocationResult& p : plans) {
    double lower = 0.0, upper = 0.0, mroi = 0.0, spend = 0.0;
    int bound = 0;
    for (size_t c = 0; c < p.channels.size(); ++c) {
      const ChannelAllocation& a = p.channels[c];
      const double per_coef =
          curves[c].coef != 0.0
              ? weekly_contribution(curves[c], a.recommended_spend) / curves[c].coef
              : 0.0;
      lower += curves[c].coef_lower * per_coef;
      upper += curves[c].coef_upper * per_coef;
      mroi += a.marginal_roi_recommended * a.recommended_spend;
      spend += a.recommended_spend;
      bound += *binding_limit(a) != '\0' ? 1 : 0;
    }
    w.cell(p.budget).cell(p.contribution_recommended).cell(lower).cell(upper);
    w.cell(spend > 0 ? p.contribution_recommended / spend : 0.0);
    w.cell(spend > 0 ? mroi / spend : 0.0).cell(p.lift).cell(p.lift_percent);
    w.cell(bound).end_row();
  }
  return w.text();
}

namespace {

std::vector<std::string> plan_predictions_header(const PlanPrediction& p) {
  std::vector<std::string> header = {
      "DATE",           "kpi",     "kpi_coef_lower", "kpi_coef_upper", "kpi_pred_lower",
      "kpi_pred_upper", "baseline"};
  for (const std::string& c : p.channels) {
    for (const char* s : {"_spend", "_contribution", "_contribution_lower", "_contribution_upper"})
      header.push_back(c + s);
  }
  return header;
}

void plan_predictions_rows(CsvWriter& w, const PlanPrediction& p) {
  for (Eigen::Index t = 0; t < p.kpi.size(); ++t) {
    w.cell(p.dates[static_cast<size_t>(t)].to_string()).cell(p.kpi[t]);
    w.cell(p.coef_lower[t]).cell(p.coef_upper[t]).cell(p.pred_lower[t]).cell(p.pred_upper[t]);
    w.cell(p.baseline[t]);
    for (Eigen::Index c = 0; c < p.contribution.cols(); ++c) {
      w.cell(p.spend(t, c)).cell(p.contribution(t, c));
      w.cell(p.contribution_lower(t, c)).cell(p.contribution_upper(t, c));
    }
    w.end_row();
  }
}

}  // namespace

std::string plan_predictions_csv(const PlanPrediction& p) {
  CsvWriter w(plan_predictions_header(p));
  plan_predictions_rows(w, p);
  return w.text();
}

std::string plan_predictions_csv(const ModelPlanPrediction& m) {
  if (!m.segmented) return plan_predictions_csv(m.parts.at(0).prediction);
  std::vector<std::string> header = {"SEGMENT"};
  const std::vector<std::string> rest = plan_predictions_header(m.parts.at(0).prediction);
  header.insert(header.end(), rest.begin(), rest.end());
  CsvWriter w(header);
  for (const SegmentPlanPrediction& part : m.parts) {
    w.set_row_prefix(part.segment);
    plan_predictions_rows(w, part.prediction);
  }
  return w.text();
}

std::vector<std::pair<std::string, std::string>> optimize_tables(const OptimizeOutcome& r) {
  if (r.levels) {
    return {{"budget_plans.csv", budget_plans_csv(r.plans)},
            {"budget_levels.csv", budget_levels_csv(r.plans, r.curves)}};
  }
  return {{"budget_allocation.csv", optimize_allocation_csv(r.plans.front())}};
}

}  // namespace mmm
