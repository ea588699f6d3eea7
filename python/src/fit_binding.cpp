// mmm.fit: `mmm fit` on a DataFrame (or a CSV path) through the same library calls as
// cli/fit_command.cpp — options resolved and checked by fit_options, run_fit or
// run_segment_fit, the tables by write_fit_outputs / write_segment_outputs.

#include <pybind11/stl.h>

#include <cmath>

#include "host/common/errors.hpp"
#include "host/data/channel_long.hpp"
#include "host/data/missing_controls.hpp"
#include "host/features/saturation.hpp"
#include "host/io/output_files.hpp"
#include "host/outputs/fit_outputs.hpp"
#include "host/outputs/segment_outputs.hpp"
#include "host/pipeline/fit_config.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/segments/segment_pipeline.hpp"
#include "python/src/bindings.hpp"
#include "python/src/interruptible.hpp"
#include "python/src/output_set.hpp"
#include "python/src/python_options.hpp"
#include "python/src/table_input.hpp"

namespace py = pybind11;

namespace mmm::python {
namespace {

using Strings = std::vector<std::string>;

/// The options beside the columns, named as the CLI's flags without `--` and with `_` for
/// `-` (docs/python.md); `ridge_lambda` given explicitly wins over a hyperparameters file's.
const OptionSetters<FitOptions>& fit_setters() {
  static const OptionSetters<FitOptions> setters = {
      {"evaluations", store(&FitOptions::budget)},
      {"trials", store(&FitOptions::trials)},
      {"objective", store(&FitOptions::objective)},
      {"select", store(&FitOptions::select)},
      {"population", store(&FitOptions::population)},
      {"bootstrap", store(&FitOptions::bootstrap)},
      {"nested_evaluations",
       [](FitOptions& o, py::handle v) {
         o.nested_budget = py::cast<long>(v);
         if (o.nested_budget < 0) {
           throw InputError("invalid nested_evaluations " + std::to_string(o.nested_budget) +
                            ": expected ≥ 0 evaluations per resample (0: plain bootstrap)");
         }
       }},
      {"point_estimate", store(&FitOptions::point_estimate)},
      {"block_length", store(&FitOptions::block_length)},
      {"ci", store(&FitOptions::ci)},
      {"ridge_lambda",
       [](FitOptions& o, py::handle v) {
         // A number, or "auto": chosen by rolling CV (as --ridge-lambda auto).
         if (py::isinstance<py::str>(v)) {
           set_ridge_lambda(o, py::cast<std::string>(v));
           return;
         }
         o.ridge_lambda = py::cast<double>(v);
         o.ridge_lambda_explicit = true;
         o.lambda_grid.clear();
       }},
      {"lambda_grid",
       [](FitOptions& o, py::handle v) { o.lambda_grid = py::cast<std::vector<double>>(v); }},
      {"date_format",
       [](FitOptions& o, py::handle v) { o.columns.date_format = py::cast<std::string>(v); }},
      {"missing_controls",
       [](FitOptions& o, py::handle v) {
         o.columns.missing_controls =
             parse_missing_controls(py::cast<std::string>(v), "missing_controls");
       }},
      {"format",
       [](FitOptions& o, py::handle v) {
         o.columns.channel_long =
             parse_input_format(py::cast<std::string>(v), "format") == InputFormat::Long;
       }},
      {"min_spend",
       [](FitOptions& o, py::handle v) { o.columns.long_options.min_spend = py::cast<double>(v); }},
      {"geo_level",
       [](FitOptions& o, py::handle v) {
         o.columns.long_options.geo_level = py::cast<std::string>(v);
       }},
      {"product_level",
       [](FitOptions& o, py::handle v) {
         o.columns.long_options.product_level = py::cast<std::string>(v);
       }},
      {"long_revenue",
       [](FitOptions& o, py::handle v) {
         o.columns.long_options.revenue =
             parse_long_revenue(py::cast<std::string>(v), "long_revenue");
       }},
      {"saturation",
       [](FitOptions& o, py::handle v) {
         // "hill" | "logistic" for every media channel, or {channel: shape} per channel (the
         // config's [channels.NAME] saturation).
         if (py::isinstance<py::dict>(v)) {
           for (const auto& [name, shape] : py::cast<py::dict>(v)) {
             const std::string channel = py::cast<std::string>(name);
             o.channel_saturation[channel] = saturation_from_name(
                 py::cast<std::string>(shape), "saturation of channel `" + channel + "`");
           }
           return;
         }
         o.saturation = py::cast<std::string>(v);
       }},
      {"segment_gamma", store(&FitOptions::segment_gamma)},
      {"cv_train", [](FitOptions& o, py::handle v) { o.cv.train = py::cast<int>(v); }},
      {"cv_test", [](FitOptions& o, py::handle v) { o.cv.test = py::cast<int>(v); }},
      {"cv_step", [](FitOptions& o, py::handle v) { o.cv.step = py::cast<int>(v); }},
      {"budget_change_limit", store(&FitOptions::budget_change_limit)},
      {"hyperparameters", store(&FitOptions::hyperparameters_path)},
      {"init_from", store(&FitOptions::init_from_path)},
      {"seed",
       [](FitOptions& o, py::handle v) {
         if (py::cast<long long>(v) < 0) throw InputError("invalid seed: expected ≥ 0");
         o.seed = py::cast<std::uint64_t>(v);
       }},
      {"device", store(&FitOptions::device)},
      {"threads", store(&FitOptions::threads)},
      {"conservative", store(&FitOptions::conservative)},
      {"deseasonalize", store(&FitOptions::deseasonalize)},
      {"revenue_per_kpi", store(&FitOptions::revenue_per_kpi)},
      {"reference", store(&FitOptions::reference)},
      {"quiet", store(&FitOptions::quiet)},
      {"segments", [](FitOptions& o, py::handle v) { o.columns.segments = names_of(v); }},
      {"pooling", store(&FitOptions::pooling)},
      {"lambda_global",
       [](FitOptions& o, py::handle v) {
         o.lambda_global = py::cast<double>(v);
         if (!(o.lambda_global > 0)) throw InputError("invalid lambda_global: expected > 0");
       }},
      {"lambda_segment",
       [](FitOptions& o, py::handle v) {
         o.lambda_segment = py::cast<double>(v);
         if (!(o.lambda_segment > 0)) throw InputError("invalid lambda_segment: expected > 0");
       }},
      {"global_channels", [](FitOptions& o, py::handle v) { o.global_channels = names_of(v); }},
      {"per_segment_hyperparameters", store(&FitOptions::per_segment_hyperparameters)},
      {"segment_budget", store(&FitOptions::segment_budget)},
      {"segment_shrinkage", store(&FitOptions::segment_shrinkage)},
      {"segment_filter",
       [](FitOptions& o, py::handle v) {
         o.segment_filter = py::cast<std::vector<std::pair<std::string, std::string>>>(v);
       }},
  };
  return setters;
}

/// The CLI's order: the config file, then the options over it, then the defaults resolved and
/// the mode checked; the options that only segmented fits take need `segments`.
FitOptions fit_options(const std::string& label, const py::dict& columns, const py::dict& options) {
  FitOptions o;
  if (options.contains("config")) {
    apply_config_file(py::cast<std::string>(options["config"]), o);
  }
  py::dict rest;
  for (const auto& [key, value] : options) {
    if (py::cast<std::string>(key) != "config") rest[key] = value;
  }
  apply_options(fit_setters(), rest, o, "mmm.fit");
  apply_columns(columns, o);
  if (o.columns.segments.empty()) {
    for (const char* name :
         {"pooling", "lambda_global", "lambda_segment", "segment_filter", "global_channels",
          "segment_budget", "segment_shrinkage", "per_segment_hyperparameters", "segment_gamma"}) {
      if (rest.contains(name)) throw InputError(std::string(name) + " needs segments");
    }
  }
  o.data_path = label;
  o = resolved_fit_options(o);
  check_fit_mode(o);
  return o;
}

py::dict fit(const std::string& label, const std::optional<Strings>& header,
             const std::vector<Strings>& cells, const py::dict& columns, const py::dict& options) {
  FitOptions o = fit_options(label, columns, options);
  if (header) o.data_table = table_from_columns(label, *header, cells);
  const bool segmented = !o.columns.segments.empty();
  struct Outcome {
    OutputSet files;
    std::string summary;
    Strings notices;
  };
  Outcome r = run_interruptible([&o, segmented](const std::atomic<bool>*) {
    Outcome out;
    if (segmented) {
      const SegmentReport report = run_segment_fit(o);
      out.files = capture_outputs([&](OutputDir& dir) { write_segment_outputs(report, dir); });
      out.summary = segment_summary_json(report, "").dump();
      out.notices = report.notices;
    } else {
      const FitReport report = run_fit(o);
      out.files = capture_outputs([&](OutputDir& dir) { write_fit_outputs(report, dir); });
      out.summary = fit_summary_json(report, "").dump();
      out.notices = report.notices;
    }
    return out;
  });
  py::dict result;
  result["files"] = r.files;
  result["summary"] = r.summary;
  result["notices"] = r.notices;
  result["segmented"] = segmented;
  return result;
}

}  // namespace

void add_fit(py::module_& m) {
  m.def("fit", &fit, py::arg("label"), py::arg("header"), py::arg("cells"), py::arg("columns"),
        py::arg("options"),
        "`mmm fit` on a table given as text columns (header None: `label` is a CSV path). "
        "Returns files (name, text), the --json summary, notices and whether it was segmented.");
  m.def("fit_output_files", &fit_output_files, "Every file name `mmm fit` may write.");
  m.def(
      "save_outputs",
      [](const std::string& path, const OutputSet& files, const std::string& command) {
        save_outputs(path, files, command == "sweep" ? sweep_output_files() : fit_output_files());
      },
      py::arg("path"), py::arg("files"), py::arg("command"),
      "Writes an output set into folder `path` atomically, as the CLI's --out.");
}

}  // namespace mmm::python
