#pragma once
// SIMD kernels of the CPU backend's hot loop: the media transform (adstock + saturation) and the
// cross products that fill the media rows of the Gram. Written on Eigen's packet layer, so
// they compile to AVX-512, AVX2 or SSE with whatever -march the build uses; with AVX-512 the
// Hill transform uses its own table-driven log2/exp2 (about 1 ulp, faster than Eigen's).
//
// Layout: a "period-major" block holds T periods of `lanes`-padded rows, period t at
// [t · ld, t · ld + ld): one period's channels are contiguous, which is what both the adstock
// recurrence (across channels at once) and the outer-product Gram kernel want.

namespace mmm::cpu {

/// Doubles per SIMD packet the kernels use; row counts are padded to a multiple of it.
int simd_lanes();

/// Rounds n up to a multiple of simd_lanes().
inline int pad_to_lanes(int n) { return (n + simd_lanes() - 1) / simd_lanes() * simd_lanes(); }

/// Adstock and saturation of `channels` channels padded to `rows` (a multiple of
/// simd_lanes()), centred: a_t = x_t + θ a_{t−1}, h_t = saturation(a_t) − shift,
/// shift = mean_t h_t (weighted by `weights` when given and not all zero). The saturation is
/// Hill, 1 / (1 + exp(clamp(α (ln γ − ln max(a_t, tiny))))), or, for a channel whose `shapes`
/// entry is SaturationShape::Logistic, tanh(a_t · ln 3 / (2γ)) (as −e / (2 + e), e =
/// expm1(−a_t ln 3 / γ)); both vectorized, a few ulp from transforms.hpp's scalar functions.
/// x and h are period-major with leading dimension `rows`; theta, alpha, gamma hold `rows`
/// values (padding lanes: any finite θ, α and a positive γ); shapes holds `rows` values or is
/// null (every channel Hill); shift receives `rows` values.
/// h and shift of padding lanes are unspecified. When `weights` is not null,
/// hw_t = w_t · h_t is written too.
void media_transform(const double* x, int channels, int rows, int T, const double* theta,
                     const double* alpha, const double* gamma, const int* shapes,
                     const double* weights, double* h, double* hw, double* shift);

/// out(r, j) = Σ_t A[t · lda + r] · B[t · ldb + j] for r < row_packets · simd_lanes() and
/// j < cols; out is column-major with leading dimension ldo. Sums run over t in order with
/// fused multiply-adds, so every entry is deterministic whatever thread computes it.
void cross_products(const double* A, int lda, int row_packets, const double* B, int ldb, int cols,
                    int T, double* out, int ldo);

}  // namespace mmm::cpu
