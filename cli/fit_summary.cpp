#include "cli/fit_summary.hpp"

#include <cmath>
#include <cstdio>

namespace mmm::cli {

void print_run_messages(bool quiet, const std::vector<std::string>& early,
                        const std::vector<std::string>& notices,
                        const std::vector<Diagnostic>& diagnostics) {
  if (!quiet) {
    for (const auto& n : early) std::fprintf(stderr, "notice: %s\n", n.c_str());
    for (const auto& n : notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
  }
  for (const auto& d : diagnostics) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
}

void print_summary(const FitReport& r, const std::string& out_dir) {
  std::printf("data: %s — %d %s rows (%s … %s), %d channels, %d controls\n", r.data.source.c_str(),
              r.model.rows(), cadence_name(r.data.dates).c_str(),
              r.data.dates.front().to_string().c_str(), r.data.dates.back().to_string().c_str(),
              r.model.channels(), r.model.control_count());
  if (r.searched && r.trials.size() > 1) {
    std::printf(
        "search: %zu trials × %ld evaluations in %.3f s on %s; trial %d chosen (%s), "
        "best loss %.6g\n",
        r.trials.size(), r.options.budget, r.seconds_search, r.backend.c_str(), r.chosen_trial + 1,
        std::isfinite(r.trials[r.chosen_trial].cv_mape) ? "lowest CV MAPE" : "lowest loss",
        r.search.best_loss);
  } else if (r.searched) {
    std::printf("search: %ld evaluations in %.3f s on %s, best loss %.6g\n", r.search.evaluations,
                r.seconds_search, r.backend.c_str(), r.search.best_loss);
  } else {
    std::printf("hyperparameters: fixed from %s (no search)\n",
                r.options.hyperparameters_path.c_str());
  }
  if (r.lambda_selection.best >= 0) {
    std::string scores;
    for (const LambdaScore& s : r.lambda_selection.scores) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%g: %.4g", scores.empty() ? "" : ", ", s.lambda, s.cv_loss);
      scores += buf;
    }
    std::printf("λ: %g, chosen by rolling-CV out-of-sample loss (%s)\n",
                r.lambda_selection.lambda(), scores.c_str());
  }
  if (r.saturation_selection.best >= 0) {
    std::string scores;
    for (const SaturationScore& s : r.saturation_selection.scores) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%s: %.4g", scores.empty() ? "" : ", ",
                    saturation_name(s.shape), s.cv_loss);
      scores += buf;
    }
    std::printf("saturation: %s, chosen by rolling-CV out-of-sample loss (%s)\n",
                saturation_name(r.saturation_selection.shape()), scores.c_str());
  }
  if (r.bagged) {
    std::printf(
        "transforms: each channel's median over the %d nested bootstrap searches (bagged; "
        "--point-estimate search keeps the search's own)\n",
        r.bootstrap.resamples - r.bootstrap.failed);
  }
  std::printf("fit: loss %.6g, R² %.4f", r.fit.loss[0], r.fit.r2[0]);
  if (!r.cv.skipped) {
    std::printf(", CV MAPE %.2f%% ± %.2f%% over %zu folds", 100 * r.cv.mean.mape,
                100 * r.cv.stdev.mape, r.cv.folds.size());
  }
  std::printf("\n");
  const int level = static_cast<int>(std::lround(100 * r.options.ci));
  std::printf("%-16s %9s %23s %9s %7s %6s %12s %12s\n", "channel", "ROI",
              (std::to_string(level) + "% CI").c_str(), "mROI", "theta", "alpha", "gamma",
              "recommended");
  for (size_t c = 0; c < r.channels.size(); ++c) {
    const ChannelResult& ch = r.channels[c];
    char ci[64] = "(no bootstrap)";
    if (r.bootstrapped)
      std::snprintf(ci, sizeof ci, "[%.3f, %.3f]%s", ch.roi_lower, ch.roi_upper,
                    ch.significant ? " *" : "");
    // A logistic channel has no α ("-"); the line after the table names those channels.
    char alpha[32] = "     -";
    if (ch.response.hyper.saturation != SaturationShape::Logistic)
      std::snprintf(alpha, sizeof alpha, "%6.3f", ch.response.hyper.alpha);
    std::printf("%-16s %9.3f %23s %9.3f %7.3f %6s %12.6g %12.6g\n", ch.response.name.c_str(),
                ch.roi, ci, ch.marginal_roi, ch.response.hyper.theta, alpha,
                ch.response.hyper.gamma, r.allocation.channels[c].recommended_spend);
  }
  std::string logistic;
  size_t logistic_count = 0;
  for (const ChannelResult& ch : r.channels) {
    if (ch.response.hyper.saturation != SaturationShape::Logistic) continue;
    logistic += (logistic.empty() ? "" : ", ") + ch.response.name;
    ++logistic_count;
  }
  if (logistic_count == r.channels.size() && logistic_count > 0) {
    std::printf("saturation: logistic for every channel (gamma = half-saturation, no alpha)\n");
  } else if (!logistic.empty()) {
    std::printf("saturation: logistic (gamma = half-saturation, no alpha) for %s\n",
                logistic.c_str());
  }
  if (r.trials.size() > 1) {
    // The stability figure: each channel's ROI from every trial's best model.
    std::string line;
    for (size_t c = 0; c < r.channels.size(); ++c) {
      const Interval range = trial_roi_range(r, static_cast<int>(c));
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s%s %.3g–%.3g", line.empty() ? "" : ", ",
                    r.channels[c].response.name.c_str(), range.lo, range.hi);
      line += buf;
    }
    std::printf("ROI over %zu trials: %s\n", r.trials.size(), line.c_str());
  }
  std::string kind_files;
  size_t allocated = r.channels.size();  // flow channels follow the media ones in the allocation
  for (size_t k = 0; k < r.kinds.channels.size(); ++k) {
    const KindChannelFit& f = r.kinds.channels[k];
    if (f.kind == ChannelKind::Flow) {
      const double rec = r.allocation.channels[allocated++].recommended_spend;
      std::printf("flow  %-10s a %.6g, b %.6g, lambda %.3f, recommended %.6g\n", f.name.c_str(),
                  f.a, f.b, f.lambda, rec);
      if (kind_files.find("flow") == std::string::npos) kind_files += ", flow_curves.csv";
    } else {
      std::printf("stock %-10s a %.6g, b %.6g, mu %.6g, sigma %.6g (units are not allocated)\n",
                  f.name.c_str(), f.a, f.b, f.mu, std::sqrt(f.sigma2));
      if (kind_files.find("stock") == std::string::npos) kind_files += ", stock_curves.csv";
    }
  }
  if (!r.kind_inputs.empty()) {
    std::printf(
        "flow/stock fit: residual sd %.6g, in-sample band coverage ±1σ %.1f%%, ±2σ "
        "%.1f%%, ±3σ %.1f%%\n",
        std::sqrt(r.kinds.sigma_eps2), 100 * r.kinds.coverage[0], 100 * r.kinds.coverage[1],
        100 * r.kinds.coverage[2]);
  }
  std::printf("allocation%s: %s budget %.6g, predicted lift %+.6g (%+.2f%%)\n",
              r.options.conservative ? " (conservative: lower bands)" : "",
              cadence_name(r.data.dates).c_str(), r.allocation.budget, r.allocation.lift,
              r.allocation.lift_percent);
  std::printf(
      "wrote %s (model_results.csv, response_curves.csv, budget_allocation.csv, cv_folds.csv, "
      "decomposition.csv, search_trace.csv%s, model.json) in %.2f s\n",
      out_dir.c_str(), kind_files.c_str(), r.seconds_total);
}

