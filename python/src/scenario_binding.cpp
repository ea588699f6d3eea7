// mmm's scenarios on a saved model.json — `mmm optimize` (run_optimize, optimize_tables) and
// `mmm predict --plan` (predict_model_plan, plan_predictions_csv; single-market and segmented
// models) — as the CLI's cli/optimize_command.cpp and cli/predict_command.cpp run them, the plan
// from a DataFrame.

#include <pybind11/stl.h>

#include "host/common/errors.hpp"
#include "host/io/json_file.hpp"
#include "host/io/model_json.hpp"
#include "host/io/saved_model.hpp"
#include "host/outputs/scenario_tables.hpp"
#include "host/scenarios/model_plan.hpp"
#include "host/scenarios/optimize_scenario.hpp"
#include "python/src/bindings.hpp"
#include "python/src/output_set.hpp"
#include "python/src/python_options.hpp"
#include "python/src/table_input.hpp"

namespace py = pybind11;

namespace mmm::python {
namespace {

using Strings = std::vector<std::string>;

const OptionSetters<OptimizeRequest>& optimize_setters() {
  static const OptionSetters<OptimizeRequest> setters = {
      {"total_budget", store(&OptimizeRequest::total_budget)},
      {"budget_levels",
       [](OptimizeRequest& q, py::handle v) {
         q.budget_levels = py::cast<std::vector<std::string>>(v);
         q.budget_levels_given = true;
       }},
      {"target_roi", store(&OptimizeRequest::target_roi)},
      {"target_mroi", store(&OptimizeRequest::target_mroi)},
      {"limits", store(&OptimizeRequest::limits)},
      {"budget_change_limit", store(&OptimizeRequest::change_limit)},
      {"window", store(&OptimizeRequest::window)},
  };
  return setters;
}

py::dict optimize(const std::string& model_text, const std::string& source,
                  const py::dict& options) {
  OptimizeRequest q;
  apply_options(optimize_setters(), options, q, "optimize");
  check_optimize_request(q);
  const SavedModel model = read_saved_model(parse_json_text(model_text, source), source);
  const OptimizeOutcome r = run_optimize(model, q);
  py::dict result;
  result["files"] = optimize_tables(r);
  result["current_note"] = r.current_note;
  result["note"] = r.note;
  return result;
}

py::dict predict(const std::string& model_text, const std::string& source, const std::string& label,
                 const Strings& header, const std::vector<Strings>& cells, double ci) {
  const ModelPlanPrediction p = predict_model_plan(parse_json_text(model_text, source), source,
                                                   *table_from_columns(label, header, cells), ci);
  py::dict result;
  result["files"] = OutputSet{{"plan_predictions.csv", plan_predictions_csv(p)}};
  result["notices"] = p.notices;
  return result;
}

}  // namespace

void add_scenarios(py::module_& m) {
  m.def("optimize", &optimize, py::arg("model_text"), py::arg("source"), py::arg("options"),
        "`mmm optimize` on the text of a model.json (`source` names it in messages).");
  m.def("predict", &predict, py::arg("model_text"), py::arg("source"), py::arg("label"),
        py::arg("header"), py::arg("cells"), py::arg("ci") = 0.90,
        "`mmm predict --plan` on the text of a model.json and a plan given as text columns.");
}

}  // namespace mmm::python
