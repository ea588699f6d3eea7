#include "host/segments/segment_bootstrap.hpp"

#include <cmath>
#include <limits>

#include "host/bootstrap/bootstrap.hpp"
#include "host/common/resampling.hpp"

namespace mmm {
namespace {

// Each segment draws from its own Philox key, so adding a segment leaves the others' draws.
std::uint64_t segment_seed(std::uint64_t seed, int s) {
  return seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(s + 1);
}

}  // namespace

SegmentBootstrap bootstrap_segments(const SegmentProblem& problem, const double* hyper3c,
                                    const SegmentBootstrapOptions& o, ThreadPool* pool,
                                    const std::function<void(int)>& progress) {
  const int S = problem.count(), C = problem.channels(), B = o.resamples;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SegmentBootstrap out;
  out.resamples = B;
  std::vector<Eigen::MatrixXd> h(S);
  for (int s = 0; s < S; ++s)
    h[s] = transform_media(problem.segments[s].spend,
                           hyper3c + static_cast<size_t>(s) * o.hyper_stride);
  // Draws: roi[(s · C + c)][b], global [c][b].
  std::vector<std::vector<double>> roi(S * C, std::vector<double>(B, nan)), coef = roi;
  std::vector<std::vector<double>> groi(C, std::vector<double>(B, nan)), gcoef = groi;
  std::vector<Eigen::VectorXd> w(S);
  const int p = problem.parameters();
  out.global_draws = Eigen::MatrixXd::Constant(B, p, nan);
  out.segment_draws.assign(S, Eigen::MatrixXd::Constant(B, 1 + p, nan));
  for (int b = 0; b < B; ++b) {
    for (int s = 0; s < S; ++s) {
      const int T = problem.segments[s].rows();
      w[s].resize(T);
      resample_counts(segment_seed(o.seed, s), static_cast<std::uint32_t>(b),
                      static_cast<std::uint32_t>(T), w[s].data());
    }
    const SegmentDesign d = build_segment_design(problem, hyper3c, pool, &w, o.hyper_stride);
    const SegmentFit f = fit_segment_design(problem, d, problem.pooling, pool);
    if (!std::isfinite(f.loss)) {
      ++out.failed;
      continue;
    }
    out.global_draws.row(b) = f.solution.global.cwiseQuotient(d.scale).transpose();
    for (int s = 0; s < S; ++s) {
      // Column units and the segment's intercept, as the full fit's report_channels has them.
      const Eigen::VectorXd k = f.solution.segment.col(s).cwiseQuotient(d.scale);
      out.segment_draws[s](b, 0) = d.ybar[s] - k.dot(d.means[s].head(p));
      out.segment_draws[s].row(b).tail(p) = k.transpose();
    }
    for (int c = 0; c < C; ++c) {
      double contribution = 0.0, spend = 0.0;
      for (int s = 0; s < S; ++s) {
        const double k = f.solution.segment(c, s) / d.scale[c];
        const double hs = w[s].dot(h[s].col(c));
        const double xs = w[s].dot(problem.segments[s].spend.col(c));
        coef[s * C + c][b] = k;
        roi[s * C + c][b] = xs > 0 ? k * hs / xs : nan;
        contribution += k * hs;
        spend += xs;
      }
      gcoef[c][b] = f.solution.global[c] / d.scale[c];
      groi[c][b] = spend > 0 ? contribution / spend : nan;
    }
    if (progress) progress(b + 1);
  }
  const double lo = (1.0 - o.ci) / 2.0, hi = 1.0 - lo;
  out.roi_lower.resize(S, C);
  out.roi_upper.resize(S, C);
  out.coef_lower.resize(S, C);
  out.coef_upper.resize(S, C);
  for (int s = 0; s < S; ++s) {
    for (int c = 0; c < C; ++c) {
      out.roi_lower(s, c) = percentile(roi[s * C + c], lo);
      out.roi_upper(s, c) = percentile(roi[s * C + c], hi);
      out.coef_lower(s, c) = percentile(coef[s * C + c], lo);
      out.coef_upper(s, c) = percentile(coef[s * C + c], hi);
    }
  }
  out.global_roi_lower.resize(C);
  out.global_roi_upper.resize(C);
  out.global_coef_lower.resize(C);
  out.global_coef_upper.resize(C);
  for (int c = 0; c < C; ++c) {
    out.global_roi_lower[c] = percentile(groi[c], lo);
    out.global_roi_upper[c] = percentile(groi[c], hi);
    out.global_coef_lower[c] = percentile(gcoef[c], lo);
    out.global_coef_upper[c] = percentile(gcoef[c], hi);
  }
  return out;
}

}  // namespace mmm
