#include "host/scenarios/budget_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "host/allocation/conservative_allocation.hpp"
#include "host/common/errors.hpp"

namespace mmm {
namespace {

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

[[noreturn]] void bad_limit(const std::string& entry, const std::string& why) {
  throw InputError("--limits: entry `" + entry + "`: " + why +
                   "; expected CHANNEL=LOW:HIGH (fractions of current spend, e.g. tv=0.5:2) or "
                   "CHANNEL=abs:LOW:HIGH (spend per period, e.g. tv=abs:1000:5000)");
}

double limit_number(const std::string& entry, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
    bad_limit(entry, "`" + text + "` is not a number");
  }
  if (v < 0.0) bad_limit(entry, "`" + text + "` is negative");
  return v;
}

}  // namespace

std::vector<SpendLimit> parse_spend_limits(const std::string& text) {
  std::vector<SpendLimit> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string entry =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) bad_limit(entry, "no `CHANNEL=`");
    SpendLimit l;
    l.channel = entry.substr(0, eq);
    std::string range = entry.substr(eq + 1);
    if (range.rfind("abs:", 0) == 0) {
      l.absolute = true;
      range = range.substr(4);
    }
    const size_t colon = range.find(':');
    if (colon == std::string::npos) bad_limit(entry, "no `LOW:HIGH`");
    l.lower = limit_number(entry, range.substr(0, colon));
    l.upper = limit_number(entry, range.substr(colon + 1));
    if (l.lower > l.upper) bad_limit(entry, "the low end is above the high end");
    for (const SpendLimit& o : out)
      if (o.channel == l.channel) bad_limit(entry, "channel `" + l.channel + "` is limited twice");
    out.push_back(l);
  }
  return out;
}

std::vector<ChannelResponse> current_spend_in_window(const SavedModel& model, const Date& start,
                                                     const Date& end, int* weeks) {
  std::vector<ChannelResponse> out = model.responses;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(model.spend.cols());
  int n = 0;
  for (size_t t = 0; t < model.dates.size(); ++t) {
    const auto d = model.dates[t].days_since_epoch();
    if (d < start.days_since_epoch() || d > end.days_since_epoch()) continue;
    sum += model.spend.row(static_cast<Eigen::Index>(t)).transpose();
    ++n;
  }
  if (n == 0) {
    throw InputError("--window " + start.to_string() + ":" + end.to_string() + ": no fitted " +
                     period_name(model.dates) + " lies in it; the model's dates are " +
                     model.dates.front().to_string() + " … " + model.dates.back().to_string());
  }
  for (size_t c = 0; c < out.size(); ++c)
    out[c].mean_weekly_spend = sum[static_cast<Eigen::Index>(c)] / n;
  if (weeks) *weeks = n;
  return out;
}

AllocationOptions options_with_limits(const std::vector<ChannelResponse>& channels,
                                      const std::vector<SpendLimit>& limits, double change_limit) {
  AllocationOptions o;
  o.change_limit = change_limit;
  if (limits.empty()) return o;
  // The default bounds for every channel, then the limits on top.
  allocation_bounds(channels, o, o.lower, o.upper);
  for (const SpendLimit& l : limits) {
    size_t c = 0;
    while (c < channels.size() && channels[c].name != l.channel) ++c;
    if (c == channels.size()) {
      std::string names;
      for (const auto& ch : channels) names += (names.empty() ? "" : ", ") + ch.name;
      throw InputError("--limits: channel `" + l.channel +
                       "` is not in the model; its channels: " + names);
    }
    const double current = channels[c].mean_weekly_spend;
    o.lower[c] = l.absolute ? l.lower : current * l.lower;
    o.upper[c] = l.absolute ? l.upper : current * l.upper;
  }
  return o;
}

AllocationResult allocate_plan(const std::vector<ChannelResponse>& channels,
                               const AllocationOptions& options, bool conservative) {
  return conservative ? allocate_conservative(channels, options)
                      : allocate_budget(channels, options);
}

double plan_roi(const AllocationResult& plan) {
  double spend = 0.0;
  for (const ChannelAllocation& a : plan.channels) spend += a.recommended_spend;
  return spend > 0.0 ? plan.contribution_recommended / spend : 0.0;
}

