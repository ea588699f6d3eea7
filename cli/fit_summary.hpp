#pragma once
// What `mmm fit` prints when a run has succeeded: its notices and warnings on stderr, and the
// human-readable summary (data, search, fit, the channel table, the plan) on stdout.

#include <string>
#include <vector>

#include "host/diagnostics/plausibility.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/segments/segment_pipeline.hpp"

namespace mmm::cli {

/// The run's notices (`early` first, e.g. old flag names; none with --quiet) and its
/// plausibility warnings, which are about the result, not progress: printed even with --quiet.
void print_run_messages(bool quiet, const std::vector<std::string>& early,
                        const std::vector<std::string>& notices,
                        const std::vector<Diagnostic>& diagnostics);

/// The summary of a single-market fit.
void print_summary(const FitReport& r, const std::string& out_dir);

/// The summary of a segmented fit.
void print_segment_summary(const SegmentReport& r, const std::string& out_dir);

}  // namespace mmm::cli
