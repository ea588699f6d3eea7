#include "host/report/report_payload.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "host/common/errors.hpp"
#include "host/data/csv_table.hpp"
#include "host/io/json_file.hpp"

namespace mmm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// One of the fit's CSVs with columns looked up by name and cells checked as they are read, so
/// that every error names the file, the line and the column.
class FitTable {
 public:
  FitTable(const ReportSource& read, const std::string& name, const std::string& label)
      : label_(label) {
    const std::optional<std::string> text = read(name);
    if (!text)
      throw InputError("report: `" + label +
                       "` is missing; the report reads the files `mmm fit` "
                       "writes beside model.json");
    table_ = parse_csv_text(*text, label);
  }
  std::size_t rows() const { return table_.rows.size(); }
  bool has(const std::string& column) const { return find(column) >= 0; }
  int column(const std::string& name) const {
    const int c = find(name);
    if (c < 0) throw InputError("report: `" + label_ + "` has no column " + name);
    return c;
  }
  std::string text(std::size_t row, int col) const { return table_.rows[row][col]; }
  /// The segment of a row: the SEGMENT cell, or "" in a single-market fit's table.
  std::string segment(std::size_t row) const {
    const int c = find("SEGMENT");
    return c < 0 ? std::string() : table_.rows[row][c];
  }
  /// A number; an empty cell is NaN (JSON null) when `empty_ok` (intervals a fit did not
  /// compute), an error otherwise.
  double number(std::size_t row, int col, bool empty_ok = false) const {
    const std::string& cell = table_.rows[row][col];
    if (cell.empty() && empty_ok) return std::numeric_limits<double>::quiet_NaN();
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    if (cell.empty() || end != cell.c_str() + cell.size() || (!std::isfinite(v) && !empty_ok))
      throw InputError("report: `" + label_ + "` line " + std::to_string(table_.line_numbers[row]) +
                       ", column " + table_.header[col] + ": `" + cell + "` is not a number");
    return v;
  }
  /// A number, or null for an empty cell (an interval the fit did not compute).
  json optional(std::size_t row, int col) const {
    const double v = number(row, col, true);
    return std::isfinite(v) ? json(v) : json(nullptr);
  }
  const std::vector<std::string>& header() const { return table_.header; }

 private:
  int find(const std::string& name) const {
    for (std::size_t c = 0; c < table_.header.size(); ++c)
      if (table_.header[c] == name) return static_cast<int>(c);
    return -1;
  }
  std::string label_;
  CsvTable table_;
};

std::string file_label(const std::string& model_label, const std::string& name) {
  const fs::path dir = fs::path(model_label).parent_path();
  return dir.empty() ? name : (dir / name).string();
}

/// `model[key]`, which must exist and be of `type` (a JSON type name for the message).
const json& member(const json& model, const std::string& key, json::value_t type,
                   const std::string& label) {
  const auto it = model.find(key);
  if (it == model.end() || it->type() != type) {
    const char* expected = type == json::value_t::object  ? "an object"
                           : type == json::value_t::array ? "an array"
                                                          : "a string";
    throw InputError("report: `" + label + "` key `" + key + "` is " +
                     (it == model.end() ? std::string("missing") : "not " + std::string(expected)) +
                     " (expected " + expected + ", as `mmm fit` writes it)");
  }
  return *it;
}

/// A JSON number, or null when absent or not a number (older or partial model files).
json number_or_null(const json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? *it : json(nullptr);
}

/// The key's value as a person reads it in the settings table.
std::string setting_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string s;
    for (const auto& e : v) s += (s.empty() ? "" : ", ") + setting_text(e);
    return s.empty() ? "(none)" : s;
  }
  return v.dump();
}

void flatten_settings(const json& object, const std::string& prefix, json& rows) {
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      flatten_settings(value, prefix + key + ".", rows);
    } else {
      rows.push_back(json::array({prefix + key, setting_text(value)}));
    }
  }
}

