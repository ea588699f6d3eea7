#include "host/segments/pooled_ridge.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "host/common/errors.hpp"
#include "host/common/thread_pool.hpp"

namespace mmm {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Runs fn(s) for every segment, on the pool when there is one.
template <typename Fn>
void for_segments(int S, ThreadPool* pool, Fn&& fn) {
  if (pool == nullptr || S < 2) {
    for (int s = 0; s < S; ++s) fn(s, 0);
    return;
  }
  pool->parallel_for(S, [&](int b, int e, int w) {
    for (int s = b; s < e; ++s) fn(s, w);
  });
}

double rss_of(const SegmentGram& g, const VectorXd& beta) {
  return g.yy - 2.0 * beta.dot(g.c) + beta.dot(g.A * beta);
}

// none and partial with global columns G (see the header): every β_sL eliminated per segment,
// the remaining system in (β_G, β_gL) (none: β_G) solved by Cholesky.
void solve_with_globals(const std::vector<SegmentGram>& blocks, Pooling pooling,
                        const PoolingPenalties& pen, const std::vector<int>& L, ThreadPool* pool,
                        PooledSolution& out, bool& ok) {
  const std::vector<int>& G = pen.global_columns;
  const int S = static_cast<int>(blocks.size());
  const int g = static_cast<int>(G.size()), l = static_cast<int>(L.size());
  const bool partial = pooling == Pooling::kPartial;
  const double mu = partial ? pen.lambda_segment : pen.lambda;
  const double ls = partial ? pen.lambda_segment : 0.0;
  const int q = partial ? g + l : g;
  const MatrixXd Il = MatrixXd::Identity(l, l);
  std::vector<Eigen::LLT<MatrixXd>> factors(S);
  std::vector<MatrixXd> H(S), ALG(S);
  std::vector<VectorXd> r(S);
  std::mutex mutex;
  for_segments(S, pool, [&](int s, int) {
    const MatrixXd& A = blocks[s].A;
    const VectorXd& c = blocks[s].c;
    const MatrixXd All = A(L, L);
    ALG[s] = A(L, G);
    const VectorXd cl = c(L);
    factors[s].compute(All + mu * Il);
    if (factors[s].info() != Eigen::Success) {
      std::lock_guard<std::mutex> lock(mutex);
      ok = false;
      return;
    }
    const MatrixXd MinvAlg = factors[s].solve(ALG[s]);  // l × g
    const VectorXd Minvcl = factors[s].solve(cl);
    H[s] = MatrixXd::Zero(q, q);
    r[s].resize(q);
    H[s].topLeftCorner(g, g) = MatrixXd(A(G, G)) - ALG[s].transpose() * MinvAlg;
    r[s].head(g) = VectorXd(c(G)) - ALG[s].transpose() * Minvcl;
    if (partial) {
      H[s].bottomLeftCorner(l, g) = ls * MinvAlg;
      H[s].topRightCorner(g, l) = ls * MinvAlg.transpose();
      // λ_s M_s⁻¹ A_sLL rather than λ_s (I − λ_s M_s⁻¹): no cancellation when λ_s ≫ ‖A_s‖.
      H[s].bottomRightCorner(l, l) = ls * factors[s].solve(All);
      r[s].tail(l) = ls * Minvcl;
    }
  });
  if (!ok) return;
  MatrixXd Hsum = pen.lambda_global * MatrixXd::Identity(q, q);
  VectorXd rsum = VectorXd::Zero(q);
  for (int s = 0; s < S; ++s) {  // segment order: independent of the thread count
    Hsum += H[s];
    rsum += r[s];
  }
  const MatrixXd Hs = 0.5 * (Hsum + Hsum.transpose());
  Eigen::LLT<MatrixXd> llt(Hs);
  if (llt.info() != Eigen::Success) {
    ok = false;
    return;
  }
  const VectorXd x = llt.solve(rsum);
  const VectorXd bG = x.head(g);
  for_segments(S, pool, [&](int s, int) {
    VectorXd rhs = VectorXd(blocks[s].c(L)) - ALG[s] * bG;
    if (partial) rhs += ls * x.tail(l);
    const VectorXd bL = factors[s].solve(rhs);
    for (int k = 0; k < g; ++k) out.segment(G[k], s) = bG[k];
    for (int k = 0; k < l; ++k) out.segment(L[k], s) = bL[k];
  });
  const int p = g + l;
  out.global.resize(p);
  for (int k = 0; k < g; ++k) out.global[G[k]] = bG[k];
  for (int k = 0; k < l; ++k) out.global[L[k]] = partial ? x[g + k] : out.segment.row(L[k]).mean();
}

}  // namespace

