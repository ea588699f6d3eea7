#pragma once
// The TOML config (host/io/config_file.hpp) applied onto `mmm fit`'s options: the reader
// checks the file and knows nothing of FitOptions; this is where its keys meet the options.

#include <string>

#include "host/io/config_file.hpp"
#include "host/pipeline/fit_options.hpp"

namespace mmm {

/// Sets every option the config sets, leaving the others as they are (flags applied after it
/// win). model.ridge_lambda fixes λ (and wins over a hyperparameters file's) or, as "auto",
/// chooses it by CV over the default grid, replacing model.lambda_grid.
void apply_config(const ConfigFile& config, FitOptions& options);

/// read_config_file(path) applied onto `options`. InputError (exit 2) names the file, the line
/// and the key for anything malformed.
void apply_config_file(const std::string& path, FitOptions& options);

}  // namespace mmm
