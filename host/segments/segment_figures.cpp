#include "host/segments/segment_figures.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace mmm {
namespace {

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * share);
  return buf;
}

}  // namespace

FitFigures segment_fit_figures(const SegmentReport& r) {
  FitFigures f;
  if (r.data.count() > 0) f.period = period_name(r.data.segments[0].dates);
  double kpi = 0.0, media = 0.0;
  long rows = 0;
  for (int s = 0; s < r.data.count(); ++s) {
    kpi += r.data.segments[s].kpi.sum();
    rows += static_cast<long>(r.data.segments[s].kpi.size());
    for (const SegmentChannel& ch : r.channels[s]) media += ch.contribution;
  }
  if (rows > 0) {
    f.mean_kpi = kpi / static_cast<double>(rows);
    f.mean_baseline = (kpi - media) / static_cast<double>(rows);
  }
  f.total_kpi = kpi;
  f.total_media = media;
  const bool has_u = r.searched && r.search.best.size() == 3 * r.global.size();
  for (size_t c = 0; c < r.global.size(); ++c) {
    ChannelFigures g;
    g.name = r.data.segments[0].channels[c];
    g.roi = r.global[c].roi;
    g.roi_lower = r.global[c].roi_lower;
    g.roi_upper = r.global[c].roi_upper;
    g.theta = r.hyperparameters.channels[c].theta;
    g.alpha = r.hyperparameters.channels[c].alpha;
    g.gamma = r.hyperparameters.channels[c].gamma;
    for (size_t k = 0; has_u && k < 3; ++k) g.search_u[k] = r.search.best[3 * c + k];
    f.channels.push_back(g);
  }
  f.change_limit = r.options.budget_change_limit;
  return f;
}

std::vector<Diagnostic> segment_plausibility_checks(const SegmentReport& r) {
  std::vector<Diagnostic> out = plausibility_checks(segment_fit_figures(r));
  for (int s = 0; s < r.data.count(); ++s) {
    const double kpi = r.data.segments[s].kpi.sum();
    double media = 0.0;
    for (const SegmentChannel& ch : r.channels[s]) media += ch.contribution;
    if (!(kpi > 0.0) || !(media > kpi)) continue;
    out.push_back({"segment_media_above_kpi",
                   "segment `" + r.data.names[s] + "`: media contributions are " +
                       percent(media / kpi) +
                       " of its KPI (more than all of it): its baseline is negative",
                   "",
                   {{"segment_media", media}, {"segment_kpi", kpi}}});
  }
  return out;
}

}  // namespace mmm