void print_segment_summary(const SegmentReport& r, const std::string& out_dir) {
  const int S = r.problem.count(), C = r.problem.channels();
  std::printf("data: %s — %d segments (%s), %ld rows, %d channels, %d controls\n",
              r.data.source.c_str(), S, r.data.names.front().c_str(), r.problem.total_rows(), C,
              r.problem.parameters() - C);
  if (r.searched) {
    std::printf("search: %ld evaluations in %.3f s on %s, best loss %.6g\n", r.search.evaluations,
                r.seconds_search, r.backend.c_str(), r.search.best_loss);
  } else {
    std::printf("hyperparameters: fixed from %s (no search)\n",
                r.options.hyperparameters_path.c_str());
  }
  std::printf(
      "fit: pooling %s (lambda %.6g, global %.6g, segment %.6g), loss %.6g, pooled R² %.4f\n",
      pooling_name(r.problem.pooling), r.problem.penalties.lambda,
      r.problem.penalties.lambda_global, r.problem.penalties.lambda_segment, r.fit.loss,
      r.fit.r2_pooled);
  if (r.options.per_segment_hyperparameters) {
    std::printf(
        "per-segment hyperparameters: %ld evaluations in %.3f s, loss %.6g with shared ones → "
        "%.6g (%s)\n",
        r.segment_search_evaluations, r.seconds_segment_search, r.shared_loss, r.fit.loss,
        r.hyper_stride != 0 ? "kept" : "not lower: shared ones kept");
  } else if (r.hyper_stride != 0 && !r.options.hyperparameters_path.empty()) {
    std::printf("per-segment hyperparameters: fixed from %s\n",
                r.options.hyperparameters_path.c_str());
  } else if (r.options.segment_gamma == "scaled") {
    std::printf(
        "γ per segment: the shared γ (the largest market's, below) × each segment's "
        "largest weekly spend / the largest of all (--segment-gamma scaled)\n");
  }
  if (r.cv.skipped) {
    std::printf("cv: skipped (no segment has --cv-train + --cv-test = %d rows)\n",
                r.options.cv.train + r.options.cv.test);
  } else if (r.cv.scored_folds() == 0) {
    std::printf("cv: every fold had a singular fit; no CV figures\n");
  } else {
    std::printf(
        "cv: MAPE %.2f%% ± %.2f%% over %d folds (pooled over segments; per segment in "
        "cv_folds.csv)\n",
        100 * r.cv.mape(), 100 * r.cv.mape_stdev(), r.cv.scored_folds());
  }
  if (!r.problem.penalties.global_columns.empty()) {
    std::string list;
    for (int c : r.problem.penalties.global_columns)
      list += (list.empty() ? "" : ", ") + r.data.segments[0].channels[c];
    std::printf("global channels (one coefficient in every segment): %s\n", list.c_str());
  }
  const int level = static_cast<int>(std::lround(100 * r.options.ci));
  // With per-segment hyperparameters the columns show the shared ones (what a new segment uses).
  std::printf("%-22s %9s %23s %9s %7s %7s %6s %12s\n", "channel (all segments)", "ROI",
              (std::to_string(level) + "% CI").c_str(), "mROI", "pooling", "theta", "alpha",
              "gamma");
  for (int c = 0; c < C; ++c) {
    const ChannelHyper& h = r.hyperparameters.channels[c];
    const SegmentChannel& g = r.global[c];
    char ci[64] = "(no bootstrap)";
    if (r.bootstrapped)
      std::snprintf(ci, sizeof ci, "[%.3f, %.3f]%s", g.roi_lower, g.roi_upper,
                    g.significant ? " *" : "");
    std::printf("%-22s %9.3f %23s %9.3f %7.3f %7.3f %6.3f %12.6g\n",
                r.data.segments[0].channels[c].c_str(), g.roi, ci, g.marginal_roi,
                r.pooling_factor[c], h.theta, h.alpha, h.gamma);
  }
  std::printf(
      "wrote %s (model_results.csv, segment_performance.csv, response_curves.csv, "
      "budget_allocation.csv, cv_folds.csv, decomposition.csv, search_trace.csv, model.json) "
      "in %.2f s\n",
      out_dir.c_str(), r.seconds_total);
}

}  // namespace mmm::cli
