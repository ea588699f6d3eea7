// mmm.simulate: `mmm simulate` (host/simulate) writing its CSV and truth JSON through the
// same writers as cli/simulate_command.cpp; mmm/__init__.py reads them back into a DataFrame.

#include <pybind11/stl.h>

#include "host/common/errors.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "host/simulate/simulator.hpp"
#include "python/src/bindings.hpp"
#include "python/src/python_options.hpp"

namespace py = pybind11;

namespace mmm::python {
namespace {

struct SimulateRequest {
  SimulationOptions o;
  int segments = 0;
  double spread = 0.3, hyper_spread = 0.0;
};

void simulate_to(const py::dict& options, const std::string& csv_path) {
  static const OptionSetters<SimulateRequest> setters = {
      {"weeks", [](SimulateRequest& r, py::handle v) { r.o.weeks = py::cast<int>(v); }},
      {"channels", [](SimulateRequest& r, py::handle v) { r.o.channels = py::cast<int>(v); }},
      {"controls", [](SimulateRequest& r, py::handle v) { r.o.controls = py::cast<int>(v); }},
      {"flow_channels",
       [](SimulateRequest& r, py::handle v) { r.o.flow_channels = py::cast<int>(v); }},
      {"stock_channels",
       [](SimulateRequest& r, py::handle v) { r.o.stock_channels = py::cast<int>(v); }},
      {"noise", [](SimulateRequest& r, py::handle v) { r.o.noise = py::cast<double>(v); }},
      {"seed", [](SimulateRequest& r, py::handle v) { r.o.seed = py::cast<std::uint64_t>(v); }},
      {"segments", store(&SimulateRequest::segments)},
      {"segment_spread", store(&SimulateRequest::spread)},
      {"segment_hyper_spread", store(&SimulateRequest::hyper_spread)},
  };
  SimulateRequest r;
  apply_options(setters, options, r, "mmm.simulate");
  if (r.segments > 0) {
    write_segment_simulation(simulate_segments(r.o, r.segments, r.spread, r.hyper_spread),
                             csv_path);
    return;
  }
  if (r.segments < 0) {
    throw InputError("invalid --segments " + std::to_string(r.segments) + ": expected ≥ 0");
  }
  if (r.hyper_spread != 0.0) throw InputError("--segment-hyper-spread needs --segments");
  write_simulation(simulate(r.o), csv_path);
}

}  // namespace

void add_simulate(py::module_& m) {
  m.def("simulate_to", &simulate_to, py::arg("options"), py::arg("csv_path"),
        "`mmm simulate --out csv_path`: the CSV and its .truth.json.");
  m.def("truth_path_for", &truth_path_for, py::arg("csv_path"));
}

}  // namespace mmm::python
