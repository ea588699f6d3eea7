#pragma once
// The HTML report page: one self-contained file (styles, Chart.js, the data and the script that
// draws it all inline), so it opens offline and can be mailed as one attachment.

#include <nlohmann/json.hpp>
#include <string>

namespace mmm {

/// `text` with & < > " ' replaced by character references: safe as HTML text and attribute
/// values.
std::string html_escape(const std::string& text);

/// `data` as JSON to put inside a <script> element: '<', '>' and '&' are written as \u003c,
/// \u003e and \u0026 (only strings can hold them), so no value, however named, can close the
/// element or open a comment. Invalid UTF-8 is replaced by U+FFFD.
std::string script_json(const nlohmann::json& data);

/// The whole page for a report_payload() object, with `chartjs` (read_chartjs()) inline. The
/// page draws every chart when it loads and then writes a self-check into <pre id="selftest">:
/// JSON with `errors` (JavaScript errors caught), `charts` (charts made), `expected` (charts the
/// data calls for), `drawn` (charts with painted pixels and placed points), `canvases`, and
/// `readback` (values read back from drawn points through the charts' scales).
std::string report_html(const nlohmann::json& payload, const std::string& chartjs);

}  // namespace mmm
