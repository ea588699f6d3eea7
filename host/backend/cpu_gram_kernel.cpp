#include "host/backend/cpu_gram_kernel.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <utility>

#include "host/features/transforms.hpp"

namespace mmm::cpu {
namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
constexpr int kLanes = ei::packet_traits<double>::size;
// Register tile of the cross-product kernel: kRows packets × kCols broadcast columns of
// accumulators. 2 × 12 fills 24 of AVX-512's 32 registers; narrower ISAs have 16.
constexpr int kRows = 2;
constexpr int kCols = kLanes >= 8 ? 12 : 6;

#if defined(__AVX512F__)
// Base-2 log and exp on 8 lanes, table-driven with 16-entry tables that live in two registers
// each (vpermt2pd looks them up, no gathers) and short polynomials: about 40% fewer
// floating-point operations and one division fewer than Eigen's plog/pexp, each within ~1 ulp.

/// 1/c_j rounded, c_j = 1 + (j + ½)/16 the centre of the j-th sixteenth of [1, 2).
alignas(64) constexpr double kInvC[16] = {
    0.9696969696969697, 0.9142857142857143, 0.8648648648648649, 0.8205128205128205,
    0.7804878048780488, 0.7441860465116279, 0.7111111111111111, 0.6808510638297872,
    0.6530612244897959, 0.6274509803921569, 0.6037735849056604, 0.5818181818181818,
    0.5614035087719298, 0.5423728813559322, 0.5245901639344263, 0.5079365079365079};
/// −log2(kInvC[j]) to double precision (for the rounded reciprocal, so r need not be exact).
alignas(64) constexpr double kLog2C[16] = {
    0.044394119358453395, 0.1292830169449665,  0.2094533656289497,  0.28540221886224837,
    0.3575520046180836,   0.42626475470209796, 0.49185309632967467, 0.5545888516776374,
    0.6147098441152083,   0.6724253419714956,  0.7279204545631992,  0.7813597135246597,
    0.8328900141647417,   0.8826430493618412,  0.9307373375628862,  0.9772799234999165};
/// 2^(j/16) rounded.
alignas(64) constexpr double kExp2J[16] = {
    1.0000000000000000, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916,
    1.189207115002721,  1.241857812073484,  1.2968395546510096, 1.3542555469368927,
    1.4142135623730951, 1.4768261459394993, 1.5422108254079407, 1.6104903319492543,
    1.681792830507429,  1.7562521603732995, 1.8340080864093424, 1.9152065613971474};

inline __m512d bc(double v) { return _mm512_set1_pd(v); }

/// Looks up table[idx & 15] per lane.
inline __m512d lookup16(const double* table, __m512i idx) {
  return _mm512_permutex2var_pd(_mm512_load_pd(table), idx, _mm512_load_pd(table + 8));
}

/// log2 a for normal a > 0: a = 2^k m, m ∈ [1, 2) in sixteenth j, r = m/c_j − 1 (|r| < 1/33)
/// by one fma, log2(1 + r) by its degree-10 Taylor series (truncation < 3e-18).
inline __m512d log2_8(__m512d a) {
  const __m512d m = _mm512_getmant_pd(a, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
  const __m512d k = _mm512_getexp_pd(a);
  const __m512i j = _mm512_srli_epi64(_mm512_castpd_si512(m), 48);  // top 4 mantissa bits
  const __m512d r = _mm512_fmsub_pd(m, lookup16(kInvC, j), bc(1.0));
  const __m512d r2 = _mm512_mul_pd(r, r);
  const __m512d r4 = _mm512_mul_pd(r2, r2);
  const __m512d r8 = _mm512_mul_pd(r4, r4);
  // q(r) = Σ_{i=1..10} (−1)^(i+1) r^(i−1) / (i ln 2) by Estrin's scheme (short chains).
  const __m512d p0 = _mm512_fmadd_pd(r, bc(-0.7213475204444817), bc(1.4426950408889634));
  const __m512d p1 = _mm512_fmadd_pd(r, bc(-0.36067376022224085), bc(0.4808983469629878));
  const __m512d p2 = _mm512_fmadd_pd(r, bc(-0.2404491734814939), bc(0.28853900817779266));
  const __m512d p3 = _mm512_fmadd_pd(r, bc(-0.18033688011112042), bc(0.2060992915555662));
  const __m512d p4 = _mm512_fmadd_pd(r, bc(-0.14426950408889633), bc(0.1602994489876626));
  const __m512d q0 = _mm512_fmadd_pd(p1, r2, p0);
  const __m512d q1 = _mm512_fmadd_pd(p3, r2, p2);
  const __m512d q = _mm512_fmadd_pd(p4, r8, _mm512_fmadd_pd(q1, r4, q0));
  return _mm512_fmadd_pd(r, q, _mm512_add_pd(k, lookup16(kLog2C, j)));
}

/// 2^x for |x| ≤ 1010: x = n + j/16 + r with |r| ≤ 1/32, 2^r by its degree-7 Taylor series
/// (truncation < 2e-18), times 2^(j/16) from the table, 2^n applied exactly by vscalefpd.
inline __m512d exp2_8(__m512d x) {
  // Round to a multiple of 1/16 (vrndscalepd keeps 4 fraction bits).
  const __m512d kf = _mm512_roundscale_pd(x, (4 << 4) | _MM_FROUND_TO_NEAREST_INT);
  const __m512d r = _mm512_sub_pd(x, kf);  // exact
  // kf + 1.5·2^48 is exact and its low 4 mantissa bits are 16 kf mod 16 = j (also for kf < 0,
  // matching the floor(kf) that vscalefpd applies).
  const __m512i j = _mm512_castpd_si512(_mm512_add_pd(kf, bc(0x1.8p48)));
  const __m512d r2 = _mm512_mul_pd(r, r);
  const __m512d r4 = _mm512_mul_pd(r2, r2);
  const __m512d p0 = _mm512_fmadd_pd(r, bc(0.6931471805599453), bc(1.0));
  const __m512d p1 = _mm512_fmadd_pd(r, bc(0.05550410866482158), bc(0.24022650695910072));
  const __m512d p2 = _mm512_fmadd_pd(r, bc(0.0013333558146428443), bc(0.009618129107628477));
  const __m512d p3 = _mm512_fmadd_pd(r, bc(1.5252733804059841e-05), bc(0.0001540353039338161));
  const __m512d q = _mm512_fmadd_pd(_mm512_fmadd_pd(p3, r2, p2), r4, _mm512_fmadd_pd(p1, r2, p0));
  return _mm512_scalef_pd(_mm512_mul_pd(q, lookup16(kExp2J, j)), kf);
}

/// ln-free Hill on 8 lanes: 1 / (1 + 2^clamp(α (log2 γ − log2 max(a, tiny)))), the exponent
/// clamped at ±700 / ln 2, the same bound as transforms.hpp's ±700 in natural units.
inline __m512d hill8(__m512d a, __m512d alpha, __m512d log2_gamma) {
  const double clamp = kHillExponentClamp * 1.4426950408889634;
  const __m512d la = log2_8(_mm512_max_pd(a, bc(kTinySpend)));
  __m512d z = _mm512_mul_pd(_mm512_sub_pd(log2_gamma, la), alpha);
  z = _mm512_min_pd(_mm512_max_pd(z, bc(-clamp)), bc(clamp));
  return _mm512_div_pd(bc(1.0), _mm512_add_pd(bc(1.0), exp2_8(z)));
}
#endif

/// One register tile: MR packets of rows × NR columns, accumulated over all T periods.
template <int MR, int NR>
void tile(const double* A, int lda, const double* B, int ldb, int T, double* out, int ldo) {
  Packet acc[MR][NR];
  for (int m = 0; m < MR; ++m)
    for (int n = 0; n < NR; ++n) acc[m][n] = ei::pset1<Packet>(0.0);
  for (int t = 0; t < T; ++t) {
    const double* a = A + static_cast<std::ptrdiff_t>(t) * lda;
    const double* b = B + static_cast<std::ptrdiff_t>(t) * ldb;
    Packet av[MR];
    for (int m = 0; m < MR; ++m) av[m] = ei::ploadu<Packet>(a + m * kLanes);
    for (int n = 0; n < NR; ++n) {
      const Packet bv = ei::pset1<Packet>(b[n]);
      for (int m = 0; m < MR; ++m) acc[m][n] = ei::pmadd(av[m], bv, acc[m][n]);
    }
  }
  for (int n = 0; n < NR; ++n)
    for (int m = 0; m < MR; ++m) ei::pstoreu(out + n * ldo + m * kLanes, acc[m][n]);
}

using TileFn = void (*)(const double*, int, const double*, int, int, double*, int);

/// tile<MR, NR> for a run-time NR in [1, kCols]: the column tail of a row group.
template <int MR, int... NR>
TileFn tile_for(int cols, std::integer_sequence<int, NR...>) {
  static constexpr TileFn table[] = {&tile<MR, NR + 1>...};
  return table[cols - 1];
}

template <int MR>
void row_group(const double* A, int lda, const double* B, int ldb, int cols, int T, double* out,
               int ldo) {
  int j = 0;
  for (; j + kCols <= cols; j += kCols) tile<MR, kCols>(A, lda, B + j, ldb, T, out + j * ldo, ldo);
  if (j < cols) {
    tile_for<MR>(cols - j, std::make_integer_sequence<int, kCols>{})(A, lda, B + j, ldb, T,
                                                                     out + j * ldo, ldo);
  }
}

/// a_t = x_t + θ a_{t−1} for N packets of channels (period-major, leading dimension ld).
template <int N>
void adstock_packets(const double* x, int ld, int T, const double* theta, double* a_out) {
  Packet th[N], a[N];
  for (int q = 0; q < N; ++q) {
    th[q] = ei::ploadu<Packet>(theta + q * kLanes);
    a[q] = ei::pset1<Packet>(0.0);
  }
  for (int t = 0; t < T; ++t) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(t) * ld;
    for (int q = 0; q < N; ++q) {
      // The same expression as the scalar reference, transform_media.
      a[q] = ei::padd(ei::ploadu<Packet>(x + at + q * kLanes), ei::pmul(th[q], a[q]));
      ei::pstoreu(a_out + at + q * kLanes, a[q]);
    }
  }
}

/// log γ in the base hill_packet expects (2 with AVX-512, e otherwise).
inline Packet log_gamma_packet(const Packet& gamma) {
#if defined(__AVX512F__)
  return log2_8(gamma);
#else
  return ei::plog(gamma);
#endif
}

/// The Hill transform of one packet of adstocked values (transforms.hpp's hill_from_log).
inline Packet hill_packet(const Packet& a, const Packet& alpha, const Packet& log_gamma) {
#if defined(__AVX512F__)
  return hill8(a, alpha, log_gamma);
#else
  const Packet one = ei::pset1<Packet>(1.0);
  Packet z =
      ei::pmul(ei::psub(log_gamma, ei::plog(ei::pmax(a, ei::pset1<Packet>(kTinySpend)))), alpha);
  z = ei::pmin(ei::pmax(z, ei::pset1<Packet>(-kHillExponentClamp)),
               ei::pset1<Packet>(kHillExponentClamp));
  return ei::pdiv(one, ei::padd(one, ei::pexp(z)));
#endif
}

}  // namespace

