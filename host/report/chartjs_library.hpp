#pragma once
// The charting library of the HTML report: Debian's libjs-chart.js (Chart.js, MIT), read from
// its installed file when a report is written, so the page carries it inline and opens offline.
// It is neither downloaded nor compiled into mmm: the package's own, patched copy is used.

#include <string>

namespace mmm {

/// Where libjs-chart.js installs the UMD build the report embeds.
constexpr const char* kChartJsPath = "/usr/share/javascript/chart.js/chart.min.js";

/// The file the report embeds: $MMM_CHARTJS when set and not empty (another copy of Chart.js
/// 3.x), kChartJsPath otherwise.
std::string chartjs_path();

/// The text of the Chart.js file at `path`. Its leading license comment ("Released under the
/// MIT License") stays part of the text. InputError (exit 2) naming the path and the Debian
/// package to install when the file is missing, unreadable or not Chart.js.
std::string read_chartjs(const std::string& path);

}  // namespace mmm
