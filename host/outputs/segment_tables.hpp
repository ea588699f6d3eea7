#pragma once
// The single model's analysis tables for a segmented fit (SPEC §7, §8, §6, §10), each with the
// single model's columns after a leading SEGMENT column: GLOBAL rows first, then one block per
// segment that passes --segment-filter (GLOBAL rows are always written and cover all segments).
//
//   response_curves.csv   per channel, 100 weekly spends from 0 to 3 × the largest weekly
//                         spend (the segment's own; GLOBAL: over all segments), contribution,
//                         bootstrap band from the coefficient percentiles (without a
//                         bootstrap the band is the curve, as for the single model), marginal
//                         ROI and zone. Segments use their θ, α, γ and coefficients; GLOBAL the
//                         shared θ, α, γ and β_g / σ (a typical segment's response).
//   budget_allocation.csv each segment's own allocation (its weekly budget fixed) per channel
//                         and a TOTAL row; GLOBAL sums the segments' spends, contributions and
//                         lifts per channel (marginal ROI is per segment: empty on GLOBAL).
//   cv_folds.csv          each segment's folds on its own rows, MEAN, STD and IN_SAMPLE;
//                         GLOBAL: every fold scored over all its segments' test rows
//                         (segment_cv.hpp), dates spanning the earliest start to the latest
//                         end among them.
//   decomposition.csv     per segment and period: ACTUAL, PREDICTED, BASELINE (intercept +
//                         controls) and one contribution column per channel, baseline +
//                         contributions = predicted; GLOBAL: the sum over all segments of each
//                         date (the whole market).

#include <ostream>
#include <string>

#include "host/io/output_dir.hpp"
#include "host/segments/segment_pipeline.hpp"

namespace mmm {

/// Each table streamed to `os` (the text is never held whole).
void write_segment_response_curves(const SegmentReport& report, std::ostream& os);
void write_segment_budget_allocation(const SegmentReport& report, std::ostream& os);
void write_segment_cv_folds(const SegmentReport& report, std::ostream& os);
void write_segment_decomposition(const SegmentReport& report, std::ostream& os);

/// response_curves.csv of a segmented fit, as text.
std::string segment_response_curves(const SegmentReport& report);
/// budget_allocation.csv of a segmented fit.
std::string segment_budget_allocation(const SegmentReport& report);
/// cv_folds.csv of a segmented fit.
std::string segment_cv_folds(const SegmentReport& report);
/// decomposition.csv of a segmented fit.
std::string segment_decomposition(const SegmentReport& report);

/// Adds the four tables to `out`.
void write_segment_tables(const SegmentReport& report, OutputDir& out);

}  // namespace mmm