int simd_lanes() { return kLanes; }

void media_transform(const double* x, int channels, int rows, int T, const double* theta,
                     const double* alpha, const double* gamma, const double* weights, double* h,
                     double* hw, double* shift) {
  // Pass 1, adstock into h: serial in t, so up to four packets of channels run side by side
  // to overlap their dependency chains.
  for (int r = 0; r < rows; r += 4 * kLanes) {
    using Fn = void (*)(const double*, int, int, const double*, double*);
    static constexpr Fn kBlock[] = {&adstock_packets<1>, &adstock_packets<2>, &adstock_packets<3>,
                                    &adstock_packets<4>};
    kBlock[std::min(4, (rows - r) / kLanes) - 1](x + r, rows, T, theta + r, h + r);
  }
  double weight_sum = 0.0;
  if (weights != nullptr)
    for (int t = 0; t < T; ++t) weight_sum += weights[t];
  // Pass 2, Hill in place, one packet of channels at a time so ln γ is taken once; periods
  // are independent, so their long log → exp → divide chains overlap in the pipeline.
  for (int r = 0; r < channels; r += kLanes) {
    const Packet al = ei::ploadu<Packet>(alpha + r);
    const Packet lg = log_gamma_packet(ei::ploadu<Packet>(gamma + r));
    Packet sum = ei::pset1<Packet>(0.0);
    int t = 0;
#if defined(__AVX512F__)
    // A last packet at most half used (e.g. 20 channels: lanes 16..19 of 24) takes two periods
    // per packet, its low halves side by side, so no work is spent on padding lanes.
    if (channels - r <= kLanes / 2) {
      const __m512d al2 = _mm512_broadcast_f64x4(_mm512_castpd512_pd256(al));
      const __m512d lg2 = _mm512_broadcast_f64x4(_mm512_castpd512_pd256(lg));
      __m512d sum2 = _mm512_setzero_pd();
      for (; t + 1 < T; t += 2) {
        double* h0 = h + static_cast<std::ptrdiff_t>(t) * rows + r;
        double* h1 = h0 + rows;
        const __m512d a2 =
            _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_loadu_pd(h0)), _mm256_loadu_pd(h1), 1);
        const __m512d hv = hill8(a2, al2, lg2);
        sum2 = _mm512_add_pd(sum2, hv);
        _mm256_storeu_pd(h0, _mm512_castpd512_pd256(hv));
        _mm256_storeu_pd(h1, _mm512_extractf64x4_pd(hv, 1));
      }
      sum = _mm512_zextpd256_pd512(
          _mm256_add_pd(_mm512_castpd512_pd256(sum2), _mm512_extractf64x4_pd(sum2, 1)));
    }
