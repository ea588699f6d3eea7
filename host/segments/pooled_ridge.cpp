#include "host/segments/pooled_ridge.hpp"

#include <algorithm>
#include <cmath>

#include "host/backend/cpu_batched_spd_solver.hpp"
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

// The batch of this thread's solves, sized for S systems of size n with k right-hand sides and
// filled in one pass over the segments: M_s = A_s(idx, idx) + μ I (idx null: all columns) and
// B_s through rhs(s, B_s). Reused from call to call (its memory is that of the largest batch
// this thread solved): a fresh 2 S p² allocation per candidate comes from mmap, and its page
// faults cost as much as the rest of the per-segment work (measured at S = 300, p = 29).
template <typename Rhs>
SpdBatch& segment_batch(const std::vector<SegmentGram>& blocks, const std::vector<int>* idx, int n,
                        int k, double mu, ThreadPool* pool, Rhs&& rhs) {
  thread_local SpdBatch reused;
  // The workers must see this thread's batch, not their own thread_local one: capture it.
  SpdBatch& batch = reused;
  const int S = static_cast<int>(blocks.size());
  batch.resize(n, S, k);
  // Copying is memory bound: below ~0.5 MB one thread copies faster than the pool wakes up.
  const bool small = batch.matrices.size() + batch.rhs.size() < (std::size_t{1} << 16);
  for_segments(S, small ? nullptr : pool, [&](int s, int) {
    Eigen::Map<MatrixXd> M(batch.matrix(s), n, n);
    if (idx == nullptr) {
      M = blocks[s].A;
    } else {
      M = blocks[s].A(*idx, *idx);
    }
    M.diagonal().array() += mu;
    rhs(s, Eigen::Map<MatrixXd>(batch.rhs_block(s), n, k));
  });
  return batch;
}

