#pragma once
// Ridge regression solved from a weighted Gram matrix (SPEC §4), shared by both backends.
//
// The augmented design is M = [1, X, y] with X = [media h_1..h_C, controls]; G = Mᵀ W M
// ((p+2) × (p+2), W = diagonal row weights, e.g. bootstrap counts or a CV fold's 0/1 mask).
// From G alone we get the weighted means, the population standard deviations, the
// standardized normal equations of scikit-learn's StandardScaler + Ridge(alpha = λ), the
// residual sum of squares and therefore R² and the loss: a candidate never needs its
// predictions materialized.
//
// Every multiply-add that may round differently when fused is written as an explicit fma():
// compilers fuse `a − b·c` or not by their own defaults (g++ on the host does, the emulated
// kernels' -ffp-contract=off does not, nvcc does), and where the sum cancels — a variance of a
// column that is nearly constant on the weighted rows — that alone moved σ by 2% between the
// backends. An explicit fma rounds the same everywhere.

#include <cmath>

#include "host/common/hd.hpp"

namespace mmm {

/// Sizes and options of one ridge problem.
struct GramRidgeShape {
  int parameters;         ///< p = media + controls (columns of X)
  int media;              ///< C, the leading columns whose negative coefficients are penalized
  double lambda;          ///< ridge penalty on the standardized coefficients
  double penalty_weight;  ///< weight of Σ min(b_c, 0)² in the loss (reference objective)
  /// 1: media coefficients are constrained to b_c ≥ 0 by an active-set solve (the default
  /// model; the penalty then never applies). 0: the reference pipeline's unconstrained ridge
  /// with the penalty in the loss.
  int nonnegative_media = 0;
};

/// Where the solve writes its results (p-long arrays, or single values; any may be null).
struct GramRidgeOutput {
  double* b_scaled;            ///< coefficients of the standardized columns (scikit-learn's coef_)
  double* coef;                ///< coefficients in the columns' own units: b / σ
  double* mean;                ///< weighted column means
  double* scale;               ///< population standard deviations (1 for constant columns)
  double* intercept;           ///< ȳ − Σ coef·mean (one value)
  double* r2;                  ///< R² on the weighted rows (one value)
  double* kpi_mean = nullptr;  ///< weighted mean of the KPI column as given (one value)
};

/// Reads G(i, j) from the lower triangle of a column-major matrix with leading dimension ld.
MMM_HD inline double gram_at(const double* G, int ld, int i, int j) {
  return i >= j ? G[i + j * ld] : G[j + i * ld];
}

/// scikit-learn's test for a constant feature (sklearn.preprocessing._data._is_constant_feature):
/// the variance is within rounding of zero given the mean and the number of samples.
MMM_HD inline bool is_constant_feature(double var, double mean, double n) {
  const double eps = 2.220446049250313e-16;
  const double nme = n * mean * eps;
  const double bound = fma(n * eps, var, nme * nme);
  return var <= bound;
}

/// Doubles of scratch space solve_ridge_from_gram needs for p parameters: the factor, means,
/// scales, right-hand side and solution, plus the unfactored system, the active-set iterate,
/// its step target and the passive-set flags of the non-negative solve.
MMM_HD inline int gram_ridge_work_size(int p) { return 2 * p * p + 7 * p; }

/// The threads that run one solve together. The CPU backend and the unfused CUDA solve use
/// SerialTeam (one thread; every sync() is a no-op and every loop the textbook one). The fused
/// CUDA kernel passes a thread block (kernels/fused_evaluator.cu): a loop's independent
/// iterations are split by rank, the threads meet at sync(), and every thread computes the
/// scalars that steer the control flow (pivots, steps, the KKT choice) from the same shared
/// arrays, so all take the same branches. Each array element gets the same operations in the
/// same order either way, so a team rounds exactly as one thread does. A Team has rank(),
/// size() and sync(); a function given one is entered by all its threads together, after a
/// sync() that made its inputs visible, and returns after one that made its outputs visible.
struct SerialTeam {
  MMM_HD static constexpr int rank() { return 0; }
  MMM_HD static constexpr int size() { return 1; }
  MMM_HD static void sync() {}
};

/// In-place Cholesky A = L Lᵀ of the lower triangle of a p × p column-major matrix; false when
/// A is not positive definite.
///
/// Right-looking: once column k is final, its outer product leaves the trailing block. Each
/// entry still subtracts its terms in the order m = 0, 1, …, as the textbook dot-product form
/// does, but the updates are independent, so they overlap in the pipeline instead of forming p
/// long FMA chains (3× faster on the CPU), and a team splits them by column.
MMM_HD_ANY_TEAM
template <class Team = SerialTeam>
MMM_HD inline bool cholesky_factor(double* A, int p, const Team& team = Team{}) {
  for (int k = 0; k < p; ++k) {
    const double d2 = A[k + k * p];
    if (!(d2 > 0.0)) return false;
    const double d = sqrt(d2);
    const double inv_d = 1.0 / d;
    for (int j = k + 1 + team.rank(); j < p; j += team.size()) A[j + k * p] *= inv_d;
    team.sync();  // column k is scaled, and every thread has read the pivot
    if (team.rank() == 0) A[k + k * p] = d;
    for (int i = k + 1 + team.rank(); i < p; i += team.size()) {
      const double lik = A[i + k * p];
      for (int j = i; j < p; ++j) A[j + i * p] = fma(-A[j + k * p], lik, A[j + i * p]);
    }
    team.sync();
  }
  return true;
}

/// Solves L Lᵀ b = b in place, L from cholesky_factor: L z = b, then Lᵀ b = z, both column by
/// column (each unknown, once known, is subtracted from all the others at once).
MMM_HD_ANY_TEAM
template <class Team = SerialTeam>
MMM_HD inline void cholesky_solve(const double* L, int p, double* b, const Team& team = Team{}) {
  for (int m = 0; m < p; ++m) {
    const double bm = b[m] / L[m + m * p];
    team.sync();  // every thread has read b[m]
    if (team.rank() == 0) b[m] = bm;
    for (int j = m + 1 + team.rank(); j < p; j += team.size()) b[j] = fma(-L[j + m * p], bm, b[j]);
    team.sync();
  }
  for (int j = p - 1; j >= 0; --j) {
    const double bj = b[j] / L[j + j * p];
    team.sync();
    if (team.rank() == 0) b[j] = bj;
    for (int m = team.rank(); m < j; m += team.size()) b[m] = fma(-L[j + m * p], bj, b[m]);
    team.sync();
  }
}

/// (A x)_j for a symmetric A stored in the lower triangle (p × p, column-major).
MMM_HD inline double symmetric_row_dot(const double* A, int p, int j, const double* x) {
  double s = 0.0;
  for (int k = 0; k < p; ++k) s = fma(k <= j ? A[j + k * p] : A[k + j * p], x[k], s);
  return s;
}

/// Solves A s = r restricted to the passive columns (passive[j] ≠ 0); s_j = 0 elsewhere. The
/// other rows and columns become identity rows, so one p × p factorization serves every set.
MMM_HD_ANY_TEAM
template <class Team = SerialTeam>
MMM_HD inline bool solve_on_passive_set(const double* A, const double* r, const double* passive,
                                        int p, double* F, double* s, const Team& team = Team{}) {
  for (int k = team.rank(); k < p; k += team.size())
    for (int j = k; j < p; ++j)
      F[j + k * p] = (passive[j] != 0.0 && passive[k] != 0.0) ? A[j + k * p] : (j == k ? 1.0 : 0.0);
  for (int j = team.rank(); j < p; j += team.size()) s[j] = passive[j] != 0.0 ? r[j] : 0.0;
  team.sync();
  if (!cholesky_factor(F, p, team)) return false;
  cholesky_solve(F, p, s, team);
  return true;
}

/// Scratch arrays of nonnegative_media_solve, each p long (F is p × p).
struct ActiveSetWork {
  double* F;        ///< factor of the current passive system
  double* x;        ///< feasible iterate
  double* s;        ///< solution on the current passive set
  double* passive;  ///< 1: the coefficient is free (controls always; media while > 0)
};

/// Minimizes ½ bᵀA b − bᵀr subject to b_j ≥ 0 for the media j < media (controls free): the
/// ridge with non-negative media coefficients, what glmnet's lower limits give Robyn. A is the
/// standardized Gram + λI (lower triangle). `b` holds the unconstrained solution on entry and
/// the constrained one on return. Lawson–Hanson's active-set method, warm-started from the
/// media the unconstrained solution keeps positive: a step toward a passive-set solution stops
/// where a media coefficient reaches 0 (which then leaves the set), and a media column at 0
/// re-enters while the objective's gradient asks for it (the KKT test). The objective is
/// strictly convex (λ > 0 or a full-rank design), so the method ends at the unique optimum;
/// the iteration cap only guards against rounding cycles and then returns the feasible iterate.
/// A team's threads own the elements j ≡ rank (mod size) of x, s and passive between syncs.
MMM_HD_ANY_TEAM
template <class Team = SerialTeam>
MMM_HD inline bool nonnegative_media_solve(const double* A, const double* r, int p, int media,
                                           const ActiveSetWork& w, double* b,
                                           const Team& team = Team{}) {
  const int rank = team.rank(), size = team.size();
  double rmax = 0.0;
  for (int j = 0; j < p; ++j) rmax = fabs(r[j]) > rmax ? fabs(r[j]) : rmax;
  const double kkt_tol = 1e-11 * rmax;
  // A feasible start: the controls-only solution (every media coefficient 0) …
  for (int j = rank; j < p; j += size) w.passive[j] = j >= media ? 1.0 : 0.0;
  team.sync();
  if (!solve_on_passive_set(A, r, w.passive, p, w.F, w.x, team)) return false;
  // … stepping toward the solution on the media the unconstrained fit keeps positive.
  for (int j = rank; j < media; j += size) w.passive[j] = b[j] > 0.0 ? 1.0 : 0.0;
  team.sync();
  const int max_iterations = 3 * p + 10;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    if (!solve_on_passive_set(A, r, w.passive, p, w.F, w.s, team)) return false;
    for (int inner = 0; inner <= media; ++inner) {
      // The longest step from x toward s that keeps every passive media coefficient ≥ 0.
      double step = 1.0;
      int blocking = -1;
      for (int j = 0; j < media; ++j) {
        if (w.passive[j] == 0.0 || w.s[j] > 0.0) continue;
        const double gap = w.x[j] - w.s[j];
        const double t = gap > 0.0 ? w.x[j] / gap : 0.0;
        if (blocking < 0 || t < step) {
          step = t;
          blocking = j;
        }
      }
      if (blocking < 0) break;
      team.sync();  // every thread has chosen the step before x moves
      for (int j = rank; j < p; j += size) {
        w.x[j] = fma(step, w.s[j] - w.x[j], w.x[j]);
        if (j == blocking) w.x[j] = 0.0;
      }
      for (int j = rank; j < media; j += size) {
        if (w.passive[j] != 0.0 && w.s[j] <= 0.0 && w.x[j] <= 0.0) {
          w.passive[j] = 0.0;
          w.x[j] = 0.0;
        }
      }
      team.sync();
      if (!solve_on_passive_set(A, r, w.passive, p, w.F, w.s, team)) return false;
    }
    bool feasible = true;
    for (int j = 0; j < media; ++j) feasible = feasible && !(w.passive[j] != 0.0 && w.s[j] <= 0.0);
    if (!feasible) break;  // rounding cycle: keep the feasible iterate
    team.sync();
    for (int j = rank; j < p; j += size) w.x[j] = w.s[j];
    team.sync();
    // KKT: a media coefficient held at 0 whose gradient r − A x is positive wants back in.
    int enter = -1;
    double best = kkt_tol;
    for (int j = 0; j < media; ++j) {
      if (w.passive[j] != 0.0) continue;
      const double gradient = r[j] - symmetric_row_dot(A, p, j, w.x);
      if (gradient > best) {
        best = gradient;
        enter = j;
      }
    }
    if (enter < 0) break;
    team.sync();
    if (rank == 0) w.passive[enter] = 1.0;
    team.sync();
  }
  team.sync();
  for (int j = rank; j < p; j += size) b[j] = j < media && w.x[j] < 0.0 ? 0.0 : w.x[j];
  team.sync();
  return true;
}

