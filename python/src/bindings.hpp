#pragma once
// The pieces of the `_engine` extension module (python/src/module.cpp registers them).

#include <pybind11/pybind11.h>

namespace mmm::python {

/// fit(label, header, columns, options) and fit_output_files(); fit_binding.cpp.
void add_fit(pybind11::module_& m);
/// sweep(label, header, columns, options); sweep_binding.cpp.
void add_sweep(pybind11::module_& m);
/// optimize(model_text, source, options), predict(model_text, source, label, header, columns,
/// ci); scenario_binding.cpp.
void add_scenarios(pybind11::module_& m);
/// simulate(options, csv_path); simulate_binding.cpp.
void add_simulate(pybind11::module_& m);

}  // namespace mmm::python