#endif
    for (; t < T; ++t) {
      const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(t) * rows + r;
      const Packet hv = hill_packet(ei::ploadu<Packet>(h + at), al, lg);
      sum = ei::padd(sum, hv);
      ei::pstoreu(h + at, hv);
    }
    // Centre each channel on its (weighted) mean. The Gram then holds cross-products of
    // deviations: a nearly constant h (saturated, or tiny) would otherwise have its variance
    // computed as Σwh² − n·mean², losing up to all of its digits to cancellation. Under weights
    // the unweighted mean is not enough: rows weighted 0 (e.g. the adstock ramp-up) can sit
    // far from the weighted mean compared with the weighted spread.
    Packet mean = ei::pmul(sum, ei::pset1<Packet>(1.0 / T));
    if (weights != nullptr && weight_sum > 0.0) {
      sum = ei::pset1<Packet>(0.0);
      for (t = 0; t < T; ++t) {
        sum = ei::pmadd(ei::ploadu<Packet>(h + static_cast<std::ptrdiff_t>(t) * rows + r),
                        ei::pset1<Packet>(weights[t]), sum);
      }
      mean = ei::pdiv(sum, ei::pset1<Packet>(weight_sum));
    }
    ei::pstoreu(shift + r, mean);
    for (t = 0; t < T; ++t) {
      const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(t) * rows + r;
      const Packet hv = ei::psub(ei::ploadu<Packet>(h + at), mean);
      ei::pstoreu(h + at, hv);
      if (weights != nullptr) ei::pstoreu(hw + at, ei::pmul(hv, ei::pset1<Packet>(weights[t])));
    }
  }
}

void cross_products(const double* A, int lda, int row_packets, const double* B, int ldb, int cols,
                    int T, double* out, int ldo) {
  if (cols <= 0) return;
  int m = 0;
  for (; m + kRows <= row_packets; m += kRows) {
    row_group<kRows>(A + m * kLanes, lda, B, ldb, cols, T, out + m * kLanes, ldo);
  }
  for (; m < row_packets; ++m)
    row_group<1>(A + m * kLanes, lda, B, ldb, cols, T, out + m * kLanes, ldo);
}

}  // namespace mmm::cpu