FlexiblePlan allocate_for_target_mroi(const std::vector<ChannelResponse>& channels,
                                      const AllocationOptions& options, bool conservative,
                                      double target) {
  if (!std::isfinite(target) || target < 0.0) {
    throw InputError("--target-mroi " + fmt(target) + ": expected a finite marginal ROI ≥ 0");
  }
  std::vector<double> lower, upper;
  allocation_bounds(channels, options, lower, upper);
  std::vector<ChannelResponse> curves = channels;
  if (conservative)
    for (ChannelResponse& r : curves) r = conservative_response(r);
  const std::vector<double> spend = spend_at_marginal_roi(curves, lower, upper, target);
  FlexiblePlan out;
  AllocationOptions o = options;
  o.total_budget = 0.0;
  for (double s : spend) o.total_budget += s;
  out.plan = allocate_plan(channels, o, conservative);
  for (size_t c = 0; c < spend.size(); ++c) {
    const double tol = 1e-9 * std::max(1.0, upper[c]);
    if (spend[c] > lower[c] + tol && spend[c] < upper[c] - tol) out.reached = true;
  }
  out.note = out.reached ? "budget " + fmt(out.plan.budget) + " spends until the marginal ROI is " +
                               fmt(target)
                         : "every channel's marginal ROI stays " +
                               std::string(spend == upper ? "above " : "off ") + fmt(target) +
                               " within its limits: the limits, not the target, set the budget " +
                               fmt(out.plan.budget);
  return out;
}

FlexiblePlan allocate_for_target_roi(const std::vector<ChannelResponse>& channels,
                                     const AllocationOptions& options, bool conservative,
                                     double target) {
  if (!std::isfinite(target) || target < 0.0) {
    throw InputError("--target-roi " + fmt(target) + ": expected a finite ROI ≥ 0");
  }
  std::vector<double> lower, upper;
  allocation_bounds(channels, options, lower, upper);
  double lo = 0.0, hi = 0.0;
  for (size_t c = 0; c < lower.size(); ++c) {
    lo += lower[c];
    hi += upper[c];
  }
  const auto plan_at = [&](double budget) {
    AllocationOptions o = options;
    o.total_budget = budget;
    return allocate_plan(channels, o, conservative);
  };
  // A plan of no spend has no ROI; the smallest budget stands for it (its ROI is the first
  // unit's).
  lo = std::max(lo, 1e-9 * hi);
  FlexiblePlan out;
  AllocationResult high = plan_at(hi);
  if (plan_roi(high) >= target) {
    out.plan = high;
    out.note = "the largest budget the limits allow (" + fmt(hi) + ") still returns ROI " +
               fmt(plan_roi(high)) + " ≥ the target " + fmt(target) +
               ": the limits, not the target, set the budget";
    return out;
  }
  // The plan's ROI need not fall as the budget grows: S-shaped curves (Hill α > 1) return
  // little on the first units, so it rises to a peak first. A geometric grid from the top
  // finds the largest budget still meeting the target; bisection then refines between it and
  // the grid point above.
  constexpr int kGrid = 48;
  AllocationResult low, best;
  double best_roi = -std::numeric_limits<double>::infinity();
  double above = hi;
  bool feasible = false;
  for (int i = kGrid - 2; i >= 0 && !feasible; --i) {
    const double budget =
        hi > lo ? lo * std::pow(hi / lo, static_cast<double>(i) / (kGrid - 1)) : lo;
    AllocationResult p = plan_at(budget);
    const double roi = plan_roi(p);
    if (roi >= target) {
      low = std::move(p);
      lo = budget;
      feasible = true;
    } else {
      if (roi > best_roi) {
        best_roi = roi;
        best = std::move(p);
      }
      above = budget;
    }
  }
  if (!feasible) {
    out.plan = best;
    out.note = "no budget the limits allow (" + fmt(lo) + " to " + fmt(hi) +
               ") returns ROI ≥ the target " + fmt(target) + "; the highest, " + fmt(best_roi) +
               ", comes at budget " + fmt(best.budget);
    return out;
  }
  hi = above;
  // plan_roi(lo) ≥ target > plan_roi(hi): keep the bracket's feasible end.
  for (int i = 0; i < 60 && hi - lo > 1e-10 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    AllocationResult p = plan_at(mid);
    if (plan_roi(p) >= target) {
      lo = mid;
      low = std::move(p);
    } else {
      hi = mid;
    }
  }
  out.plan = low;
  out.reached = true;
  out.note = "budget " + fmt(out.plan.budget) + " spends until the plan's ROI is " + fmt(target) +
             " (plan ROI " + fmt(plan_roi(out.plan)) + ")";
  return out;
}

std::string binding_summary(const AllocationResult& plan) {
  std::string out;
  for (const ChannelAllocation& a : plan.channels) {
    const std::string b = binding_limit(a);
    if (b.empty()) continue;
    out += (out.empty() ? "" : ", ") + a.name +
           (b == "FIXED" ? " fixed by its bounds"
                         : " at its " + std::string(b == "LOWER" ? "lower" : "upper") + " bound") +
           " (" + fmt(a.recommended_spend) + ")";
  }
  return out.empty() ? "no limit binds" : "limits bind: " + out;
}

}  // namespace mmm
