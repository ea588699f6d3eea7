#include "host/segments/segment_cv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/common/thread_pool.hpp"

namespace mmm {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

RegressionMetrics nan_metrics() { return {kNan, kNan, kNan, kNan, kNan}; }

// The taking segments as a problem of their own: a segment that sits a fold out must not
// enter its design at all (zero weights everywhere would leave it without means).
SegmentProblem subset_problem(const SegmentProblem& problem, const std::vector<int>& segments) {
  SegmentProblem out;
  out.pooling = problem.pooling;
  out.penalties = problem.penalties;
  out.penalty_weight = problem.penalty_weight;
  out.max_spend = problem.max_spend;
  out.solver = problem.solver;  // the folds solve on the fit's device too
  for (int s : segments) {
    out.segments.push_back(problem.segments[s]);
    out.spend_period_major.push_back(problem.spend_period_major[s]);
  }
  return out;
}

// Per-segment hyperparameters of the taking segments, in their order (stride > 0 only).
std::vector<double> subset_hyper(const double* hyper3c, int stride,
                                 const std::vector<int>& segments) {
  std::vector<double> out;
  for (int s : segments) {
    const double* h = hyper3c + static_cast<size_t>(s) * stride;
    out.insert(out.end(), h, h + stride);
  }
  return out;
}

// Coefficients in column units and intercepts (training means) of a solved design.
void column_units(const SegmentDesign& d, const SegmentFit& f, SegmentFoldFit& out) {
  const Eigen::Index p = d.scale.size();
  for (size_t i = 0; i < d.blocks.size(); ++i) {
    const Eigen::Index s = static_cast<Eigen::Index>(i);
    const Eigen::VectorXd coef = f.solution.segment.col(s).cwiseQuotient(d.scale);
    out.intercept.push_back(d.ybar[s] - coef.dot(d.means[i].head(p)));
    out.coef.push_back(coef);
  }
}

// Metrics over several segments' rows: RMSE, MAE, MAPE, NRMSE over the rows stacked; R² within
// segments (each segment's rows around their own mean), as the fit's pooled R².
RegressionMetrics pooled_metrics(const std::vector<Eigen::VectorXd>& y,
                                 const std::vector<Eigen::VectorXd>& pred) {
  Eigen::Index n = 0;
  for (const Eigen::VectorXd& v : y) n += v.size();
  Eigen::VectorXd ys(n), ps(n);
  double rss = 0.0, tss = 0.0;
  Eigen::Index at = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const Eigen::Index len = y[i].size();
    ys.segment(at, len) = y[i];
    ps.segment(at, len) = pred[i];
    at += len;
    rss += (y[i] - pred[i]).squaredNorm();
    tss += (y[i].array() - y[i].mean()).square().sum();
  }
  RegressionMetrics m = regression_metrics(ys, ps);
  m.r2 = tss > 0 ? 1.0 - rss / tss : kNan;
  return m;
}

// The raw design columns of segment s (transformed media, then controls), T_s × p.
Eigen::MatrixXd design_columns(const SegmentProblem& problem, const double* hyper3c, int stride,
                               int s) {
  const ModelData& m = problem.segments[s];
  Eigen::MatrixXd X(m.rows(), m.parameters());
  X.leftCols(m.channels()) = transform_media(m.spend, hyper3c + static_cast<size_t>(s) * stride);
  if (m.control_count() > 0) X.rightCols(m.control_count()) = m.controls;
  return X;
}

}  // namespace

long SegmentCvPlan::work(int segments) const {
  long units = segments;
  for (const SegmentFoldPlan& f : folds) units += static_cast<long>(f.segments.size());
  return units;
}

