#include "host/segments/segment_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/bootstrap/bootstrap.hpp"
#include "host/common/resampling.hpp"
#include "host/distributed/divided_values.hpp"

namespace mmm {
namespace {

// Each segment draws from its own Philox key, so adding a segment leaves the others' draws.
std::uint64_t segment_seed(std::uint64_t seed, int s) {
  return seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(s + 1);
}

}  // namespace

SegmentBootstrap bootstrap_segments(const SegmentProblem& problem, const double* hyper3c,
                                    const SegmentBootstrapOptions& o, ThreadPool* pool,
                                    const std::function<void(int)>& progress,
                                    const Communicator& comm) {
  const int S = problem.count(), C = problem.channels(), B = o.resamples;
  const int p = problem.parameters();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SegmentBootstrap out;
  out.resamples = B;
  std::vector<Eigen::MatrixXd> h(S);
  for (int s = 0; s < S; ++s)
    h[s] = transform_media(problem.segments[s].spend,
                           hyper3c + static_cast<size_t>(s) * o.hyper_stride);
  // One row per resample, so that a job's ranks can share them: a failure flag, the S · C
  // ROIs (segment-major), the C global ROIs, the p global coefficients in column units, then
  // per segment its intercept and p coefficients in column units (NaN where the resample
  // failed). The channels' coefficients are the first C of those, so they are not sent twice.
  const size_t sc = static_cast<size_t>(S) * C;
  const size_t at_roi = 1, at_groi = at_roi + sc, at_draw = at_groi + C, at_segment = at_draw + p,
               width = at_segment + static_cast<size_t>(S) * (1 + p);
  const auto segment_at = [&](size_t s) { return at_segment + s * static_cast<size_t>(1 + p); };
  auto resample = [&](int b, std::vector<Eigen::VectorXd>& w, double* row) {
    std::fill(row, row + width, nan);
    row[0] = 0.0;
    for (int s = 0; s < S; ++s) {
      const int T = problem.segments[s].rows();
      w[s].resize(T);
      resample_counts(segment_seed(o.seed, s), static_cast<std::uint32_t>(b),
                      static_cast<std::uint32_t>(T), w[s].data());
    }
    const SegmentDesign d = build_segment_design(problem, hyper3c, pool, &w, o.hyper_stride);
    const SegmentFit f = fit_segment_design(problem, d, problem.pooling, pool);
    if (!std::isfinite(f.loss)) {
      row[0] = 1.0;
      return;
    }
    for (int j = 0; j < p; ++j) row[at_draw + j] = f.solution.global[j] / d.scale[j];
    for (int s = 0; s < S; ++s) {
      // Column units and the segment's intercept, as the full fit's report_channels has them.
      const Eigen::VectorXd k = f.solution.segment.col(s).cwiseQuotient(d.scale);
      double* seg = row + segment_at(static_cast<size_t>(s));
      seg[0] = d.ybar[s] - k.dot(d.means[s].head(p));
      for (int j = 0; j < p; ++j) seg[1 + j] = k[j];
    }
    for (int c = 0; c < C; ++c) {
      double contribution = 0.0, spend = 0.0;
      for (int s = 0; s < S; ++s) {
        const double k = row[segment_at(static_cast<size_t>(s)) + 1 + c];
        const double hs = w[s].dot(h[s].col(c));
        const double xs = w[s].dot(problem.segments[s].spend.col(c));
        row[at_roi + s * C + c] = xs > 0 ? k * hs / xs : nan;
        contribution += k * hs;
        spend += xs;
      }
      row[at_groi + c] = spend > 0 ? contribution / spend : nan;
    }
  };
  const std::vector<double> rows = compute_divided(
      comm, static_cast<size_t>(B), width, [&](size_t begin, size_t end, double* mine) {
        std::vector<Eigen::VectorXd> w(S);
        for (size_t b = begin; b < end; ++b) {
          resample(static_cast<int>(b), w, mine + (b - begin) * width);
          if (progress) progress(static_cast<int>(b - begin + 1));
        }
      });
  // Draws: roi[(s · C + c)][b], global [c][b].
  std::vector<std::vector<double>> roi(sc, std::vector<double>(B, nan)), coef = roi;
  std::vector<std::vector<double>> groi(C, std::vector<double>(B, nan)), gcoef = groi;
  out.global_draws = Eigen::MatrixXd::Constant(B, p, nan);
  out.segment_draws.assign(S, Eigen::MatrixXd::Constant(B, 1 + p, nan));
  for (int b = 0; b < B; ++b) {
    const double* row = &rows[static_cast<size_t>(b) * width];
    if (row[0] != 0.0) {
      ++out.failed;
      continue;
    }
    for (int j = 0; j < p; ++j) out.global_draws(b, j) = row[at_draw + j];
    for (int s = 0; s < S; ++s) {
      const double* seg = row + segment_at(static_cast<size_t>(s));
      for (int j = 0; j <= p; ++j) out.segment_draws[s](b, j) = seg[j];
      for (int c = 0; c < C; ++c) coef[static_cast<size_t>(s) * C + c][b] = seg[1 + c];
    }
    for (size_t k = 0; k < sc; ++k) roi[k][b] = row[at_roi + k];
    for (int c = 0; c < C; ++c) {
      gcoef[c][b] = row[at_draw + c];
      groi[c][b] = row[at_groi + c];
    }
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
