#pragma once
// The `mmm` subcommands. Each registers its flags on the CLI11 app and returns the function
// that runs it (called after parsing; returns the process exit code).

#include <CLI/CLI.hpp>
#include <functional>

namespace mmm::cli {

using Runner = std::function<int()>;

Runner add_fit_command(CLI::App& app);
Runner add_simulate_command(CLI::App& app);
Runner add_info_command(CLI::App& app);
Runner add_sweep_command(CLI::App& app);
Runner add_compare_command(CLI::App& app);
Runner add_predict_command(CLI::App& app);
Runner add_optimize_command(CLI::App& app);
Runner add_report_command(CLI::App& app);
Runner add_runs_command(CLI::App& app);

/// Splits "a,b,c" into names (empty pieces dropped, spaces trimmed). A name with a comma is
/// quoted as in CSV: `"north, east",south` is the names `north, east` and `south`, and `""`
/// is a quote inside a quoted name;
/// InputError for a quote that is not closed.
std::vector<std::string> split_list(const std::string& text);

}  // namespace mmm::cli
