#pragma once
// Keyword options of the Python functions → the engine's option structs: a table of setters
// per function, so an unknown name or a value of the wrong type is a TypeError naming the
// option (as Python reports a bad keyword argument), and a value out of range is the engine's
// own InputError from the same checks the CLI's flags go through.

#include <pybind11/pybind11.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mmm::python {

template <typename Options>
using OptionSetters = std::map<std::string, std::function<void(Options&, pybind11::handle)>>;

/// Applies every (name, value) of `kwargs` through `setters`; `function` names the Python
/// function in the TypeError for an unknown name or a value that does not convert.
template <typename Options>
void apply_options(const OptionSetters<Options>& setters, const pybind11::dict& kwargs,
                   Options& options, const std::string& function) {
  for (const auto& [key, value] : kwargs) {
    const std::string name = pybind11::cast<std::string>(key);
    const auto it = setters.find(name);
    if (it == setters.end()) {
      std::string known;
      for (const auto& [n, setter] : setters) known += (known.empty() ? "" : ", ") + n;
      throw pybind11::type_error(function + "() got an unexpected option `" + name +
                                 "`; options: " + known);
    }
    try {
      it->second(options, value);
    } catch (const pybind11::cast_error&) {
      throw pybind11::type_error(function + "(): option `" + name + "` has the wrong type (" +
                                 std::string(pybind11::str(pybind11::type::of(value))) + ")");
    }
  }
}

/// A setter storing the value, converted to the member's type.
template <typename Options, typename T>
std::function<void(Options&, pybind11::handle)> store(T Options::*member) {
  return [member](Options& o, pybind11::handle v) { o.*member = pybind11::cast<T>(v); };
}

/// A list of names, or one name (`segments="region"`).
inline std::vector<std::string> names_of(pybind11::handle v) {
  if (pybind11::isinstance<pybind11::str>(v)) return {pybind11::cast<std::string>(v)};
  return pybind11::cast<std::vector<std::string>>(v);
}

/// The column arguments every table-reading function takes (`date`, `kpi`, `channels`,
/// `controls`; None leaves the loader to find them) onto `options.columns`.
template <typename Options>
void apply_columns(const pybind11::dict& columns, Options& options) {
  auto& c = options.columns;
  if (!columns["date"].is_none()) c.date_column = pybind11::cast<std::string>(columns["date"]);
  if (!columns["kpi"].is_none()) c.kpi_column = pybind11::cast<std::string>(columns["kpi"]);
  if (!columns["channels"].is_none()) c.channels = names_of(columns["channels"]);
  if (!columns["controls"].is_none()) c.controls = names_of(columns["controls"]);
}

}  // namespace mmm::python
