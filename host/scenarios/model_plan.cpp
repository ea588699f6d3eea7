#include "host/scenarios/model_plan.hpp"

#include <algorithm>
#include <map>

#include "host/common/errors.hpp"
#include "host/data/spend_plan.hpp"
#include "host/io/model_json.hpp"
#include "host/io/saved_segment_model.hpp"

namespace mmm {
namespace {

struct PlanColumns {
  std::string date, kpi;
};

PlanColumns plan_columns(const nlohmann::json& model, const std::string& source) {
  const nlohmann::json& config = model_field(model, "config", source);
  return {
      model_string(model_field(config, "date_col", source, "config"), source, "config.date_col"),
      model_string(model_field(config, "kpi_col", source, "config"), source, "config.kpi_col")};
}

/// Appends each notice with `prefix`, once: every segment's plan says the same about the
/// plan file (its KPI column is not used), which is worth saying once.
void take_notices(const std::string& prefix, const std::vector<std::string>& from,
                  std::vector<std::string>& to) {
  for (const std::string& n : from)
    if (std::find(to.begin(), to.end(), prefix + n) == to.end()) to.push_back(prefix + n);
}

std::string listed(const std::vector<std::string>& names, size_t most = 8) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < most; ++i) out += (i ? ", `" : "`") + names[i] + "`";
  if (names.size() > most) out += ", … (" + std::to_string(names.size()) + " in all)";
  return out;
}

/// The plan's rows split by the fit's segment columns, segments in order of first appearance;
/// each part keeps the other columns and its rows' line numbers (for messages).
std::vector<std::pair<std::string, CsvTable>> split_plan(const CsvTable& plan,
                                                         const SegmentIndex& index) {
  std::vector<int> seg_cols;
  for (const std::string& name : index.columns) {
    const auto it = std::find(plan.header.begin(), plan.header.end(), name);
    if (it == plan.header.end()) {
      throw InputError(
          plan.path + ":" + std::to_string(plan.header_line) + ": no segment column `" + name +
          "`; a segmented model's plan has its segment columns " + listed(index.columns) +
          ", a date column and one spend column per channel, a row per period "
          "and segment");
    }
    seg_cols.push_back(static_cast<int>(it - plan.header.begin()));
  }
  CsvTable shape;
  shape.path = plan.path;
  shape.header_line = plan.header_line;
  for (size_t j = 0; j < plan.header.size(); ++j)
    if (std::find(seg_cols.begin(), seg_cols.end(), static_cast<int>(j)) == seg_cols.end())
      shape.header.push_back(plan.header[j]);
  std::map<std::string, size_t> where;
  std::vector<std::pair<std::string, CsvTable>> parts;
  for (size_t r = 0; r < plan.rows.size(); ++r) {
    std::string name;
    for (size_t k = 0; k < seg_cols.size(); ++k)
      name += (k ? "|" : "") + plan.rows[r][static_cast<size_t>(seg_cols[k])];
    auto [it, inserted] = where.emplace(name, parts.size());
    if (inserted) {
      if (std::find(index.names.begin(), index.names.end(), name) == index.names.end()) {
        const int col = seg_cols.front();
        throw InputError(cell_error_message(
            plan.path, plan.line_numbers[r], col + 1, plan.header[static_cast<size_t>(col)], name,
            "one of the model's segments (" + listed(index.names) +
                "); a market that is not in the fitted data: `mmm predict --new-segment`"));
      }
      parts.emplace_back(name, shape);
    }
    CsvTable& part = parts[it->second].second;
    std::vector<std::string> row;
    for (size_t j = 0; j < plan.rows[r].size(); ++j)
      if (std::find(seg_cols.begin(), seg_cols.end(), static_cast<int>(j)) == seg_cols.end())
        row.push_back(plan.rows[r][j]);
    part.rows.push_back(std::move(row));
    part.line_numbers.push_back(plan.line_numbers[r]);
  }
  return parts;
}

}  // namespace

ModelPlanPrediction predict_model_plan(const nlohmann::json& model, const std::string& source,
                                       const CsvTable& plan, double ci) {
  const PlanColumns cols = plan_columns(model, source);
  ModelPlanPrediction out;
  if (!is_segmented_model(model)) {
    const SavedModel m = read_saved_model(model, source);
    const SpendPlan sp =
        build_spend_plan(plan, cols.date, cols.kpi, plan_channels(m), m.user_controls);
    out.period = period_name(m.dates);
    out.parts.push_back({"", predict_plan(m, sp, ci)});
    take_notices("", sp.notices, out.notices);
    take_notices("", out.parts.back().prediction.notices, out.notices);
    return out;
  }
  out.segmented = true;
  const SegmentIndex index = read_segment_index(model, source);
  for (auto& [name, part] : split_plan(plan, index)) {
    const SavedModel m = read_segment_saved_model(model, source, name);
    const SpendPlan sp =
        build_spend_plan(part, cols.date, cols.kpi, plan_channels(m), m.user_controls);
    if (out.period.empty()) out.period = period_name(m.dates);
    out.parts.push_back({name, predict_plan(m, sp, ci)});
    take_notices("", sp.notices, out.notices);
    take_notices("segment " + name + ": ", out.parts.back().prediction.notices, out.notices);
  }
  return out;
}

}  // namespace mmm
