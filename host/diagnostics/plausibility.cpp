#include "host/diagnostics/plausibility.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mmm {
namespace {

/// Money-sized figures as whole numbers (−9998807, not −9.99881e+06); small ones with four
/// significant digits.
std::string num(double v) {
  char buf[64];
  if (std::isfinite(v) && std::abs(v) >= 1e4 && std::abs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string percent(double fraction) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * fraction);
  return buf;
}

}  // namespace

std::vector<Diagnostic> check_baseline(const FitFigures& f) {
  if (!(f.mean_baseline < 0.0)) return {};
  return {{"negative_baseline",
           "mean baseline " + num(f.mean_baseline) + " per " + f.period + " is below 0 (mean KPI " +
               num(f.mean_kpi) +
               "): intercept and controls take away revenue that the media contributions put "
               "back, so the media figures are not credible",
           "",
           {{"mean_baseline", f.mean_baseline}, {"mean_kpi", f.mean_kpi}}}};
}

std::vector<Diagnostic> check_media_share(const FitFigures& f) {
  if (!(f.total_media > f.total_kpi) || !(f.total_kpi != 0.0)) return {};
  const double share = f.total_media / f.total_kpi;
  return {{"media_above_kpi",
           "media contributions are " + percent(share) +
               " of the KPI (more than all of it): the model credits media with revenue the "
               "baseline takes away",
           "",
           {{"total_media", f.total_media}, {"total_kpi", f.total_kpi}, {"media_share", share}}}};
}

std::vector<Diagnostic> check_box_edges(const FitFigures& f) {
  static const char* const kNames[3] = {"theta", "alpha", "gamma"};
  std::vector<Diagnostic> out;
  for (const ChannelFigures& c : f.channels) {
    const double values[3] = {c.theta, c.alpha, c.gamma};
    // One warning per channel, naming each parameter at an edge: a channel whose θ and γ are
    // both pinned is one problem, not two.
    Diagnostic d{"hyperparameter_at_bound", "", c.name, {}};
    std::string list;
    for (int k = 0; k < 3; ++k) {
      const double u = c.search_u[static_cast<size_t>(k)];
      if (!(std::abs(u) >= 5.0 - kEdgeDistance)) continue;  // NaN (no search) passes
      list += std::string(list.empty() ? "" : ", ") + kNames[k] + " " + num(values[k]) + " (" +
              (u > 0 ? "upper" : "lower") + ")";
      d.figures.push_back({kNames[k], values[k]});
      d.figures.push_back({std::string(kNames[k]) + "_coordinate", u});
    }
    if (list.empty()) continue;
    d.message = "`" + c.name + "`: " + list +
                " at the edge of the search box: the box, not the data, sets " +
                (d.figures.size() > 2 ? "them" : "it");
    out.push_back(d);
  }
  return out;
}

std::vector<Diagnostic> check_intervals(const FitFigures& f) {
  std::vector<Diagnostic> out;
  for (const ChannelFigures& c : f.channels) {
    if (!std::isfinite(c.roi_lower) || !std::isfinite(c.roi_upper) || !std::isfinite(c.roi))
      continue;
    const std::vector<std::pair<std::string, double>> figures = {
        {"roi", c.roi}, {"roi_lower", c.roi_lower}, {"roi_upper", c.roi_upper}};
    const double width = c.roi_upper - c.roi_lower;
    if (std::abs(c.roi) > kNegligibleRoi && width > kWideIntervalRatio * std::abs(c.roi)) {
      out.push_back({"wide_interval",
                     "ROI of `" + c.name + "` is " + num(c.roi) + " but its interval [" +
                         num(c.roi_lower) + ", " + num(c.roi_upper) + "] is " +
                         num(width / std::abs(c.roi)) +
                         " times as wide: the data barely pin it "
                         "down",
                     c.name, figures});
    }
    // Relative slack: the point fit and the percentile can differ by rounding only.
    const double slack = 1e-9 * std::max(1.0, std::abs(c.roi));
    if (c.roi < c.roi_lower - slack || c.roi > c.roi_upper + slack) {
      out.push_back({"estimate_outside_interval",
                     "ROI of `" + c.name + "` (" + num(c.roi) +
                         ") lies outside its own interval [" + num(c.roi_lower) + ", " +
                         num(c.roi_upper) + "]: the resampled fits disagree with the full-data fit",
                     c.name, figures});
    }
  }
  return out;
}