SegmentCvPlan plan_segment_cv(const SegmentProblem& problem, const CvOptions& options) {
  SegmentCvPlan plan;
  plan.options = options;
  make_folds(0, options);  // checks the windows even when no segment is long enough
  for (int s = 0; s < problem.count(); ++s) {
    const std::vector<CvFold> folds = make_folds(problem.segments[s].rows(), options);
    for (size_t k = 0; k < folds.size(); ++k) {
      if (plan.folds.size() <= k) {
        plan.folds.emplace_back();
        plan.folds[k].index = static_cast<int>(k) + 1;
      }
      plan.folds[k].segments.push_back(s);
      plan.folds[k].windows.push_back(folds[k]);
    }
  }
  return plan;
}

SegmentFoldFit fit_segment_fold(const SegmentProblem& problem, const double* hyper3c,
                                int hyper_stride, const SegmentFoldPlan& fold, ThreadPool* pool) {
  const bool everyone = static_cast<int>(fold.segments.size()) == problem.count();
  SegmentProblem subset;
  std::vector<double> hyper;
  if (!everyone) {
    subset = subset_problem(problem, fold.segments);
    if (hyper_stride > 0) {
      hyper = subset_hyper(hyper3c, hyper_stride, fold.segments);
      hyper3c = hyper.data();
    }
  }
  const SegmentProblem& taking = everyone ? problem : subset;
  // 0/1 weights: the training rows enter the means, σ and Gram blocks; the rest do not.
  std::vector<Eigen::VectorXd> weights;
  for (size_t i = 0; i < fold.segments.size(); ++i) {
    const CvFold& w = fold.windows[i];
    weights.push_back(Eigen::VectorXd::Zero(taking.segments[i].rows()));
    weights.back().segment(w.train_begin, w.train_end - w.train_begin).setOnes();
  }
  const SegmentDesign d = build_segment_design(taking, hyper3c, pool, &weights, hyper_stride);
  const SegmentFit f = fit_segment_design(taking, d, taking.pooling, pool);
  SegmentFoldFit out;
  out.ok = f.solution.ok;
  if (out.ok) column_units(d, f, out);
  return out;
}

double SegmentCvReport::segment_mape(int s) const { return segment_mean[s].mape; }

int SegmentCvReport::scored_folds() const {
  int n = 0;
  for (const PooledFold& f : pooled_folds) n += f.ok;
  return n;
}

double SegmentCvReport::mape() const {
  return skipped || scored_folds() == 0 ? kNan : pooled_mean.mape;
}

double SegmentCvReport::mape_stdev() const {
  return skipped || scored_folds() == 0 ? kNan : pooled_stdev.mape;
}

