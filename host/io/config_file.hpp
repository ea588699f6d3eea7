#pragma once
// The TOML config of `mmm fit` (SPEC §11): what flags would be too many for, e.g. per-channel
// search bounds. Flags given on the command line override it. Layout (every key optional):
//
//   [data]       path, date_col, kpi_col, channels = [..], controls = [..], date_format,
//                missing_controls, format ("wide" | "long"), min_spend, geo_level,
//                product_level, long_revenue (channel-long data: docs/input.md)
//   [model]      ridge_lambda, deseasonalize
//   [search]     budget, population, seed
//   [bootstrap]  resamples, ci
//   [cv]         train, test, step
//   [allocation] budget_change_limit, conservative
//   [run]        out, device, threads
//   [channels.<name>]  theta = [lo, hi], alpha = [lo, hi], gamma = [lo, hi] (fractions of the
//                      channel's max weekly spend); kind = "media" | "flow" | "stock" (SPEC §9);
//                      mu = touches per unit per period (stock only, default 1)
//
// Unknown sections or keys are errors, so a typo never silently does nothing.

#include <string>

#include "host/pipeline/fit_options.hpp"

namespace mmm {

/// Applies the config file at `path` onto `options`. InputError (exit 2) names the file, the
/// line and the key for anything malformed.
void apply_config_file(const std::string& path, FitOptions& options);

}  // namespace mmm
