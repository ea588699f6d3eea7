// mmm's scenarios on a saved model.json — `mmm optimize` (run_optimize, optimize_tables) and
// `mmm predict --plan` (build_spend_plan, predict_plan, plan_predictions_csv) — as the CLI's
// cli/optimize_command.cpp and cli/predict_command.cpp run them, the plan from a DataFrame.

#include <pybind11/stl.h>

#include "host/common/errors.hpp"
#include "host/data/spend_plan.hpp"
#include "host/io/json_file.hpp"
#include "host/io/model_json.hpp"
#include "host/io/saved_model.hpp"
#include "host/outputs/scenario_tables.hpp"
#include "host/scenarios/optimize_scenario.hpp"
#include "host/scenarios/plan_prediction.hpp"
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
  const nlohmann::json json = parse_json_text(model_text, source);
  const SavedModel model = read_saved_model(json, source);
  check_plan_model(model);
  const nlohmann::json& config = model_field(json, "config", source);
  const std::string date_col =
      model_string(model_field(config, "date_col", source, "config"), source, "config.date_col");
  const std::string kpi_col =
      model_string(model_field(config, "kpi_col", source, "config"), source, "config.kpi_col");
  const SpendPlan plan = build_spend_plan(*table_from_columns(label, header, cells), date_col,
                                          kpi_col, model.media, model.user_controls);
  const PlanPrediction p = predict_plan(model, plan, ci);
  Strings notices = plan.notices;
  notices.insert(notices.end(), p.notices.begin(), p.notices.end());
  py::dict result;
  result["files"] = OutputSet{{"plan_predictions.csv", plan_predictions_csv(p)}};
  result["notices"] = notices;
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
