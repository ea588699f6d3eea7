#pragma once
// A run's output files held in memory, for the Python result objects (docs/python.md): the
// exact text the CLI writes into its --out folder, made by the same writers
// (write_fit_outputs, write_segment_outputs, write_sweep_outputs). The writers write into an
// OutputDir; here it stages them in a private temporary folder that is never committed, so
// nothing is left behind, and the text is read back before the folder is removed.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "host/io/output_dir.hpp"

namespace mmm::python {

/// File name → its text, in the order the writer wrote them.
using OutputSet = std::vector<std::pair<std::string, std::string>>;

/// Calls `write` on a staging OutputDir and returns what it wrote.
OutputSet capture_outputs(const std::function<void(OutputDir&)>& write);

/// Writes `files` into folder `path` as one set, the way the CLI's run does (atomically;
/// `replaces`: the command's own names, removed when this set lacks them).
void save_outputs(const std::string& path, const OutputSet& files,
                  const std::vector<std::string>& replaces);

}  // namespace mmm::python
