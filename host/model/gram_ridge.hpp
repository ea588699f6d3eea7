#pragma once
// Ridge regression solved from a weighted Gram matrix (SPEC §4), shared by both backends.
//
// The augmented design is M = [1, X, y] with X = [media h_1..h_C, controls]; G = Mᵀ W M
// ((p+2) × (p+2), W = diagonal row weights, e.g. bootstrap counts or a CV fold's 0/1 mask).
// From G alone we get the weighted means, the population standard deviations, the
// standardized normal equations of scikit-learn's StandardScaler + Ridge(alpha = λ), the
// residual sum of squares and therefore R² and the loss: a candidate never needs its
// predictions materialized.

#include <cmath>

#include "host/common/hd.hpp"

namespace mmm {

/// Sizes and options of one ridge problem.
struct GramRidgeShape {
  int parameters;         ///< p = media + controls (columns of X)
  int media;              ///< C, the leading columns whose negative coefficients are penalized
  double lambda;          ///< ridge penalty on the standardized coefficients
  double penalty_weight;  ///< weight of Σ min(b_c, 0)² in the loss
};

/// Where the solve writes its results (p-long arrays, or single values; any may be null).
struct GramRidgeOutput {
  double* b_scaled;   ///< coefficients of the standardized columns (scikit-learn's coef_)
  double* coef;       ///< coefficients in the columns' own units: b / σ
  double* mean;       ///< weighted column means
  double* scale;      ///< population standard deviations (1 for constant columns)
  double* intercept;  ///< ȳ − Σ coef·mean (one value)
  double* r2;         ///< R² on the weighted rows (one value)
};

/// Reads G(i, j) from the lower triangle of a column-major matrix with leading dimension ld.
MMM_HD inline double gram_at(const double* G, int ld, int i, int j) {
  return i >= j ? G[i + j * ld] : G[j + i * ld];
}

/// scikit-learn's test for a constant feature (sklearn.preprocessing._data._is_constant_feature):
/// the variance is within rounding of zero given the mean and the number of samples.
MMM_HD inline bool is_constant_feature(double var, double mean, double n) {
  const double eps = 2.220446049250313e-16;
  const double bound = n * eps * var + (n * mean * eps) * (n * mean * eps);
  return var <= bound;
}

/// Doubles of scratch space solve_ridge_from_gram needs for p parameters.
MMM_HD inline int gram_ridge_work_size(int p) { return p * p + 4 * p; }

/// Solves the ridge problem from G (lower triangle used) and returns the loss
/// (1 − R²) + penalty_weight · Σ_{c < media} min(b_c, 0)². Returns +inf when the weights are
/// empty, the KPI has no variance or the factorization fails (the candidate is then simply
/// never chosen). `work` holds gram_ridge_work_size(p) doubles.
MMM_HD inline double solve_ridge_from_gram(const double* G, int ld, const GramRidgeShape& shape,
                                           double* work, const GramRidgeOutput& out) {
  const int p = shape.parameters;
  const int iy = p + 1;
  const double inf = 1.0 / 0.0;
  const double n = G[0];
  if (!(n > 0.0)) return inf;
  double* A = work;             // p × p column-major: standardized Gram + λI, then Cholesky
  double* mean = work + p * p;  // weighted column means
  double* scale = mean + p;     // population standard deviations
  double* r = scale + p;        // standardized Xᵀ(y − ȳ)
  double* b = r + p;            // the solution
  const double ybar = gram_at(G, ld, iy, 0) / n;
  for (int j = 0; j < p; ++j) {
    const double mj = gram_at(G, ld, 1 + j, 0) / n;
    const double var = (gram_at(G, ld, 1 + j, 1 + j) - n * mj * mj) / n;
    mean[j] = mj;
    scale[j] = is_constant_feature(var, mj, n) ? 1.0 : sqrt(var > 0 ? var : 0.0);
    r[j] = (gram_at(G, ld, iy, 1 + j) - n * mj * ybar) / scale[j];
  }
  // Multiplying by 1/σ instead of dividing keeps p² divisions out of the hot path (b below
  // holds 1/σ until the solve needs it).
  for (int j = 0; j < p; ++j) b[j] = 1.0 / scale[j];
  for (int k = 0; k < p; ++k) {
    // j ≥ k, so G(1 + j, 1 + k) is in the lower triangle: direct indexing lets this vectorize.
    const double* Gk = G + (1 + k) * ld + 1;
    const double nmk = n * mean[k], bk = b[k];
    for (int j = k; j < p; ++j) A[j + k * p] = (Gk[j] - nmk * mean[j]) * (b[j] * bk);
    A[k + k * p] += shape.lambda;
  }
  const double syy = gram_at(G, ld, iy, iy) - n * ybar * ybar;
  if (!(syy > 0.0)) return inf;
  // Cholesky A = L Lᵀ in the lower triangle, right-looking: once column k is final, its outer
  // product leaves the trailing block. Each entry still subtracts its terms in the order
  // m = 0, 1, …, as the textbook dot-product form does, but the updates are independent, so
  // they overlap in the pipeline instead of forming p long FMA chains (3× faster on the CPU).
  for (int k = 0; k < p; ++k) {
    const double d2 = A[k + k * p];
    if (!(d2 > 0.0)) return inf;
    const double d = sqrt(d2);
    const double inv_d = 1.0 / d;
    A[k + k * p] = d;
    for (int j = k + 1; j < p; ++j) A[j + k * p] *= inv_d;
    for (int i = k + 1; i < p; ++i) {
      const double lik = A[i + k * p];
      for (int j = i; j < p; ++j) A[j + i * p] -= A[j + k * p] * lik;
    }
  }
  // Solve L z = r, then Lᵀ b = z, both column by column: each unknown, once known, is
  // subtracted from all the others at once (independent updates, no long FMA chains).
  for (int j = 0; j < p; ++j) b[j] = r[j];
  for (int m = 0; m < p; ++m) {
    b[m] /= A[m + m * p];
    for (int j = m + 1; j < p; ++j) b[j] -= A[j + m * p] * b[m];
  }
  for (int j = p - 1; j >= 0; --j) {
    b[j] /= A[j + j * p];
    for (int m = 0; m < j; ++m) b[m] -= A[j + m * p] * b[j];
  }
  // ‖y − ŷ‖² = S_yy − 2bᵀr + bᵀAb, and (A + λI) b = r turns it into S_yy − bᵀr − λ‖b‖².
  double btr = 0.0, btb = 0.0, penalty = 0.0, intercept = ybar;
  for (int j = 0; j < p; ++j) {
    btr += b[j] * r[j];
    btb += b[j] * b[j];
    if (j < shape.media && b[j] < 0.0) penalty += b[j] * b[j];
    const double cj = b[j] / scale[j];
    intercept -= cj * mean[j];
    if (out.b_scaled) out.b_scaled[j] = b[j];
    if (out.coef) out.coef[j] = cj;
    if (out.mean) out.mean[j] = mean[j];
    if (out.scale) out.scale[j] = scale[j];
  }
  const double r2 = 1.0 - (syy - btr - shape.lambda * btb) / syy;
  if (out.intercept) *out.intercept = intercept;
  if (out.r2) *out.r2 = r2;
  return (1.0 - r2) + shape.penalty_weight * penalty;
}

}  // namespace mmm
