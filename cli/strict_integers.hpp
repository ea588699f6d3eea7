#pragma once
// CLI11 reads integer flags with strtoull/strtoll in base 0, so `--budget 0x10` is 16,
// `--cv-train 010` is 8 and `--seed 18446744073709551616` silently becomes 2^64 − 1. Every
// integer option gets a check that its text is a plain decimal number that fits in 64 bits
// (the option's own type then range-checks the value as before).

#include <CLI/CLI.hpp>

namespace mmm::cli {

/// Adds the decimal-integer check to every INT/UINT option of `app` and its subcommands.
void require_decimal_integers(CLI::App& app);

}  // namespace mmm::cli