// none and partial with global columns G (see the header): every β_sL eliminated per segment,
// the remaining system in (β_G, β_gL) (none: β_G) solved by Cholesky. One batched call factors
// every M_s = A_sLL + μ I and solves it against [A_sLG | c_sL | A_sLL (partial)].
void solve_with_globals(const std::vector<SegmentGram>& blocks, Pooling pooling,
                        const PoolingPenalties& pen, const std::vector<int>& L, ThreadPool* pool,
                        BatchedSpdSolver& solver, PooledSolution& out, bool& ok) {
  const std::vector<int>& G = pen.global_columns;
  const int S = static_cast<int>(blocks.size());
  const int g = static_cast<int>(G.size()), l = static_cast<int>(L.size());
  const bool partial = pooling == Pooling::kPartial;
  const double mu = partial ? pen.lambda_segment : pen.lambda;
  const double ls = partial ? pen.lambda_segment : 0.0;
  const int q = partial ? g + l : g;
  SpdBatch& batch = segment_batch(blocks, &L, l, g + 1 + (partial ? l : 0), mu, pool,
                                  [&](int s, Eigen::Map<MatrixXd> B) {
                                    B.leftCols(g) = blocks[s].A(L, G);
                                    B.col(g) = blocks[s].c(L);
                                    if (partial) B.rightCols(l) = blocks[s].A(L, L);
                                  });
  solver.factor_and_solve(batch, pool);
  if (!batch.all_factored()) {
    ok = false;
    return;
  }
  std::vector<MatrixXd> H(S);
  std::vector<VectorXd> r(S);
  for_segments(S, pool, [&](int s, int) {
    const MatrixXd& A = blocks[s].A;
    const VectorXd& c = blocks[s].c;
    const MatrixXd ALG = A(L, G);
    const Eigen::Map<const MatrixXd> X(batch.rhs_block(s), l, batch.rhs_cols);
    const MatrixXd MinvAlg = X.leftCols(g);  // l × g
    const VectorXd Minvcl = X.col(g);
    H[s] = MatrixXd::Zero(q, q);
    r[s].resize(q);
    H[s].topLeftCorner(g, g) = MatrixXd(A(G, G)) - ALG.transpose() * MinvAlg;
    r[s].head(g) = VectorXd(c(G)) - ALG.transpose() * Minvcl;
    if (partial) {
      H[s].bottomLeftCorner(l, g) = ls * MinvAlg;
      H[s].topRightCorner(g, l) = ls * MinvAlg.transpose();
      // λ_s M_s⁻¹ A_sLL rather than λ_s (I − λ_s M_s⁻¹): no cancellation when λ_s ≫ ‖A_s‖.
      H[s].bottomRightCorner(l, l) = ls * X.rightCols(l);
      r[s].tail(l) = ls * Minvcl;
    }
  });
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
    VectorXd bL = VectorXd(blocks[s].c(L)) - MatrixXd(blocks[s].A(L, G)) * bG;
    if (partial) bL += ls * x.tail(l);
    solve_factored(batch, s, bL.data());
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
                            const PoolingPenalties& pen, ThreadPool* pool,
                            BatchedSpdSolver* solver) {
  PooledSolution out;
  const int S = static_cast<int>(blocks.size());
  if (S == 0) return out;
  cpu::CpuBatchedSpdSolver cpu_solver;
  BatchedSpdSolver& batched = solver != nullptr ? *solver : cpu_solver;
  const int p = static_cast<int>(blocks[0].c.size());
  const MatrixXd I = MatrixXd::Identity(p, p);
  out.segment.resize(p, S);
  out.rss.resize(S);
  bool ok = true;
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
    solve_with_globals(blocks, pooling, pen, L, pool, batched, out, ok);
  } else if (pooling == Pooling::kNone) {
    // One batched call: every (A_s + λI) β_s = c_s.
    SpdBatch& batch = segment_batch(blocks, nullptr, p, 1, pen.lambda, pool,
                                    [&](int s, Eigen::Map<MatrixXd> B) { B = blocks[s].c; });
    batched.factor_and_solve(batch, pool);
    ok = batch.all_factored();
    if (ok) {
      out.segment = Eigen::Map<const MatrixXd>(batch.rhs.data(), p, S);
      out.global = out.segment.rowwise().mean();
    }
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
    // One batched call: M_s = A_s + λ_s I against [A_s | c_s] (memory 2 S p², like the
    // factors and per-segment terms it replaces).
    SpdBatch& batch =
        segment_batch(blocks, nullptr, p, p + 1, ls, pool, [&](int s, Eigen::Map<MatrixXd> B) {
          B.leftCols(p) = blocks[s].A;
          B.col(p) = blocks[s].c;
        });
    batched.factor_and_solve(batch, pool);
    ok = batch.all_factored();
    if (ok) {
      // Per-segment terms summed in segment order: the result does not depend on how many
      // threads ran.
      MatrixXd Hsum = pen.lambda_global * I;
      VectorXd rsum = VectorXd::Zero(p);
      for (int s = 0; s < S; ++s) {
        const Eigen::Map<const MatrixXd> X(batch.rhs_block(s), p, p + 1);
        Hsum += ls * X.leftCols(p);  // λ_s M_s⁻¹ A_s
        rsum += ls * X.col(p);       // λ_s M_s⁻¹ c_s
      }
      // M_s⁻¹ A_s is symmetric in exact arithmetic (A_s and M_s commute); keep it so.
      const MatrixXd Hs = 0.5 * (Hsum + Hsum.transpose());
      Eigen::LLT<MatrixXd> llt(Hs);
      ok = llt.info() == Eigen::Success;
      out.global = llt.solve(rsum);
      // β_s = M_s⁻¹ (c_s + λ_s β_g) with the factors the batch returned.
      for_segments(S, pool, [&](int s, int) {
        VectorXd b = blocks[s].c + ls * out.global;
        solve_factored(batch, s, b.data());
        out.segment.col(s) = b;
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
