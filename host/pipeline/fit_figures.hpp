#pragma once
// Gathers from a finished single-model fit the plain numbers the plausibility checks look at
// (host/diagnostics/plausibility), so the checks never see a FitReport.

#include "host/diagnostics/plausibility.hpp"
#include "host/pipeline/fit_pipeline.hpp"

namespace mmm {

/// Baseline and KPI means, media and KPI totals (media includes flow/stock channels, as the
/// decomposition's BASELINE excludes them), per media channel its ROI and interval, θ, α, γ,
/// search coordinates (only when the search ran) and adstocked spend range, the CV folds'
/// test R², and the allocation's current and recommended spends with the change limit.
FitFigures fit_figures(const FitReport& r);

}  // namespace mmm