/// Solves the ridge problem from G (lower triangle used) and returns the loss. Unconstrained
/// (the reference): (1 − R²) + penalty_weight · Σ_{c < media} min(b_c, 0)². With
/// nonnegative_media: the media coefficients are constrained to ≥ 0 and the loss is 1 − R².
/// Returns +inf when the weights are empty, the KPI has no variance or the factorization
/// fails (the candidate is then simply never chosen). `work` holds gram_ridge_work_size(p)
/// doubles. With a team, G, work and the outputs are shared by its threads; the p-long
/// outputs are written by all of them, the single values by rank 0.
MMM_HD_ANY_TEAM
template <class Team = SerialTeam>
MMM_HD inline double solve_ridge_from_gram(const double* G, int ld, const GramRidgeShape& shape,
                                           double* work, const GramRidgeOutput& out,
                                           const Team& team = Team{}) {
  const int p = shape.parameters;
  const int iy = p + 1;
  const int rank = team.rank(), size = team.size();
  const double inf = 1.0 / 0.0;
  const double n = G[0];
  if (!(n > 0.0)) return inf;
  double* A = work;             // p × p column-major: standardized Gram + λI, then Cholesky
  double* mean = work + p * p;  // weighted column means
  double* scale = mean + p;     // population standard deviations
  double* r = scale + p;        // standardized Xᵀ(y − ȳ)
  double* b = r + p;            // the solution
  double* A0 = b + p;           // the unfactored system (non-negative solve only)
  const double ybar = gram_at(G, ld, iy, 0) / n;
  for (int j = rank; j < p; j += size) {
    const double mj = gram_at(G, ld, 1 + j, 0) / n;
    const double var = fma(-n * mj, mj, gram_at(G, ld, 1 + j, 1 + j)) / n;
    mean[j] = mj;
    scale[j] = is_constant_feature(var, mj, n) ? 1.0 : sqrt(var > 0 ? var : 0.0);
    r[j] = fma(-n * mj, ybar, gram_at(G, ld, iy, 1 + j)) / scale[j];
    // Multiplying by 1/σ instead of dividing keeps p² divisions out of the hot path (b below
    // holds 1/σ until the solve needs it).
    b[j] = 1.0 / scale[j];
  }
  team.sync();
  for (int k = rank; k < p; k += size) {
    // j ≥ k, so G(1 + j, 1 + k) is in the lower triangle: direct indexing lets this vectorize.
    const double* Gk = G + (1 + k) * ld + 1;
    const double nmk = n * mean[k], bk = b[k];
    for (int j = k; j < p; ++j) A[j + k * p] = fma(-nmk, mean[j], Gk[j]) * (b[j] * bk);
    A[k + k * p] += shape.lambda;
    if (shape.nonnegative_media) {
      for (int j = k; j < p; ++j) A0[j + k * p] = A[j + k * p];
    }
  }
  const double syy = fma(-n * ybar, ybar, gram_at(G, ld, iy, iy));
  if (!(syy > 0.0)) return inf;
  team.sync();
  if (!cholesky_factor(A, p, team)) return inf;
  for (int j = rank; j < p; j += size) b[j] = r[j];
  team.sync();
  cholesky_solve(A, p, b, team);
  bool constrained = false;
  if (shape.nonnegative_media) {
    for (int j = 0; j < shape.media; ++j) constrained = constrained || b[j] < 0.0;
    if (constrained) {
      // The unconstrained factor is spent: A's storage holds the passive-set factors.
      double* x = A0 + p * p;
      const ActiveSetWork w{A, x, x + p, x + 2 * p};
      if (!nonnegative_media_solve(A0, r, p, shape.media, w, b, team)) return inf;
    }
  }
  double btr = 0.0, btb = 0.0, penalty = 0.0, intercept = ybar;
  for (int j = 0; j < p; ++j) {
    btr = fma(b[j], r[j], btr);
    btb = fma(b[j], b[j], btb);
    if (j < shape.media && b[j] < 0.0) penalty = fma(b[j], b[j], penalty);
    const double cj = b[j] / scale[j];
    intercept = fma(-cj, mean[j], intercept);
    if (j % size != rank) continue;
    if (out.b_scaled) out.b_scaled[j] = b[j];
    if (out.coef) out.coef[j] = cj;
    if (out.mean) out.mean[j] = mean[j];
    if (out.scale) out.scale[j] = scale[j];
  }
  // ‖y − ŷ‖² = S_yy − 2bᵀr + bᵀ(A − λI)b, and bᵀA b = bᵀr at the optimum: unconstrained,
  // A b = r; constrained, the passive rows solve A b = r and the others have b_j = 0. So
  // S_yy − bᵀr − λ‖b‖² either way, the form with the least cancellation.
  const double rss = fma(-shape.lambda, btb, syy - btr);
  const double r2 = 1.0 - rss / syy;
  if (rank == 0) {
    if (out.intercept) *out.intercept = intercept;
    if (out.r2) *out.r2 = r2;
    if (out.kpi_mean) *out.kpi_mean = ybar;
  }
  team.sync();
  return fma(shape.penalty_weight, penalty, 1.0 - r2);
}

/// The default model's plausibility term, added to the loss by both backends once the
/// conditioning shifts are undone (coef and mean in KPI units): how far the media's
/// mean contribution exceeds the KPI's mean, as a fraction of it. Beyond 1 the mean baseline
/// (intercept + controls) is negative, the signature of a near-constant Hill column whose
/// coefficient trades off against the intercept; such a fit may have the lower 1 − R², but it
/// is not a model to choose. 0 when the KPI's mean is not positive (no share to speak of).
///
/// `kpi_mean` is the KPI's weighted mean itself (not intercept + Σ coef·mean, which cancels
/// badly exactly when the baseline is far below 0).
MMM_HD inline double excess_media_share(const double* coef, const double* mean, int media,
                                        double kpi_mean) {
  double media_mean = 0.0;
  for (int j = 0; j < media; ++j) media_mean = fma(coef[j], mean[j], media_mean);
  if (!(kpi_mean > 0.0)) return 0.0;
  const double excess = media_mean / kpi_mean - 1.0;
  return excess > 0.0 ? excess : 0.0;
}

}  // namespace mmm
