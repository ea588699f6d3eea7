#pragma once
// What the HTML report shows, gathered from the files a fit wrote (model.json and the CSVs
// beside it) into one JSON object the page draws from. The page (report_page.hpp) only renders
// this object, so everything the report claims can be checked here, without a browser.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mmm {

/// The text of one of a fit's files by name ("decomposition.csv"); nullopt when the fit did not
/// write it.
using ReportSource = std::function<std::optional<std::string>(const std::string& name)>;

/// A ReportSource reading the files in `folder` (regular files only).
ReportSource folder_source(const std::string& folder);

/// The report's data. `model` is model.json (single-market or segmented fit), `model_label` how
/// messages and the page name it (its path), `read` gives the CSVs the fit wrote beside it:
/// decomposition.csv, cv_folds.csv, model_results.csv, response_curves.csv,
/// budget_allocation.csv, segment_performance.csv for a segmented fit, and flow_curves.csv /
/// stock_curves.csv when the fit wrote them.
///
/// The object: `title`, `version`, `segmented`, `kpi`, `fit` (r2, cv_mape, loss, rows, dates),
/// `summary` and `warnings` (plain sentences), `settings` ([key, value] rows), `hyperparameters`,
/// `views` (one per segment, GLOBAL first, or one for a single market: `name`, `dates`,
/// `actual`, `predicted`, `baseline`, `contributors`, `contributions`, `folds`, `roi`, `curves`,
/// `kind_curves` (flow/stock channels), `allocation`) and, segmented, `segment_roas` (channels ×
/// segments).
///
/// InputError (exit 2) naming the file and the key (column, line, JSON key) for a missing file,
/// a missing column or key, or a value that is not what the fit writes.
nlohmann::json report_payload(const nlohmann::json& model, const std::string& model_label,
                              const ReportSource& read);

}  // namespace mmm
