#include "host/segments/segment_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/backend/cpu_gram_kernel.hpp"
#include "host/common/thread_pool.hpp"
#include "host/features/controls.hpp"
#include "host/model/gram_ridge.hpp"

namespace mmm {

long SegmentProblem::total_rows() const {
  long n = 0;
  for (const ModelData& m : segments) n += m.rows();
  return n;
}

SegmentProblem make_segment_problem(const SegmentedData& data, Pooling pooling,
                                    const PoolingPenalties& penalties) {
  SegmentProblem p;
  p.pooling = pooling;
  p.penalties = penalties;
  for (const Dataset& d : data.segments) {
    p.segments.push_back(make_model_data(d, build_controls(d), penalties.lambda));
  }
  const int C = p.channels();
  const int padded = cpu::pad_to_lanes(std::max(C, 1));
  for (const ModelData& m : p.segments) {
    std::vector<double> x(static_cast<size_t>(m.rows()) * padded, 0.0);
    for (int t = 0; t < m.rows(); ++t) {
      for (int c = 0; c < C; ++c) x[static_cast<size_t>(t) * padded + c] = m.spend(t, c);
    }
    p.spend_period_major.push_back(std::move(x));
  }
  p.max_spend.assign(C, 0.0);
  for (const ModelData& m : p.segments) {
    for (int c = 0; c < C; ++c)
      p.max_spend[c] = std::max(p.max_spend[c], m.spend.col(c).maxCoeff());
  }
  return p;
}

Eigen::MatrixXd segment_design(const SegmentProblem& problem, int s, const double* hyper3c) {
  const ModelData& m = problem.segments[s];
  const int C = problem.channels();
  // The CPU backend's SIMD adstock + Hill (padding lanes: θ = α = 0, γ = 1, finite).
  const int padded = cpu::pad_to_lanes(std::max(C, 1));
  std::vector<double> theta(padded, 0.0), alpha(padded, 0.0), gamma(padded, 1.0);
  for (int c = 0; c < C; ++c) {
    theta[c] = hyper3c[3 * c];
    alpha[c] = hyper3c[3 * c + 1];
    gamma[c] = hyper3c[3 * c + 2];
  }
  Eigen::MatrixXd X(m.rows(), problem.parameters());
  std::vector<double> h(static_cast<size_t>(m.rows()) * padded), shift(padded);
  cpu::media_transform(problem.spend_period_major[s].data(), C, padded, m.rows(), theta.data(),
                       alpha.data(), gamma.data(), nullptr, nullptr, h.data(), nullptr,
                       shift.data());
  // The kernel centres h; add the shift back so that callers see raw h.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  X.leftCols(C) = Eigen::Map<const RowMajor>(h.data(), m.rows(), padded).leftCols(C);
  X.leftCols(C).rowwise() += Eigen::Map<const Eigen::RowVectorXd>(shift.data(), C);
  if (m.control_count() > 0) X.rightCols(m.control_count()) = m.controls;
  return X;
}

SegmentDesign build_segment_design(const SegmentProblem& problem, const double* hyper3c,
                                   ThreadPool* pool, const std::vector<Eigen::VectorXd>* weights,
                                   int hyper_stride) {
  const int S = problem.count();
  const int p = problem.parameters();
  SegmentDesign d;
  d.blocks.resize(S);
  d.means.resize(S);
  d.ybar.resize(S);
  auto one = [&](int s) {
    const ModelData& m = problem.segments[s];
    Eigen::MatrixXd X = segment_design(problem, s, hyper3c + static_cast<size_t>(s) * hyper_stride);
    SegmentGram& g = d.blocks[s];
    if (weights == nullptr) {
      d.means[s] = X.colwise().mean().transpose();
      d.ybar[s] = m.y.mean();
      g.n = m.rows();
    } else {
      const Eigen::VectorXd& w = (*weights)[s];
      g.n = w.sum();
      d.means[s] = X.transpose() * w / g.n;
      d.ybar[s] = w.dot(m.y) / g.n;
    }
    X.rowwise() -= d.means[s].transpose();
    Eigen::VectorXd y = m.y.array() - d.ybar[s];
    if (weights != nullptr) {
      // √w on both sides: XᵀWX and XᵀWy from plain products.
      const Eigen::VectorXd sw = (*weights)[s].cwiseSqrt();
      X = sw.asDiagonal() * X;
      y = y.cwiseProduct(sw);
    }
    g.A = Eigen::MatrixXd::Zero(p, p);
    g.A.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
    g.A = g.A.selfadjointView<Eigen::Lower>();
    g.c = X.transpose() * y;
    g.yy = y.squaredNorm();
  };
  if (pool != nullptr && S > 1) {
    pool->parallel_for(S, [&](int b, int e, int) {
      for (int s = b; s < e; ++s) one(s);
    });
  } else {
    for (int s = 0; s < S; ++s) one(s);
  }
  // Pooled within-segment σ; constancy judged as scikit-learn does, on the pooled mean.
  double N = 0.0;
  for (const SegmentGram& g : d.blocks) N += g.n;
  d.scale.resize(p);
  for (int j = 0; j < p; ++j) {
    double ss = 0.0, sum = 0.0;
    for (int s = 0; s < S; ++s) {
      ss += d.blocks[s].A(j, j);
      sum += d.means[s][j] * d.blocks[s].n;
    }
    const double var = ss / N;
    d.scale[j] = is_constant_feature(var, sum / N, N) ? 1.0 : std::sqrt(var);
  }
  const Eigen::VectorXd inv = d.scale.cwiseInverse();
  for (SegmentGram& g : d.blocks) {
    g.A = inv.asDiagonal() * g.A * inv.asDiagonal();
    g.c = g.c.cwiseProduct(inv);
  }
  return d;
}

SegmentFit fit_segment_design(const SegmentProblem& problem, const SegmentDesign& design,
                              Pooling pooling, ThreadPool* pool) {
  SegmentFit f;
  f.solution = solve_pooled(design.blocks, pooling, problem.penalties, pool, problem.solver.get());
  const int S = problem.count();
  const int C = problem.channels();
  f.r2.resize(S);
  double rss = 0.0, tss = 0.0;
  for (int s = 0; s < S; ++s) {
    const double yy = design.blocks[s].yy;
    const double rs = f.solution.ok ? f.solution.rss[s] : std::numeric_limits<double>::infinity();
    f.r2[s] = yy > 0 ? 1.0 - rs / yy : std::numeric_limits<double>::quiet_NaN();
    rss += rs;
    tss += yy;
  }
  // The non-negativity penalty acts on what the mode treats as the channel's effect: each
  // segment's own model under none (mean over segments), the global coefficients otherwise
  // (segments may deviate from a non-negative global effect; their spread is what the data
  // says, the prior only centres them).
  double penalty = 0.0;
  if (f.solution.ok && pooling == Pooling::kNone) {
    for (int s = 0; s < S; ++s) {
      for (int c = 0; c < C; ++c) penalty += std::pow(std::min(f.solution.segment(c, s), 0.0), 2);
    }
    penalty /= S;
  } else if (f.solution.ok) {
    for (int c = 0; c < C; ++c) penalty += std::pow(std::min(f.solution.global[c], 0.0), 2);
  }
  if (!f.solution.ok || !(tss > 0)) {
    f.r2_pooled = std::numeric_limits<double>::quiet_NaN();
    f.loss = std::numeric_limits<double>::infinity();
    return f;
  }
  f.r2_pooled = 1.0 - rss / tss;
  f.loss = (1.0 - f.r2_pooled) + problem.penalty_weight * penalty;
  return f;
}

double segment_loss(const SegmentProblem& problem, const double* hyper3c, ThreadPool* pool,
                    int hyper_stride) {
  const SegmentDesign d = build_segment_design(problem, hyper3c, pool, nullptr, hyper_stride);
  return fit_segment_design(problem, d, problem.pooling, pool).loss;
}

std::vector<double> segment_gamma_scale(const SegmentProblem& problem) {
  const int S = problem.count(), C = problem.channels();
  std::vector<double> scale(static_cast<size_t>(S) * C, 1.0);
  for (int s = 0; s < S; ++s) {
    for (int c = 0; c < C; ++c) {
      const double top = problem.max_spend[c];
      const double own = problem.segments[s].spend.col(c).maxCoeff();
      // A segment that never spends on the channel keeps the shared γ: its column is 0 anyway.
      if (top > 0 && own > 0) scale[static_cast<size_t>(s) * C + c] = own / top;
    }
  }
  return scale;
}

std::vector<double> scaled_segment_hyper(const double* hyper3c, int C,
                                         const std::vector<double>& gamma_scale) {
  const int S = static_cast<int>(gamma_scale.size()) / C;
  std::vector<double> out;
  out.reserve(static_cast<size_t>(S) * 3 * C);
  for (int s = 0; s < S; ++s) {
    for (int c = 0; c < C; ++c) {
      out.insert(out.end(), {hyper3c[3 * c], hyper3c[3 * c + 1],
                             hyper3c[3 * c + 2] * gamma_scale[static_cast<size_t>(s) * C + c]});
    }
  }
  return out;
}

}  // namespace mmm
