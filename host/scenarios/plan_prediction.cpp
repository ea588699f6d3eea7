#include "host/scenarios/plan_prediction.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/bootstrap/bootstrap.hpp"
#include "host/channels/kind_fit.hpp"
#include "host/common/errors.hpp"
#include "host/features/controls.hpp"
#include "host/model/model_data.hpp"

namespace mmm {

double normal_mixture_quantile(const std::vector<double>& centres, double sigma, double q) {
  if (centres.empty()) return std::nan("");
  if (!(sigma > 0.0)) return percentile(centres, q);
  const auto cdf = [&](double x) {
    double s = 0.0;
    for (double c : centres) s += 0.5 * std::erfc(-(x - c) / (sigma * M_SQRT2));
    return s / static_cast<double>(centres.size());
  };
  double lo = *std::min_element(centres.begin(), centres.end()) - 40.0 * sigma;
  double hi = *std::max_element(centres.begin(), centres.end()) + 40.0 * sigma;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (cdf(mid) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<std::string> plan_channels(const SavedModel& m) {
  std::vector<std::string> names = m.media;
  for (const SavedKindChannel& k : m.kind_channels) names.push_back(k.name);
  return names;
}

namespace {

/// The kind channels' design columns over the carried fitted weeks and the plan: a flow
/// channel's spend adstocked by its λ from the first fitted week on (so the carry-over is the
/// fit's own), a stock channel's units as they are (no carry-over; the fitted rows stay 0).
Eigen::MatrixXd kind_features(const SavedModel& m, const SpendPlan& plan, Eigen::Index K) {
  const Eigen::Index N = plan.spend.rows();
  const Eigen::Index C = static_cast<Eigen::Index>(m.media.size());
  Eigen::MatrixXd f =
      Eigen::MatrixXd::Zero(K + N, static_cast<Eigen::Index>(m.kind_channels.size()));
  for (size_t k = 0; k < m.kind_channels.size(); ++k) {
    const SavedKindChannel& kc = m.kind_channels[k];
    const Eigen::Index j = static_cast<Eigen::Index>(k);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(K + N);
    x.tail(N) = plan.spend.col(C + j);
    if (kc.kind == ChannelKind::Flow) {
      x.head(K) = m.spend.col(kc.history).head(K);
      f.col(j) = (kc.b * geometric_adstock(x, kc.lambda).array()).log1p().matrix();
    } else {
      f.col(j) = (kc.b * kc.mu * x.array()).log1p().matrix();
    }
  }
  return f;
}

}  // namespace

PlanPrediction predict_plan(const SavedModel& m, const SpendPlan& plan, double ci) {
  if (!(ci > 0.0 && ci < 1.0)) {
    throw InputError("--ci " + std::to_string(ci) + ": expected a level in (0, 1), e.g. 0.9");
  }
  const Eigen::Index C = static_cast<Eigen::Index>(m.media.size());
  const Eigen::Index KK = static_cast<Eigen::Index>(m.kind_channels.size());
  if (plan.spend.cols() != C + KK) {
    throw std::logic_error("predict_plan: the plan's channels are not plan_channels(model)");
  }
  const Eigen::Index N = static_cast<Eigen::Index>(plan.dates.size());
  // The grid below needs fitted dates one step apart (an edited model.json may break that).
  for (size_t t = 1; t < m.dates.size(); ++t) {
    const std::int64_t d = m.dates[t].days_since_epoch() - m.dates[t - 1].days_since_epoch();
    if (d <= 0 || d != m.dates[1].days_since_epoch() - m.dates[0].days_since_epoch()) {
      throw InputError(m.source +
                       ": the fitted dates (`history.dates`) must increase by one "
                       "regular step; `" +
                       m.dates[t].to_string() + "` breaks it");
    }
  }
  if (m.dates.empty() || N == 0) {
    throw InputError(m.source + ": no fitted dates (`history.dates`) or no plan rows");
  }
  const std::int64_t first = m.dates.front().days_since_epoch();
  const std::string period = period_name(m.dates);  // the model's cadence, for messages
  const std::int64_t step =
      m.dates.size() > 1 ? m.dates[1].days_since_epoch() - first : 7;  // the model's grid
  const std::int64_t start = plan.dates.front().days_since_epoch();
  const std::int64_t after_last = m.dates.back().days_since_epoch() + step;
  const auto off_grid = [&](std::int64_t d) { return ((d - first) % step + step) % step != 0; };
  if (off_grid(start) || (N > 1 && plan.dates[1].days_since_epoch() - start != step)) {
    throw InputError(plan.source + ": plan " + period + "s start " +
                     plan.dates.front().to_string() + " every " +
                     std::to_string(N > 1 ? plan.dates[1].days_since_epoch() - start : step) +
                     " days; expected the model's grid: every " + std::to_string(step) +
                     " days from " + m.dates.front().to_string());
  }
  if (start < first || start > after_last) {
    throw InputError(plan.source + ": the plan starts " + plan.dates.front().to_string() +
                     "; expected a " + period + " no earlier than the first fitted " + period +
                     " " + m.dates.front().to_string() + " and no later than " +
                     Date::from_days_since_epoch(after_last).to_string() + " (the " + period +
                     " after the last fitted one: the adstock of unplanned " + period +
                     "s in between is unknown)");
  }
  PlanPrediction p;
  p.dates = plan.dates;
  p.channels = plan_channels(m);
  p.ci = ci;
  p.residual_sd = m.residual_sd;
  p.spend = plan.spend;
  p.carried_weeks = static_cast<int>((start - first) / step);
  const Eigen::Index K = static_cast<Eigen::Index>(p.carried_weeks);

  // The fitted weeks before the plan, then the plan: one series, so the adstock carries over.
  ModelData data;
  data.spend.resize(K + N, C);
  data.spend.topRows(K) = m.spend.topLeftCorner(K, C);
  data.spend.bottomRows(N) = plan.spend.leftCols(C);
  // Controls: the default set from the dates (TREND counted from the first fitted week, as in
  // the fit), then the user controls. The history rows' controls do not reach the plan rows
  // (controls carry nothing over), so they are left at 0.
  std::vector<Date> dates = {m.dates.front()};
  dates.insert(dates.end(), plan.dates.begin(), plan.dates.end());
  const ControlMatrix defaults = default_controls(dates);
  const Eigen::Index K0 = defaults.values.cols();
  const Eigen::Index KU = static_cast<Eigen::Index>(m.user_controls.size());
  if (static_cast<size_t>(C + K0 + KU + KK) != m.coef.size()) {
    throw InputError(m.source + ": " + std::to_string(m.coef.size()) + " coefficients; expected " +
                     std::to_string(C + K0 + KU + KK) +
                     " (channels, default controls, controls, flow and stock channels)");
  }
  for (Eigen::Index k = 0; k < KK; ++k) {
    if (m.kind_channels[static_cast<size_t>(k)].column != static_cast<size_t>(C + K0 + KU + k)) {
      throw InputError(m.source + ": `kind_channels." +
                       m.kind_channels[static_cast<size_t>(k)].name +
                       "` is not where a fit puts it in `columns` (after the controls)");
    }
  }
  // The flow and stock features are columns of the ridge after the controls (as in the fit).
  data.controls = Eigen::MatrixXd::Zero(K + N, K0 + KU + KK);
  data.controls.rightCols(KK) = kind_features(m, plan, K);
  data.controls.bottomRows(N).leftCols(K0) = defaults.values.bottomRows(N);
  for (Eigen::Index k = 0; k < KU; ++k) {
    const size_t ks = static_cast<size_t>(k);
    if (plan.control_given[ks]) {
      data.controls.bottomRows(N).col(K0 + k) = plan.controls.col(k);
    } else {
      data.controls.bottomRows(N).col(K0 + k).setConstant(m.user_control_means[ks]);
      p.notices.push_back("control `" + m.user_controls[ks] +
                          "` is not in the plan: held at its fitted mean " +
                          std::to_string(m.user_control_means[ks]));
    }
  }
  data.y = Eigen::VectorXd::Zero(K + N);

  const std::vector<double> hyper = media_hyper3c(m);
  data.saturation = media_saturation(m);
  const Eigen::VectorXd kpi = predict_kpi(data, hyper.data(), m.coef.data(), m.intercept);
  const Eigen::MatrixXd h = transform_media(data.spend, hyper.data(), data.saturation);
  p.kpi = kpi.tail(N);
  // Per plan channel: its design column (media: the saturation of the adstock; flow and stock: the
  // log feature) and where its coefficient sits.
  const auto column_of = [&](Eigen::Index c) { return c < C ? c : C + K0 + KU + (c - C); };
  Eigen::MatrixXd features(N, C + KK);
  features.leftCols(C) = h.bottomRows(N);
  features.rightCols(KK) = data.controls.bottomRows(N).rightCols(KK);
  p.contribution.resize(N, C + KK);
  for (Eigen::Index c = 0; c < C + KK; ++c)
    p.contribution.col(c) = m.coef[static_cast<size_t>(column_of(c))] * features.col(c);
  p.baseline = p.kpi - p.contribution.rowwise().sum();

  // The bootstrap draws: every coefficient and the intercept of a resample together (they
  // covary: a resample that credits media more credits the baseline less), with its own θ, α,
  // γ for the nested bootstrap.
  const Eigen::Index B = m.draw_coef.rows();
  p.draws = static_cast<int>(B);
  std::vector<Eigen::MatrixXd> draw_contrib;  // per draw: N × C
  std::vector<Eigen::VectorXd> draw_kpi;      // per draw: N
  for (Eigen::Index b = 0; b < B; ++b) {
    std::vector<double> hb = hyper;
    if (m.draw_hyper.rows() == B)
      for (Eigen::Index k = 0; k < 3 * C; ++k) hb[static_cast<size_t>(k)] = m.draw_hyper(b, k);
    const Eigen::MatrixXd hdraw = transform_media(data.spend, hb.data(), data.saturation);
    Eigen::MatrixXd contrib(N, C + KK);
    for (Eigen::Index c = 0; c < C; ++c) contrib.col(c) = m.draw_coef(b, c) * hdraw.col(c).tail(N);
    for (Eigen::Index c = C; c < C + KK; ++c)
      contrib.col(c) = m.draw_coef(b, column_of(c)) * features.col(c);
    const Eigen::VectorXd controls = data.controls.bottomRows(N).leftCols(K0 + KU) *
                                     m.draw_coef.row(b).segment(C, K0 + KU).transpose();
    draw_kpi.push_back(contrib.rowwise().sum() + controls +
                       Eigen::VectorXd::Constant(N, m.draw_intercept[b]));
    draw_contrib.push_back(std::move(contrib));
  }
  const double qlo = 0.5 * (1.0 - ci), qhi = 0.5 * (1.0 + ci);
  p.coef_lower = p.coef_upper = p.pred_lower = p.pred_upper = Eigen::VectorXd(N);
  p.contribution_lower = p.contribution_upper = p.contribution;
  for (Eigen::Index t = 0; t < N; ++t) {
    std::vector<double> centres;
    for (Eigen::Index b = 0; b < B; ++b) centres.push_back(draw_kpi[static_cast<size_t>(b)][t]);
    if (centres.empty()) centres.push_back(p.kpi[t]);  // no bootstrap: the band is the fit
    p.coef_lower[t] = percentile(centres, qlo);
    p.coef_upper[t] = percentile(centres, qhi);
    p.pred_lower[t] = normal_mixture_quantile(centres, m.residual_sd, qlo);
    p.pred_upper[t] = normal_mixture_quantile(centres, m.residual_sd, qhi);
    for (Eigen::Index c = 0; c < C + KK && B > 0; ++c) {
      std::vector<double> v;
      for (Eigen::Index b = 0; b < B; ++b) v.push_back(draw_contrib[static_cast<size_t>(b)](t, c));
      p.contribution_lower(t, c) = percentile(v, qlo);
      p.contribution_upper(t, c) = percentile(v, qhi);
    }
  }
  if (KK > 0 && B > 0)
    p.notices.push_back(
        "flow and stock channels keep their fitted λ and b in every draw: their band is the "
        "bootstrap's spread of their coefficients only");
  if (B == 0)
    p.notices.push_back(
        "the model has no bootstrap draws: the coefficient band is the point "
        "prediction, the prediction interval only the residual noise");
  return p;
}

}  // namespace mmm
