#include "host/allocation/budget_allocator.hpp"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

#include "host/common/errors.hpp"
#include "host/curves/response_curves.hpp"
#include "host/features/transforms.hpp"

namespace mmm {
namespace {

constexpr int kBisectionSteps = 200;  // more than enough to exhaust double precision

double sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

double total_contribution(const std::vector<ChannelResponse>& ch, const std::vector<double>& s) {
  double t = 0.0;
  for (std::size_t c = 0; c < ch.size(); ++c) t += weekly_contribution(ch[c], s[c]);
  return t;
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Weekly spend at which the marginal ROI peaks: the Hill inflection γ((α−1)/(α+1))^{1/α} in
// adstock units for α > 1; for α ≤ 1 the marginal ROI only decreases.
double peak_marginal_spend(const ChannelResponse& r) {
  // Concave curves (log, logistic = tanh): the marginal ROI only decreases.
  if (r.shape == ResponseShape::Log || r.hyper.saturation == SaturationShape::Logistic) return 0.0;
  const double a = r.hyper.alpha;
  if (a <= 1.0) return 0.0;
  return r.hyper.gamma * std::pow((a - 1.0) / (a + 1.0), 1.0 / a) * (1.0 - r.hyper.theta);
}

// argmax over s ∈ [lo, hi] of contribution(s) − λ s. The marginal ROI rises up to the
// inflection and falls after it, so the only interior candidate is the falling-branch root.
double best_response(const ChannelResponse& r, double lo, double hi, double lambda) {
  const auto value = [&](double s) { return weekly_contribution(r, s) - lambda * s; };
  double candidate = hi;
  if (r.coef > 0.0) {
    double left = std::clamp(peak_marginal_spend(r), lo, hi);
    if (marginal_roi(r, left) < lambda) {
      candidate = left;
    } else if (marginal_roi(r, hi) < lambda) {
      double right = hi;
      for (int i = 0; i < kBisectionSteps && right - left > 0.0; ++i) {
        const double mid = 0.5 * (left + right);
        if (mid <= left || mid >= right) break;
        (marginal_roi(r, mid) >= lambda ? left : right) = mid;
      }
      candidate = left;
    }
  }
  const double ends = value(lo) >= value(hi) ? lo : hi;
  return value(candidate) > value(ends) ? candidate : ends;
}

struct SlsqpProblem {
  const std::vector<ChannelResponse>* channels;
  std::vector<std::size_t> free;  // channels whose bounds differ
  std::vector<double> lower, width;
  double objective_scale, constraint_scale, target;  // target = budget − Σ lower
};

double slsqp_objective(unsigned n, const double* z, double* grad, void* data) {
  const auto& p = *static_cast<const SlsqpProblem*>(data);
  double f = 0.0;
  for (unsigned i = 0; i < n; ++i) {
    const ChannelResponse& r = (*p.channels)[p.free[i]];
    const double s = p.lower[i] + z[i] * p.width[i];
    f += weekly_contribution(r, s);
    if (grad) grad[i] = marginal_roi(r, s) * p.width[i] / p.objective_scale;
  }
  return f / p.objective_scale;
}

double slsqp_budget(unsigned n, const double* z, double* grad, void* data) {
  const auto& p = *static_cast<const SlsqpProblem*>(data);
  double spent = 0.0;
  for (unsigned i = 0; i < n; ++i) {
    spent += z[i] * p.width[i];
    if (grad) grad[i] = p.width[i] / p.constraint_scale;
  }
  return (spent - p.target) / p.constraint_scale;
}

// Runs SLSQP from `start` over the free channels; returns false (and a reason) on failure.
bool run_slsqp(const std::vector<ChannelResponse>& channels, const std::vector<double>& lower,
               const std::vector<double>& upper, double budget, std::vector<double>& spend,
               std::string& note) {
  SlsqpProblem p;
  p.channels = &channels;
  double fixed = 0.0;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    if (upper[c] > lower[c]) {
      p.free.push_back(c);
      p.lower.push_back(lower[c]);
      p.width.push_back(upper[c] - lower[c]);
    } else {
      fixed += lower[c];
    }
  }
  if (p.free.empty()) {
    note = "every channel is fixed by its bounds";
    return true;
  }
  const double start_value = std::abs(total_contribution(channels, spend));
  p.objective_scale = start_value > 0.0 ? start_value : 1.0;
  p.constraint_scale = std::max(budget, sum(p.width));
  p.target = budget - fixed - sum(p.lower);

  const unsigned n = static_cast<unsigned>(p.free.size());
  std::unique_ptr<nlopt_opt_s, decltype(&nlopt_destroy)> opt(nlopt_create(NLOPT_LD_SLSQP, n),
                                                             &nlopt_destroy);
  std::vector<double> z(n);
  for (unsigned i = 0; i < n; ++i) {
    z[i] = std::clamp((spend[p.free[i]] - p.lower[i]) / p.width[i], 0.0, 1.0);
  }
  nlopt_set_lower_bounds1(opt.get(), 0.0);
  nlopt_set_upper_bounds1(opt.get(), 1.0);
  nlopt_set_max_objective(opt.get(), slsqp_objective, &p);
  nlopt_add_equality_constraint(opt.get(), slsqp_budget, &p, 1e-12);
  nlopt_set_ftol_rel(opt.get(), 1e-14);
  nlopt_set_xtol_rel(opt.get(), 1e-12);
  nlopt_set_maxeval(opt.get(), 20000);
  double best = 0.0;
  const nlopt_result rc = nlopt_optimize(opt.get(), z.data(), &best);
  const std::string code = nlopt_result_to_string(rc);
  const int evals = nlopt_get_numevals(opt.get());
  if (rc < 0 || !std::isfinite(best)) {
    note = "SLSQP failed (" + code + " after " + std::to_string(evals) + " evaluations)";
    return false;
  }
  for (unsigned i = 0; i < n; ++i) {
    spend[p.free[i]] = p.lower[i] + std::clamp(z[i], 0.0, 1.0) * p.width[i];
  }
  note = "SLSQP " + code + " after " + std::to_string(evals) + " evaluations";
  return true;
}

}  // namespace

std::vector<double> project_to_budget(const std::vector<double>& spend,
                                      const std::vector<double>& lower,
                                      const std::vector<double>& upper, double budget) {
  const std::size_t n = spend.size();
  const auto shifted = [&](double mu) {
    std::vector<double> s(n);
    for (std::size_t c = 0; c < n; ++c) s[c] = std::clamp(spend[c] + mu, lower[c], upper[c]);
    return s;
  };
  double lo = 0.0, hi = 0.0;  // Σ clamp(x + μ) is Σ lower at μ = lo and Σ upper at μ = hi
  for (std::size_t c = 0; c < n; ++c) {
    lo = std::min(lo, lower[c] - spend[c]);
    hi = std::max(hi, upper[c] - spend[c]);
  }
  for (int i = 0; i < kBisectionSteps; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (sum(shifted(mid)) < budget ? lo : hi) = mid;
  }
  std::vector<double> s = shifted(lo);
  // Bisection leaves a rounding-sized remainder; hand it to channels that still have room.
  double rest = budget - sum(s);
  for (std::size_t c = 0; c < n && rest != 0.0; ++c) {
    const double moved = std::clamp(rest, lower[c] - s[c], upper[c] - s[c]);
    s[c] += moved;
    rest -= moved;
  }
  return s;
}

std::vector<double> equalize_marginal_roi(const std::vector<ChannelResponse>& channels,
                                          const std::vector<double>& lower,
                                          const std::vector<double>& upper, double budget) {
  const std::size_t n = channels.size();
  const auto spends = [&](double lambda) {
    std::vector<double> s(n);
    for (std::size_t c = 0; c < n; ++c)
      s[c] = best_response(channels[c], lower[c], upper[c], lambda);
    return s;
  };
  // Above every attainable marginal ROI all channels sit at their lower bound, below every one
  // at their upper bound; each channel's spend only falls as λ rises.
  double lo = 0.0, hi = 0.0;
  for (std::size_t c = 0; c < n; ++c) {
    for (double s :
         {lower[c], upper[c], std::clamp(peak_marginal_spend(channels[c]), lower[c], upper[c])}) {
      const double m = marginal_roi(channels[c], s);
      lo = std::min(lo, m);
      hi = std::max(hi, m);
    }
  }
  lo -= 1.0 + std::abs(lo);
  hi += 1.0 + std::abs(hi);
  for (int i = 0; i < kBisectionSteps; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (sum(spends(mid)) > budget ? lo : hi) = mid;
  }
  return project_to_budget(spends(hi), lower, upper, budget);
}

void allocation_bounds(const std::vector<ChannelResponse>& channels,
                       const AllocationOptions& options, std::vector<double>& lower,
                       std::vector<double>& upper) {
  if (channels.empty()) throw InputError("budget allocation needs at least one channel");
  const double limit = options.change_limit;
  if (!(limit >= 0.0) || !std::isfinite(limit)) {
    throw InputError("invalid budget change limit `" + fmt(limit) +
                     "` (--budget-change-limit); expected a finite fraction ≥ 0, e.g. 0.3 for "
                     "±30%");
  }
  const std::size_t n = channels.size();
  const bool given = !options.lower.empty() || !options.upper.empty();
  if (given && (options.lower.size() != n || options.upper.size() != n)) {
    throw InputError("budget allocation: " + std::to_string(options.lower.size()) + " lower and " +
                     std::to_string(options.upper.size()) + " upper spend bounds for " +
                     std::to_string(n) + " channels; expected one of each per channel");
  }
  lower.assign(n, 0.0);
  upper.assign(n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    const double current = channels[c].mean_weekly_spend;
    if (!(current >= 0.0) || !std::isfinite(current)) {
      throw InputError("channel `" + channels[c].name + "` has current weekly spend `" +
                       fmt(current) + "`; expected a finite number ≥ 0");
    }
    if (given) {
      lower[c] = options.lower[c];
      upper[c] = options.upper[c];
      if (!(lower[c] >= 0.0) || !std::isfinite(upper[c]) || !(upper[c] >= lower[c])) {
        throw InputError("channel `" + channels[c].name + "`: weekly spend bounds [" +
                         fmt(lower[c]) + ", " + fmt(upper[c]) +
                         "]; expected finite bounds with 0 ≤ lower ≤ upper");
      }
    } else {
      lower[c] = std::max(0.0, current * (1.0 - limit));
      upper[c] = current * (1.0 + limit);
    }
  }
}

const char* binding_limit(const ChannelAllocation& a) {
  const double tol = 1e-9 * std::max(1.0, a.upper_bound);
  if (a.upper_bound - a.lower_bound <= tol) return "FIXED";
  if (a.recommended_spend <= a.lower_bound + tol) return "LOWER";
  if (a.recommended_spend >= a.upper_bound - tol) return "UPPER";
  return "";
}

std::vector<double> spend_at_marginal_roi(const std::vector<ChannelResponse>& channels,
                                          const std::vector<double>& lower,
                                          const std::vector<double>& upper, double lambda) {
  std::vector<double> s(channels.size());
  for (std::size_t c = 0; c < channels.size(); ++c)
    s[c] = best_response(channels[c], lower[c], upper[c], lambda);
  return s;
}

AllocationResult allocate_budget(const std::vector<ChannelResponse>& channels,
                                 const AllocationOptions& options) {
  const std::size_t n = channels.size();
  std::vector<double> lower, upper;
  allocation_bounds(channels, options, lower, upper);
  const double limit = options.change_limit;
  const bool given = !options.lower.empty();
  std::vector<double> current(n);
  for (std::size_t c = 0; c < n; ++c) current[c] = channels[c].mean_weekly_spend;
  const double budget = options.total_budget < 0.0 ? sum(current) : options.total_budget;
  const double floor = sum(lower), ceiling = sum(upper);
  const double slack = 1e-12 * std::max(1.0, ceiling);
  if (!std::isfinite(budget) || budget < floor - slack || budget > ceiling + slack) {
    throw InputError("weekly allocation budget " + fmt(budget) +
                     " is outside the feasible range [" + fmt(floor) + ", " + fmt(ceiling) + "] " +
                     (given ? std::string("allowed by the per-channel spend limits (--limits)")
                            : "allowed by the ±" + fmt(100.0 * limit) +
                                  "% per-channel change limit (--budget-change-limit)"));
  }

  const std::vector<double> start = project_to_budget(current, lower, upper, budget);
  const double start_value = total_contribution(channels, start);
  // The bisection is cheap and lands on (or next to) the optimum, so SLSQP, whose steps cost
  // O(C³), starts there and only has to polish and confirm the KKT point.
  const std::vector<double> reference = equalize_marginal_roi(channels, lower, upper, budget);
  const double reference_value = total_contribution(channels, reference);
  std::vector<double> slsqp = reference_value >= start_value ? reference : start;
  std::string note;
  const bool slsqp_ok = run_slsqp(channels, lower, upper, budget, slsqp, note);
  slsqp = project_to_budget(slsqp, lower, upper, budget);  // repair the equality to rounding
  const double slsqp_value =
      slsqp_ok ? total_contribution(channels, slsqp) : -std::numeric_limits<double>::infinity();

  AllocationResult out;
  std::vector<double> chosen = slsqp;
  out.converged = true;
  out.message = note;
  if (reference_value > slsqp_value + 1e-12 * std::abs(reference_value)) {
    chosen = reference;
    out.message = note + "; kept the marginal-ROI equalization point, SLSQP did not improve it";
  }
  const double chosen_value = total_contribution(channels, chosen);
  if (chosen_value < start_value - 1e-12 * std::abs(start_value)) {
    chosen = start;
    out.converged = false;
    out.message = note + "; no allocation better than the current one was found, kept it";
  } else if (chosen_value < start_value) {
    chosen = start;  // the start is already optimal up to rounding
  }

  out.budget = budget;
  for (std::size_t c = 0; c < n; ++c) {
    ChannelAllocation a;
    a.name = channels[c].name;
    a.current_spend = current[c];
    a.recommended_spend = chosen[c];
    a.change = chosen[c] - current[c];
    a.change_percent = current[c] > 0.0 ? 100.0 * a.change / current[c] : 0.0;
    a.marginal_roi_current = marginal_roi(channels[c], current[c]);
    a.marginal_roi_recommended = marginal_roi(channels[c], chosen[c]);
    a.contribution_current = weekly_contribution(channels[c], current[c]);
    a.contribution_recommended = weekly_contribution(channels[c], chosen[c]);
    a.lower_bound = lower[c];
    a.upper_bound = upper[c];
    out.contribution_current += a.contribution_current;
    out.contribution_recommended += a.contribution_recommended;
    out.channels.push_back(a);
  }
  out.lift = out.contribution_recommended - out.contribution_current;
  out.lift_percent =
      out.contribution_current != 0.0 ? 100.0 * out.lift / std::abs(out.contribution_current) : 0.0;
  return out;
}

}  // namespace mmm
