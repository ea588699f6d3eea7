#pragma once
// The flags of how a data file is read, shared by `mmm fit` and `mmm sweep`: --date-format,
// --missing-controls and channel-long data (--format long with --min-spend, --geo-level,
// --product-level, --long-revenue). Given flags override the config's [data] keys.

#include <CLI/CLI.hpp>
#include <string>

#include "host/data/wide_csv_loader.hpp"

namespace mmm::cli {

struct InputFlags {
  std::string date_format, missing_controls, format, geo_level, product_level, long_revenue;
  double min_spend = kDefaultMinSpend;
  CLI::Option *date_format_opt = nullptr, *missing_controls_opt = nullptr, *format_opt = nullptr,
              *min_spend_opt = nullptr, *geo_level_opt = nullptr, *product_level_opt = nullptr,
              *long_revenue_opt = nullptr;
};

/// Registers the flags on `app`, storing into `flags` (which must outlive the parse).
void add_input_flags(CLI::App& app, InputFlags& flags);

/// Applies the given flags onto `columns` (config values stay where a flag is not given), then
/// checks the result: a --date-format that compiles, channel-long settings only with
/// --format long. InputError naming the flag otherwise.
void apply_input_flags(const InputFlags& flags, ColumnSelection& columns);

}  // namespace mmm::cli
