#pragma once
// Every file the program reads (data, config, hyperparameters, --init-from, model) must be a
// regular file: a FIFO with no writer would block the run forever and /dev/zero would be read
// without end. The check is a stat(), so nothing is opened (and nothing can block) first.

#include <string>

namespace mmm {

/// InputError (exit 2) when `path` exists but is not a regular file (after following
/// symbolic links), naming `what` (e.g. "data file"), the path and the kind of file it is.
/// A path that does not exist passes: the caller's open reports it in its own words.
void require_regular_file(const std::string& path, const std::string& what);

}  // namespace mmm
