#include "host/io/output_files.hpp"

#include <algorithm>

namespace mmm {

const std::vector<std::string>& fit_output_files() {
  static const std::vector<std::string> names = {"model_results.csv",
                                                 "response_curves.csv",
                                                 "budget_allocation.csv",
                                                 "cv_folds.csv",
                                                 "decomposition.csv",
                                                 "search_trace.csv",
                                                 "flow_curves.csv",
                                                 "stock_curves.csv",
                                                 "model.json",
                                                 "segment_performance.csv",
                                                 "pareto.csv",
                                                 "report.html"};
  return names;
}

const std::vector<std::string>& sweep_output_files() {
  static const std::vector<std::string> names = {"sweep_top.csv", "sweep_summary.csv",
                                                 "sweep_state.json", "sweep_all.csv.gz"};
  return names;
}

const std::vector<std::string>& predict_output_files() {
  static const std::vector<std::string> names = {"predictions.csv", "plan_predictions.csv"};
  return names;
}

const std::vector<std::string>& optimize_output_files() {
  static const std::vector<std::string> names = {"budget_allocation.csv", "budget_plans.csv",
                                                 "budget_levels.csv"};
  return names;
}

bool is_output_file(const std::string& name) {
  for (const auto* list : {&fit_output_files(), &sweep_output_files(), &predict_output_files(),
                           &optimize_output_files()}) {
    if (std::find(list->begin(), list->end(), name) != list->end()) return true;
  }
  return false;
}

}  // namespace mmm