json settings(const json& model) {
  json rows = json::array();
  for (const char* key : {"version", "backend", "pooling"}) {
    const auto it = model.find(key);
    if (it != model.end() && !it->is_object() && !it->is_array())
      rows.push_back(json::array({key, setting_text(*it)}));
  }
  for (const char* section : {"config", "bootstrap", "allocation"}) {
    const auto it = model.find(section);
    if (it != model.end() && it->is_object())
      flatten_settings(*it, std::string(section) + ".", rows);
  }
  const auto search = model.find("search");
  if (search != model.end() && search->is_object()) {
    json copy = *search;
    copy.erase("trials");  // per-trial hyperparameters: too much for a settings table
    flatten_settings(copy, "search.", rows);
  }
  return rows;
}

/// The per-segment (or single) views keyed by segment, in the order decomposition.csv has them.
struct Views {
  std::vector<std::string> order;
  std::map<std::string, json> by_name;
  /// The view of `name`; nullptr for a segment decomposition.csv does not have (a table the
  /// fit filtered differently): its rows have no chart to go to.
  json* find(const std::string& name) {
    const auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &it->second;
  }
};

void read_decomposition(const FitTable& t, Views& views) {
  const int date = t.column("DATE"), actual = t.column("ACTUAL"), predicted = t.column("PREDICTED"),
            baseline = t.column("BASELINE");
  std::vector<int> contributors;
  for (int c = baseline + 1; c < static_cast<int>(t.header().size()); ++c)
    contributors.push_back(c);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string seg = t.segment(r);
    auto [it, fresh] = views.by_name.try_emplace(seg);
    json& v = it->second;
    if (fresh) {
      views.order.push_back(seg);
      v = {{"name", seg.empty() ? "all data" : seg},
           {"dates", json::array()},
           {"actual", json::array()},
           {"predicted", json::array()},
           {"baseline", json::array()},
           {"contributors", json::array()},
           {"contributions", json::array()},
           {"folds", json::array()},
           {"roi", json::array()},
           {"curves", json::array()},
           {"kind_curves", json::array()},
           {"allocation", json::array()}};
      for (int c : contributors) {
        v["contributors"].push_back(t.header()[c]);
        v["contributions"].push_back(json::array());
      }
    }
    v["dates"].push_back(t.text(r, date));
    v["actual"].push_back(t.number(r, actual));
    v["predicted"].push_back(t.number(r, predicted));
    v["baseline"].push_back(t.number(r, baseline));
    for (std::size_t k = 0; k < contributors.size(); ++k)
      v["contributions"][k].push_back(t.number(r, contributors[k]));
  }
  if (views.order.empty()) throw InputError("report: decomposition.csv has no rows");
}

void read_folds(const FitTable& t, Views& views) {
  const int fold = t.column("FOLD"), test_start = t.column("TEST_START"),
            test_end = t.column("TEST_END"), train_start = t.column("TRAIN_START"),
            train_end = t.column("TRAIN_END"), r2 = t.column("R2"), mape = t.column("MAPE");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string id = t.text(r, fold);
    // MEAN, STD and IN_SAMPLE rows summarise the folds; the chart marks only the folds.
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
    json* v = views.find(t.segment(r));
    if (v == nullptr) continue;
    (*v)["folds"].push_back({{"fold", std::stoi(id)},
                             {"train_start", t.text(r, train_start)},
                             {"train_end", t.text(r, train_end)},
                             {"test_start", t.text(r, test_start)},
                             {"test_end", t.text(r, test_end)},
                             {"r2", t.optional(r, r2)},
                             {"mape", t.optional(r, mape)}});
  }
}

