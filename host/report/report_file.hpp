#pragma once
// A fit's report as one HTML page: the payload of its files with Chart.js inline.

#include <nlohmann/json.hpp>
#include <string>

#include "host/report/report_payload.hpp"

namespace mmm {

/// The report page of the fit whose model.json is `model` (named `model_label` in messages and
/// on the page) and whose other files `read` gives, with Chart.js read from `chartjs_file`
/// (read_chartjs: InputError naming libjs-chart.js when it is missing).
std::string fit_report_html(const nlohmann::json& model, const std::string& model_label,
                            const ReportSource& read, const std::string& chartjs_file);

}  // namespace mmm