std::vector<Diagnostic> check_allocation_limit(const FitFigures& f) {
  int allocated = 0, limited = 0;
  for (const AllocatedFigures& a : f.allocation) {
    if (!(a.current > 0.0)) continue;  // a channel without spend cannot move
    ++allocated;
    // At the limit up to the allocator's rounding.
    if (std::abs(a.recommended - a.current) >= (1.0 - 1e-6) * f.change_limit * a.current) ++limited;
  }
  if (allocated == 0 || !(limited > kLimitedShare * allocated) || !(f.change_limit > 0.0))
    return {};
  return {{"allocation_at_limit",
           std::to_string(limited) + " of " + std::to_string(allocated) + " channels are at the ±" +
               percent(f.change_limit) +
               " change limit: the limit, not the model, decides this plan",
           "",
           {{"channels_at_limit", limited},
            {"channels_allocated", allocated},
            {"change_limit", f.change_limit}}}};
}

std::vector<Diagnostic> check_cv_folds(const FitFigures& f) {
  int negative = 0;
  double worst = 0.0;
  for (double r2 : f.fold_r2) {
    if (!(r2 < 0.0)) continue;
    ++negative;
    worst = std::min(worst, r2);
  }
  if (negative == 0) return {};
  const int folds = static_cast<int>(f.fold_r2.size());
  return {{"negative_cv_r2",
           std::to_string(negative) + " of " + std::to_string(folds) +
               " CV folds have out-of-sample R² below 0 (worst " + num(worst) +
               "): there the model predicts worse than the test " + f.period + "s' own mean",
           "",
           {{"folds_negative", negative}, {"folds", folds}, {"worst_r2", worst}}}};
}

std::vector<Diagnostic> check_gamma_range(const FitFigures& f) {
  std::vector<Diagnostic> out;
  for (const ChannelFigures& c : f.channels) {
    const std::vector<std::pair<std::string, double>> figures = {
        {"gamma", c.gamma},
        {"max_adstock", c.max_adstock},
        {"mean_nonzero_adstock", c.mean_nonzero_adstock}};
    if (c.gamma > kGammaAboveMax * c.max_adstock) {
      out.push_back({"gamma_above_spend",
                     "gamma of `" + c.name + "` (" + num(c.gamma) + ") is more than " +
                         num(kGammaAboveMax) + " × its largest adstocked spend (" +
                         num(c.max_adstock) +
                         "): the curve never bends within the data, its saturation is a guess",
                     c.name, figures});
    } else if (c.gamma < kGammaBelowMean * c.mean_nonzero_adstock) {
      out.push_back({"gamma_below_spend",
                     "gamma of `" + c.name + "` (" + num(c.gamma) + ") is below " +
                         percent(kGammaBelowMean) + " of its mean nonzero adstocked spend (" +
                         num(c.mean_nonzero_adstock) +
                         "): the curve is saturated at any spend, an on/off indicator",
                     c.name, figures});
    }
  }
  return out;
}

std::vector<Diagnostic> check_trial_spread(const FitFigures& f) {
  std::vector<Diagnostic> out;
  for (const ChannelFigures& c : f.channels) {
    const double range = c.trial_roi_max - c.trial_roi_min;
    if (!(range > kTrialSpreadRatio * std::fabs(c.roi)) || !(range > kNegligibleRoi)) continue;
    out.push_back(
        {"trials_disagree",
         "`" + c.name + "`: ROI " + num(c.roi) + ", but the trials' best models give " +
             num(c.trial_roi_min) + " to " + num(c.trial_roi_max) +
             ": the search, not the data, decides this ROI",
         c.name,
         {{"roi", c.roi}, {"trial_roi_min", c.trial_roi_min}, {"trial_roi_max", c.trial_roi_max}}});
  }
  return out;
}

std::vector<Diagnostic> plausibility_checks(const FitFigures& f) {
  std::vector<Diagnostic> out;
  for (auto check :
       {check_baseline, check_media_share, check_box_edges, check_intervals, check_allocation_limit,
        check_cv_folds, check_gamma_range, check_trial_spread}) {
    std::vector<Diagnostic> found = check(f);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace mmm
