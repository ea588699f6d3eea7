// The `mmm._engine` extension module: the engine's library calls for mmm/__init__.py
// (docs/python.md). Errors: the engine's InputError (the CLI's exit 2) is mmm.InputError, a
// ValueError, with the CLI's message; anything else is a RuntimeError with its message.

#include <pybind11/pybind11.h>

#include "host/common/cancellation.hpp"
#include "host/common/errors.hpp"
#include "python/src/bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_engine, m) {
  m.doc() = "mmm's engine (C++), wrapped for the mmm package";
  m.attr("version") = MMM_VERSION;
  py::register_exception<mmm::InputError>(m, "InputError", PyExc_ValueError);
  // A stop that reached Python without its KeyboardInterrupt (not expected): say what it is.
  py::register_exception<mmm::Cancelled>(m, "Cancelled", PyExc_KeyboardInterrupt);
  mmm::python::add_fit(m);
  mmm::python::add_sweep(m);
  mmm::python::add_scenarios(m);
  mmm::python::add_simulate(m);
}
