#include "host/report/report_file.hpp"

#include "host/report/chartjs_library.hpp"
#include "host/report/report_page.hpp"

namespace mmm {

std::string fit_report_html(const nlohmann::json& model, const std::string& model_label,
                            const ReportSource& read, const std::string& chartjs_file) {
  // The library first: a machine without it fails before any file of the fit is read.
  const std::string chartjs = read_chartjs(chartjs_file);
  return report_html(report_payload(model, model_label, read), chartjs);
}

}  // namespace mmm
