#pragma once
// The plausibility checks of a segmented fit (host/diagnostics/plausibility): the all-segment
// figures a single fit would show (baseline, media share, each channel's ROI and interval,
// hyperparameters at the search box's edge), then the media share of every segment, since a
// pooled fit can look plausible in total while crediting one market's media with more than its
// whole KPI.

#include <vector>

#include "host/diagnostics/plausibility.hpp"
#include "host/segments/segment_pipeline.hpp"

namespace mmm {

/// Over all segments: mean weekly baseline (KPI − media, since every segment's residuals
/// average 0 with its own intercept), mean KPI, media and KPI totals, per channel the global
/// ROI and interval, θ, α, γ and the search coordinates (when the search ran).
FitFigures segment_fit_figures(const SegmentReport& r);

/// Every check on the all-segment figures, then one `segment_media_above_kpi` warning per
/// segment whose media contributions exceed its own KPI.
std::vector<Diagnostic> segment_plausibility_checks(const SegmentReport& r);

}  // namespace mmm