SegmentCvReport cross_validate_segments(const SegmentProblem& problem, const double* hyper3c,
                                        int hyper_stride, const SegmentCvPlan& plan,
                                        ThreadPool* pool,
                                        const std::function<void(long)>& progress) {
  const int S = problem.count(), K = static_cast<int>(plan.folds.size());
  SegmentCvReport r;
  r.options = plan.options;
  long done = 0;

  // The full-data fit: the same design and solve as the pipeline's final fit.
  SegmentFoldFit full;
  {
    const SegmentDesign d = build_segment_design(problem, hyper3c, pool, nullptr, hyper_stride);
    const SegmentFit f = fit_segment_design(problem, d, problem.pooling, pool);
    full.ok = f.solution.ok;
    if (full.ok) column_units(d, f, full);
  }
  if (progress) progress(done += S);
  std::vector<SegmentFoldFit> fits;
  for (const SegmentFoldPlan& fold : plan.folds) {
    fits.push_back(fit_segment_fold(problem, hyper3c, hyper_stride, fold, pool));
    if (progress) progress(done += static_cast<long>(fold.segments.size()));
  }

  // Scoring: each segment's design columns once, then every fold it takes part in. Each
  // segment writes only its own slots, so segments run in parallel.
  r.segment_folds.assign(S, {});
  r.segment_mean.assign(S, nan_metrics());
  r.segment_stdev.assign(S, nan_metrics());
  r.segment_in_sample.assign(S, nan_metrics());
  std::vector<std::vector<Eigen::VectorXd>> test_y(K), test_pred(K);
  std::vector<std::vector<std::pair<int, int>>> taking(S);  // [s]: (fold, position in it)
  for (int k = 0; k < K; ++k) {
    const size_t n = plan.folds[k].segments.size();
    test_y[k].resize(n);
    test_pred[k].resize(n);
    for (size_t i = 0; i < n; ++i)
      taking[plan.folds[k].segments[i]].emplace_back(k, static_cast<int>(i));
  }
  std::vector<Eigen::VectorXd> fitted(S), actual(S);
  auto score = [&](int s) {
    const ModelData& m = problem.segments[s];
    const Eigen::MatrixXd X = design_columns(problem, hyper3c, hyper_stride, s);
    actual[s] = m.y;
    if (full.ok) {
      fitted[s] = (X * full.coef[s]).array() + full.intercept[s];
      r.segment_in_sample[s] = regression_metrics(m.y, fitted[s]);
    } else {
      fitted[s] = Eigen::VectorXd::Constant(m.rows(), kNan);
    }
    std::vector<RegressionMetrics> scored;
    for (const auto& [k, i] : taking[s]) {
      CvFold fold = plan.folds[k].windows[i];
      const int len = fold.test_end - fold.test_begin;
      test_y[k][i] = m.y.segment(fold.test_begin, len);
      if (fits[k].ok) {
        test_pred[k][i] =
            (X.middleRows(fold.test_begin, len) * fits[k].coef[i]).array() + fits[k].intercept[i];
        fold.metrics = regression_metrics(test_y[k][i], test_pred[k][i]);
        scored.push_back(fold.metrics);
      } else {
        fold.metrics = nan_metrics();
      }
      r.segment_folds[s].push_back(fold);
    }
    if (!scored.empty()) {
      r.segment_mean[s] = metrics_mean(scored);
      r.segment_stdev[s] = metrics_stdev(scored);
    }
  };
  if (pool != nullptr && S > 1) {
    pool->parallel_for(S, [&](int b, int e, int) {
      for (int s = b; s < e; ++s) score(s);
    });
  } else {
    for (int s = 0; s < S; ++s) score(s);
  }

  r.pooled_in_sample = full.ok ? pooled_metrics(actual, fitted) : nan_metrics();
  std::vector<RegressionMetrics> scored;
  for (int k = 0; k < K; ++k) {
    PooledFold p;
    p.index = plan.folds[k].index;
    p.segments = static_cast<int>(plan.folds[k].segments.size());
    p.ok = fits[k].ok;
    p.metrics = p.ok ? pooled_metrics(test_y[k], test_pred[k]) : nan_metrics();
    if (p.ok) scored.push_back(p.metrics);
    r.failed += !p.ok;
    r.pooled_folds.push_back(p);
  }
  r.pooled_mean = scored.empty() ? nan_metrics() : metrics_mean(scored);
  r.pooled_stdev = scored.empty() ? nan_metrics() : metrics_stdev(scored);

  const int need = plan.options.train + plan.options.test;
  const std::string windows = "--cv-train + --cv-test = " + std::to_string(need) + " rows";
  if (K == 0) {
    r.skipped = true;
    int longest = 0;
    for (const ModelData& m : problem.segments) longest = std::max(longest, m.rows());
    r.notices.push_back("cross-validation skipped: no segment has " + windows +
                        " (the longest has " + std::to_string(longest) + ")");
    return r;
  }
  int idle = 0;
  for (int s = 0; s < S; ++s) idle += taking[s].empty();
  if (idle > 0) {
    r.notices.push_back("cross-validation: " + std::to_string(idle) + " of " + std::to_string(S) +
                        " segments have fewer than " + windows +
                        " and take part in no fold (their MODEL_MAPE_CV is empty)");
  }
  if (r.failed > 0) {
    r.notices.push_back("cross-validation: " + std::to_string(r.failed) + " of " +
                        std::to_string(K) + " folds had a singular fit and were left out");
  }
  return r;
}

}  // namespace mmm