Pooling parse_pooling(const std::string& text) {
  if (text == "none") return Pooling::kNone;
  if (text == "complete") return Pooling::kComplete;
  if (text == "partial") return Pooling::kPartial;
  throw InputError("invalid --pooling `" + text + "`; expected one of: none, complete, partial");
}

const char* pooling_name(Pooling p) {
  switch (p) {
    case Pooling::kNone:
      return "none";
    case Pooling::kComplete:
      return "complete";
    case Pooling::kPartial:
      return "partial";
  }
  return "partial";
}

PooledSolution solve_pooled(const std::vector<SegmentGram>& blocks, Pooling pooling,
                            const PoolingPenalties& pen, ThreadPool* pool) {
  PooledSolution out;
  const int S = static_cast<int>(blocks.size());
  if (S == 0) return out;
  const int p = static_cast<int>(blocks[0].c.size());
  const MatrixXd I = MatrixXd::Identity(p, p);
  out.segment.resize(p, S);
  out.rss.resize(S);
  bool ok = true;
  std::mutex mutex;
  std::vector<int> L;  // the segment-specific columns when some are global
  if (!pen.global_columns.empty()) {
    std::vector<bool> global(p, false);
    for (int j : pen.global_columns) {
      if (j >= 0 && j < p) global[j] = true;
    }
    for (int j = 0; j < p; ++j) {
      if (!global[j]) L.push_back(j);
    }
    // Every column global: none and partial are complete pooling at λ_g.
    if (L.empty()) pooling = Pooling::kComplete;
  }

  if (!L.empty() && pooling != Pooling::kComplete) {
    solve_with_globals(blocks, pooling, pen, L, pool, out, ok);
  } else if (pooling == Pooling::kNone) {
    for_segments(S, pool, [&](int s, int) {
      Eigen::LLT<MatrixXd> llt(blocks[s].A + pen.lambda * I);
      if (llt.info() != Eigen::Success) {
        std::lock_guard<std::mutex> lock(mutex);
        ok = false;
        return;
      }
      out.segment.col(s) = llt.solve(blocks[s].c);
    });
    out.global = out.segment.rowwise().mean();
  } else if (pooling == Pooling::kComplete) {
    MatrixXd A = pen.lambda_global * I;
    VectorXd c = VectorXd::Zero(p);
    for (const SegmentGram& g : blocks) {
      A += g.A;
      c += g.c;
    }
    Eigen::LLT<MatrixXd> llt(A);
    ok = llt.info() == Eigen::Success;
    out.global = llt.solve(c);
    out.segment = out.global.replicate(1, S);
  } else {
    const double ls = pen.lambda_segment;
    std::vector<Eigen::LLT<MatrixXd>> factors(S);
    // Per-segment terms summed afterwards in segment order: the result does not depend on
    // how many threads ran (memory S × p², like the factors).
    std::vector<MatrixXd> H(S);
    std::vector<VectorXd> r(S);
    for_segments(S, pool, [&](int s, int) {
      factors[s].compute(blocks[s].A + ls * I);
      if (factors[s].info() != Eigen::Success) {
        std::lock_guard<std::mutex> lock(mutex);
        ok = false;
        return;
      }
      H[s] = ls * factors[s].solve(blocks[s].A);
      r[s] = ls * factors[s].solve(blocks[s].c);
    });
    if (ok) {
      MatrixXd Hsum = pen.lambda_global * I;
      VectorXd rsum = VectorXd::Zero(p);
      for (int s = 0; s < S; ++s) {
        Hsum += H[s];
        rsum += r[s];
      }
      // M_s⁻¹ A_s is symmetric in exact arithmetic (A_s and M_s commute); keep it so.
      const MatrixXd Hs = 0.5 * (Hsum + Hsum.transpose());
      Eigen::LLT<MatrixXd> llt(Hs);
      ok = llt.info() == Eigen::Success;
      out.global = llt.solve(rsum);
      for_segments(S, pool, [&](int s, int) {
        out.segment.col(s) = factors[s].solve(blocks[s].c + ls * out.global);
      });
    }
  }
  if (!ok) return out;
  for (int s = 0; s < S; ++s) out.rss[s] = rss_of(blocks[s], out.segment.col(s));
  out.ok = out.global.allFinite() && out.segment.allFinite();
  return out;
}

VectorXd pooling_factor(const PooledSolution& pooled, const PooledSolution& unpooled) {
  const Eigen::Index p = pooled.global.size();
  VectorXd f(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double spread =
        std::sqrt((pooled.segment.row(j).array() - pooled.global[j]).square().mean());
    const VectorXd none = unpooled.segment.row(j).transpose();
    const double base = std::sqrt((none.array() - none.mean()).square().mean());
    f[j] = base > 0 ? std::clamp(1.0 - spread / base, 0.0, 1.0) : 1.0;
  }
  return f;
}

}  // namespace mmm