void read_roi(const FitTable& t, Views& views) {
  const int channel = t.column("CHANNEL_CODE"), roi = t.column("ROI"),
            lower = t.column("ROI_CI_LOWER"), upper = t.column("ROI_CI_UPPER"),
            significant = t.column("IS_SIGNIFICANT"), mroi = t.column("MARGINAL_ROI"),
            spend = t.column("CURRENT_SPEND");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    // A segmented fit's model_results.csv names the pooled rows GLOBAL in SEGMENT.
    json* v = views.find(t.segment(r));
    if (v == nullptr) continue;
    (*v)["roi"].push_back({{"channel", t.text(r, channel)},
                           {"roi", t.number(r, roi)},
                           {"lower", t.optional(r, lower)},
                           {"upper", t.optional(r, upper)},
                           {"significant", t.text(r, significant) == "TRUE"},
                           {"marginal_roi", t.optional(r, mroi)},
                           {"spend", t.optional(r, spend)}});
  }
}

void read_allocation(const FitTable& t, Views& views) {
  const int channel = t.column("CHANNEL"), current = t.column("CURRENT_SPEND"),
            recommended = t.column("RECOMMENDED_SPEND"), before = t.column("CONTRIBUTION_CURRENT"),
            after = t.column("CONTRIBUTION_RECOMMENDED"), lift = t.column("LIFT");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    json* view = views.find(t.segment(r));
    if (view == nullptr) continue;
    json& v = *view;
    json row = {{"channel", t.text(r, channel)},
                {"current", t.number(r, current)},
                {"recommended", t.number(r, recommended)},
                {"contribution_current", t.optional(r, before)},
                {"contribution_recommended", t.optional(r, after)},
                {"lift", t.optional(r, lift)}};
    if (row["channel"] == "TOTAL") {
      v["allocation_total"] = row;
    } else {
      v["allocation"].push_back(row);
    }
  }
}

void read_curves(const FitTable& t, Views& views) {
  const int channel = t.column("CHANNEL"), spend = t.column("SPEND"),
            revenue = t.column("PREDICTED_REVENUE"), lower = t.column("PREDICTED_REVENUE_CI_LOWER"),
            upper = t.column("PREDICTED_REVENUE_CI_UPPER"), zone = t.column("EFFICIENCY_ZONE");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    json* v = views.find(t.segment(r));
    if (v == nullptr) continue;
    json& curves = (*v)["curves"];
    const std::string name = t.text(r, channel);
    if (curves.empty() || curves.back()["channel"] != name) {
      curves.push_back({{"channel", name},
                        {"spend", json::array()},
                        {"revenue", json::array()},
                        {"lower", json::array()},
                        {"upper", json::array()},
                        {"zone", json::array()}});
    }
    json& c = curves.back();
    c["spend"].push_back(t.number(r, spend));
    c["revenue"].push_back(t.number(r, revenue));
    c["lower"].push_back(t.optional(r, lower));
    c["upper"].push_back(t.optional(r, upper));
    c["zone"].push_back(t.text(r, zone));
  }
  // Current and recommended spend on each curve, from the budget plan of the same view.
  for (auto& [name, v] : views.by_name) {
    for (json& c : v["curves"]) {
      c["current"] = nullptr;
      c["recommended"] = nullptr;
      for (const json& a : v["allocation"]) {
        if (a["channel"] == c["channel"]) {
          c["current"] = a["current"];
          c["recommended"] = a["recommended"];
        }
      }
    }
  }
}

