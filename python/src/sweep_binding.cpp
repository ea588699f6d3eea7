// mmm.sweep: `mmm sweep` on a DataFrame (or a CSV path) through run_sweep and
// write_sweep_outputs, as cli/sweep_command.cpp. Ctrl-C stops it after the chunk in flight
// (run_sweep's stop flag) and raises KeyboardInterrupt; there is no checkpoint to resume.

#include <pybind11/stl.h>

#include "host/common/errors.hpp"
#include "host/outputs/sweep_outputs.hpp"
#include "host/pipeline/sweep_pipeline.hpp"
#include "python/src/bindings.hpp"
#include "python/src/interruptible.hpp"
#include "python/src/output_set.hpp"
#include "python/src/python_options.hpp"
#include "python/src/table_input.hpp"

namespace py = pybind11;

namespace mmm::python {
namespace {

using Strings = std::vector<std::string>;

const OptionSetters<SweepOptions>& sweep_setters() {
  static const OptionSetters<SweepOptions> setters = {
      {"design",
       [](SweepOptions& o, py::handle v) { o.design = parse_design(py::cast<std::string>(v)); }},
      {"n",
       [](SweepOptions& o, py::handle v) {
         o.n = py::cast<std::uint64_t>(v);
         o.n_given = true;
         if (o.n == 0) throw InputError("invalid --n 0: expected at least 1 candidate");
       }},
      {"top",
       [](SweepOptions& o, py::handle v) {
         o.top = py::cast<long>(v);
         if (o.top < 1 || o.top > kMaxSweepTop) {
           throw InputError("invalid --top " + std::to_string(o.top) + ": expected 1 to " +
                            std::to_string(kMaxSweepTop));
         }
       }},
      {"grid_points", store(&SweepOptions::grid_points)},
      {"ridge_lambda", store(&SweepOptions::ridge_lambda)},
      {"seed", store(&SweepOptions::seed)},
      {"device", store(&SweepOptions::device)},
      {"threads", store(&SweepOptions::threads)},
      {"quiet", store(&SweepOptions::quiet)},
      {"chunk", store(&SweepOptions::chunk)},
  };
  return setters;
}

py::dict sweep(const std::string& label, const std::optional<Strings>& header,
               const std::vector<Strings>& cells, const py::dict& columns,
               const py::dict& options) {
  SweepOptions o;
  apply_options(sweep_setters(), options, o, "mmm.sweep");
  apply_columns(columns, o);
  o.data_path = label;
  if (header) o.data_table = table_from_columns(label, *header, cells);
  struct Outcome {
    OutputSet files;
    std::string summary;
    Strings notices;
  };
  Outcome r = run_interruptible([&o](const std::atomic<bool>* stop) {
    const SweepReport report = run_sweep(o, stop, std::nullopt);
    Outcome out;
    out.files = capture_outputs([&](OutputDir& dir) { write_sweep_outputs(report, dir); });
    out.summary = sweep_summary_json(report, "").dump();
    out.notices = report.notices;
    return out;
  });
  py::dict result;
  result["files"] = r.files;
  result["summary"] = r.summary;
  result["notices"] = r.notices;
  return result;
}

}  // namespace

void add_sweep(py::module_& m) {
  m.def("sweep", &sweep, py::arg("label"), py::arg("header"), py::arg("cells"), py::arg("columns"),
        py::arg("options"),
        "`mmm sweep` on a table given as text columns (header None: `label` is a CSV path).");
}

}  // namespace mmm::python
