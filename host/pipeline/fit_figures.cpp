#include "host/pipeline/fit_figures.hpp"

#include "host/channels/kind_fit.hpp"

namespace mmm {

FitFigures fit_figures(const FitReport& r) {
  FitFigures f;
  f.period = period_name(r.data.dates);
  const Eigen::Index T = r.model.y.size();
  double media = r.media_contribution.sum();
  if (r.kind_contribution.size() > 0) media += r.kind_contribution.sum();
  f.total_media = media;
  f.total_kpi = r.model.y.sum();
  if (T > 0) {
    f.mean_kpi = f.total_kpi / static_cast<double>(T);
    f.mean_baseline = (r.fitted.sum() - media) / static_cast<double>(T);
  }
  const int C = r.model.channels();
  const bool has_u = r.searched && r.search.best.size() >= static_cast<size_t>(3 * C);
  for (int c = 0; c < C; ++c) {
    const ChannelResult& ch = r.channels[static_cast<size_t>(c)];
    ChannelFigures g;
    g.name = ch.response.name;
    g.roi = ch.roi;
    g.roi_lower = ch.roi_lower;
    g.roi_upper = ch.roi_upper;
    g.theta = ch.response.hyper.theta;
    g.alpha = ch.response.hyper.alpha;
    g.gamma = ch.response.hyper.gamma;
    // The DE's own coordinates: u = ±5 is the box edge whatever the decoding.
    for (int k = 0; has_u && k < 3; ++k)
      g.search_u[static_cast<size_t>(k)] = r.search.best[static_cast<size_t>(3 * c + k)];
    // A logistic channel's α is not searched: its coordinate says nothing about the box.
    if (ch.response.hyper.saturation == SaturationShape::Logistic)
      g.search_u[1] = ChannelFigures::kNaN;
    const Eigen::VectorXd a = geometric_adstock(r.model.spend.col(c), g.theta);
    g.max_adstock = a.maxCoeff();
    double sum = 0.0;
    int nonzero = 0;
    for (Eigen::Index t = 0; t < a.size(); ++t) {
      if (a[t] > 0.0) {
        sum += a[t];
        ++nonzero;
      }
    }
    if (nonzero > 0) g.mean_nonzero_adstock = sum / nonzero;
    if (r.trials.size() > 1) {
      const Interval range = trial_roi_range(r, c);
      g.trial_roi_min = range.lo;
      g.trial_roi_max = range.hi;
    }
    f.channels.push_back(g);
  }
  if (!r.cv.skipped)
    for (const CvFold& fold : r.cv.folds) f.fold_r2.push_back(fold.metrics.r2);
  for (const ChannelAllocation& a : r.allocation.channels)
    f.allocation.push_back({a.name, a.current_spend, a.recommended_spend});
  f.change_limit = r.options.budget_change_limit;
  return f;
}

}  // namespace mmm