/// Flow and stock channels' curves (flow_curves.csv, stock_curves.csv: single-market fits with
/// kind channels) in the shape of the response curves, without efficiency zones. A stock
/// channel's band is ±2 SD of its touches (95.45%); its x is active units, not money.
void read_kind_curves(const FitTable& t, const std::string& kind, json& view) {
  const bool flow = kind == "flow";
  const int channel = t.column("CHANNEL"), x = t.column(flow ? "SPEND" : "UNITS"),
            mean = t.column("MEAN"), lower = t.column(flow ? "LOWER" : "LOWER_2SD"),
            upper = t.column(flow ? "UPPER" : "UPPER_2SD");
  json& curves = view["kind_curves"];
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string name = t.text(r, channel);
    if (curves.empty() || curves.back()["channel"] != name) {
      curves.push_back({{"channel", name},
                        {"kind", kind},
                        {"x_label", flow ? "spend per period" : "active units"},
                        {"band_label", flow ? "bootstrap band" : "±2 SD of touches"},
                        {"spend", json::array()},
                        {"revenue", json::array()},
                        {"lower", json::array()},
                        {"upper", json::array()},
                        {"zone", json::array()},
                        {"current", nullptr},
                        {"recommended", nullptr}});
    }
    json& c = curves.back();
    c["spend"].push_back(t.number(r, x));
    c["revenue"].push_back(t.number(r, mean));
    c["lower"].push_back(t.optional(r, lower));
    c["upper"].push_back(t.optional(r, upper));
  }
  // Flow channels are allocated like media: their plan marks the curve.
  for (json& c : curves) {
    for (const json& a : view["allocation"]) {
      if (a["channel"] == c["channel"]) {
        c["current"] = a["current"];
        c["recommended"] = a["recommended"];
      }
    }
  }
}

json segment_roas(const FitTable& t) {
  const int segment = t.column("SEGMENT"), channel = t.column("CHANNEL"), roas = t.column("ROAS"),
            lower = t.column("ROAS_CI_LOWER"), upper = t.column("ROAS_CI_UPPER");
  json out = {{"segments", json::array()}, {"channels", json::array()}, {"rows", json::array()}};
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string seg = t.text(r, segment), ch = t.text(r, channel);
    if (std::find(out["segments"].begin(), out["segments"].end(), seg) == out["segments"].end())
      out["segments"].push_back(seg);
    if (std::find(out["channels"].begin(), out["channels"].end(), ch) == out["channels"].end())
      out["channels"].push_back(ch);
    out["rows"].push_back({{"segment", seg},
                           {"channel", ch},
                           {"roas", t.number(r, roas)},
                           {"lower", t.optional(r, lower)},
                           {"upper", t.optional(r, upper)}});
  }
  return out;
}

std::string percent(double fraction) {
  std::ostringstream s;
  s.precision(3);
  s << fraction * 100.0 << "%";
  return s.str();
}

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

/// The fit's quality and the trust in its numbers, in sentences.
json summary(const json& metrics, const json& first_view) {
  json lines = json::array();
  const auto r2 = metrics.find("r2");
  if (r2 != metrics.end() && r2->is_number())
    lines.push_back("In-sample R² is " + number_text(r2->get<double>()) +
                    ": the share of the KPI's variation over time the model reproduces.");
  const auto mape = metrics.find("cv_mape");
  if (mape != metrics.end() && mape->is_number()) {
    lines.push_back(
        "On weeks it was not fitted on (rolling cross-validation), the model is off by " +
        percent(mape->get<double>()) + " of the KPI on average (CV MAPE).");
  } else {
    lines.push_back(
        "Cross-validation was skipped (too few rows for its windows): there is no "
        "out-of-sample check of this model.");
  }
  int significant = 0, total = 0;
  for (const json& r : first_view["roi"]) {
    ++total;
    if (r["significant"].get<bool>()) ++significant;
  }
  lines.push_back(std::to_string(significant) + " of " + std::to_string(total) +
                  " channels have an ROI interval that excludes zero; the others' ROI is not "
                  "pinned down by the data.");
  const auto total_row = first_view.find("allocation_total");
  if (total_row != first_view.end() && (*total_row)["lift"].is_number() &&
      (*total_row)["contribution_current"].is_number()) {
    const double lift = (*total_row)["lift"].get<double>();
    const double before = (*total_row)["contribution_current"].get<double>();
    lines.push_back(
        "Moving the same total spend as the budget plan suggests is predicted to "
        "change the channels' contribution by " +
        number_text(lift) + (before != 0.0 ? " (" + percent(lift / before) + ")" : "") +
        " per period; the plan is only as good as the curves behind it.");
  }
  return lines;
}

}  // namespace

ReportSource folder_source(const std::string& folder) {
  return [folder](const std::string& name) -> std::optional<std::string> {
    const fs::path path = fs::path(folder) / name;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
}

json report_payload(const json& model, const std::string& model_label, const ReportSource& read) {
  if (!model.is_object())
    throw InputError("report: `" + model_label + "` is not a model file (expected a JSON object)");
  const auto format = model.find("format");
  if (format == model.end() || *format != "mmm-model")
    throw InputError("report: `" + model_label +
                     "` key `format` is not \"mmm-model\": not a model.json of `mmm fit`");
  const json& config = member(model, "config", json::value_t::object, model_label);
  const json& metrics = member(model, "metrics", json::value_t::object, model_label);
  const json& diagnostics = member(model, "diagnostics", json::value_t::array, model_label);
  const bool segmented = model.contains("segments");

  auto label = [&](const std::string& name) { return file_label(model_label, name); };
  Views views;
  read_decomposition(FitTable(read, "decomposition.csv", label("decomposition.csv")), views);
  read_folds(FitTable(read, "cv_folds.csv", label("cv_folds.csv")), views);
  read_roi(FitTable(read, "model_results.csv", label("model_results.csv")), views);
  read_allocation(FitTable(read, "budget_allocation.csv", label("budget_allocation.csv")), views);
  read_curves(FitTable(read, "response_curves.csv", label("response_curves.csv")), views);

  for (const char* kind : {"flow", "stock"}) {
    const std::string name = std::string(kind) + "_curves.csv";
    if (read(name) && !segmented)
      read_kind_curves(FitTable(read, name, label(name)), kind, views.by_name[views.order[0]]);
  }

  json out;
  out["title"] = "mmm report: " + model_label;
  out["version"] = model.value("version", std::string());
  out["segmented"] = segmented;
  const auto bootstrap = model.find("bootstrap");
  out["ci"] = bootstrap != model.end() && bootstrap->is_object() ? number_or_null(*bootstrap, "ci")
                                                                 : json(nullptr);
  out["kpi"] = config.value("kpi_col", std::string("KPI"));
  out["fit"] = {{"r2", number_or_null(metrics, "r2")},
                {"cv_mape", number_or_null(metrics, "cv_mape")},
                {"loss", number_or_null(metrics, "loss")},
                {"rows", number_or_null(metrics, "rows")}};
  out["views"] = json::array();
  for (const auto& name : views.order) out["views"].push_back(views.by_name[name]);
  out["summary"] = summary(metrics, out["views"][0]);
  out["warnings"] = json::array();
  for (const json& d : diagnostics) {
    if (!d.is_object() || !d.contains("message") || !d["message"].is_string())
      throw InputError("report: `" + model_label +
                       "` key `diagnostics`: every entry needs a `message` string");
    out["warnings"].push_back(d["message"]);
  }
  out["settings"] = settings(model);
  out["hyperparameters"] = json::array();
  const auto hyper = model.find("hyperparameters");
  if (hyper != model.end() && hyper->is_object() && hyper->contains("channels") &&
      (*hyper)["channels"].is_object()) {
    for (const auto& [channel, h] : (*hyper)["channels"].items()) {
      if (!h.is_object()) continue;
      out["hyperparameters"].push_back(
          {{"channel", channel},
           {"theta", number_or_null(h, "theta")},
           {"alpha", number_or_null(h, "alpha")},
           {"gamma", number_or_null(h, "gamma")},
           // Absent in files older than the logistic shape.
           {"saturation", h.contains("saturation") && h["saturation"].is_string() ? h["saturation"]
                                                                                  : json("hill")}});
    }
  }
  if (segmented)
    out["segment_roas"] =
        segment_roas(FitTable(read, "segment_performance.csv", label("segment_performance.csv")));
  return out;
}

}  // namespace mmm
