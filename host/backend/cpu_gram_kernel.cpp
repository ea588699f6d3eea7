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

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#define MMM_FAST_LOG_EXP 1
#endif

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

#elif defined(MMM_FAST_LOG_EXP)
// AVX2 + FMA (e.g. AMD Zen 2/3) has no vpermt2pd, and its gathers are slow (on Zen 3 a
// gather-based version of the above ran at half this speed), so these are table-free: longer
// polynomials on wider reduced ranges, each within 2 ulp of std::log2/std::exp2 (measured over
// 10⁶ random arguments). getmant/getexp, roundscale and scalef are done on the bit patterns.

inline __m256d bc(double v) { return _mm256_set1_pd(v); }
inline __m256d fma4(__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); }

/// log2 a for normal a > 0 (a ≥ kTinySpend is normal): a = 2^k m with m ∈ [√½, √2),
/// f = (m − 1)/(m + 1), log2 m = (2/ln 2) atanh f = f · q(f²) (|f| ≤ 0.172; q's fit error
/// is 1.2e-18 relative).
inline __m256d log2_4(__m256d a) {
  const __m256i bits = _mm256_castpd_si256(a);
  __m256d m = _mm256_castsi256_pd(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)),
                      _mm256_set1_epi64x(0x3FF0000000000000LL)));
  // The biased exponent e (the sign bit is 0) as a double: 2^52 + e has e in its low bits.
  const __m256d two52 = bc(0x1p52);
  __m256d k = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_castpd_si256(two52))),
      bc(0x1p52 + 1023.0));
  const __m256d big = _mm256_cmp_pd(m, bc(1.4142135623730951), _CMP_GT_OQ);
  m = _mm256_blendv_pd(m, _mm256_mul_pd(m, bc(0.5)), big);
  k = _mm256_add_pd(k, _mm256_and_pd(big, bc(1.0)));
  const __m256d f = _mm256_div_pd(_mm256_sub_pd(m, bc(1.0)), _mm256_add_pd(m, bc(1.0)));
  const __m256d s = _mm256_mul_pd(f, f);
  const __m256d s2 = _mm256_mul_pd(s, s);
  const __m256d s4 = _mm256_mul_pd(s2, s2);
  // Near-minimax (Chebyshev-fitted, mpmath) coefficients of (2/ln 2) atanh(√s)/√s on
  // [0, 0.0295], degree 7, by Estrin's scheme.
  const __m256d p0 = fma4(s, bc(0.9617966939259898), bc(2.8853900817779268));
  const __m256d p1 = fma4(s, bc(0.4121985858409005), bc(0.5770780163455203));
  const __m256d p2 = fma4(s, bc(0.262334352504183), bc(0.32059853491395984));
  const __m256d p3 = fma4(s, bc(0.2136589569431927), bc(0.2209130842311768));
  const __m256d q = fma4(fma4(p3, s2, p2), s4, fma4(p1, s2, p0));
  return fma4(f, q, k);
}

/// 2^x for −1000 ≤ x ≤ 1010 (so 2^n is normal and is built in the exponent field):
/// x = n + r, |r| ≤ ½, 2^r by a degree-11 polynomial.
inline __m256d exp2_4(__m256d x) {
  const __m256d nd = _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256d r = _mm256_sub_pd(x, nd);  // exact
  // nd + 1.5·2^52 holds n in its low bits (two's complement); (n + 1023) << 52 is 2^n.
  const __m256i nb = _mm256_castpd_si256(_mm256_add_pd(nd, bc(0x1.8p52)));
  const __m256d scale =
      _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(nb, _mm256_set1_epi64x(1023)), 52));
  const __m256d r2 = _mm256_mul_pd(r, r);
  const __m256d r4 = _mm256_mul_pd(r2, r2);
  const __m256d r8 = _mm256_mul_pd(r4, r4);
  // Near-minimax (Chebyshev-fitted, mpmath) coefficients of 2^r on [−½, ½], degree 11
  // (fit error 3e-18), by Estrin's scheme.
  const __m256d p0 = fma4(r, bc(0.6931471805599453), bc(1.0));
  const __m256d p1 = fma4(r, bc(0.055504108664821625), bc(0.24022650695910158));
  const __m256d p2 = fma4(r, bc(0.001333355814640647), bc(0.009618129107587256));
  const __m256d p3 = fma4(r, bc(1.5252733841556773e-05), bc(0.00015403530463724353));
  const __m256d p4 = fma4(r, bc(1.0178057087733941e-07), bc(1.3215432535912375e-06));
  const __m256d p5 = fma4(r, bc(4.4558179083360645e-10), bc(7.074194297288521e-09));
  const __m256d lo = fma4(fma4(p3, r2, p2), r4, fma4(p1, r2, p0));
  const __m256d hi = fma4(p5, r2, p4);
  return _mm256_mul_pd(fma4(hi, r8, lo), scale);
}

/// hill8 on 4 lanes. The exponent's lower clamp is −1000 instead of −1010: 1 + 2^z is 1 for
/// both, and 2^−1000 is still a normal number.
inline __m256d hill4(__m256d a, __m256d alpha, __m256d log2_gamma) {
  const double clamp = kHillExponentClamp * 1.4426950408889634;
  const __m256d la = log2_4(_mm256_max_pd(a, bc(kTinySpend)));
  __m256d z = _mm256_mul_pd(_mm256_sub_pd(log2_gamma, la), alpha);
  z = _mm256_min_pd(_mm256_max_pd(z, bc(-1000.0)), bc(clamp));
  return _mm256_div_pd(bc(1.0), _mm256_add_pd(bc(1.0), exp2_4(z)));
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

/// log γ in the base hill_packet expects (2 with AVX-512 or AVX2, e otherwise).
inline Packet log_gamma_packet(const Packet& gamma) {
#if defined(__AVX512F__)
  return log2_8(gamma);
#elif defined(MMM_FAST_LOG_EXP)
  return log2_4(gamma);
#else
  return ei::plog(gamma);
#endif
}

/// The Hill transform of one packet of adstocked values (transforms.hpp's hill_from_log).
inline Packet hill_packet(const Packet& a, const Packet& alpha, const Packet& log_gamma) {
#if defined(__AVX512F__)
  return hill8(a, alpha, log_gamma);
#elif defined(MMM_FAST_LOG_EXP)
  return hill4(a, alpha, log_gamma);
#else
  const Packet one = ei::pset1<Packet>(1.0);
  Packet z =
      ei::pmul(ei::psub(log_gamma, ei::plog(ei::pmax(a, ei::pset1<Packet>(kTinySpend)))), alpha);
  z = ei::pmin(ei::pmax(z, ei::pset1<Packet>(-kHillExponentClamp)),
               ei::pset1<Packet>(kHillExponentClamp));
  return ei::pdiv(one, ei::padd(one, ei::pexp(z)));
#endif
}

/// The logistic curve tanh(x), x = k·a ≥ 0, of one packet of adstocked values (k = λ/2 per
/// lane; transforms.hpp's logistic_from_half_rate). From x = 1/8 up, (1 − e) / (1 + e) with
/// e = e^{−2x}: 1 − e ≥ 0.22 there, so the quotient keeps pexp's few-ulp accuracy. Below, where
/// 1 − e would cancel, tanh's Taylor series to x¹³: its next term is below 4e-16 of tanh there.
/// One pexp, where expm1 (Kahan's, over pexp and plog) took a plog more: the logistic search
/// was ~30% slower than the Hill's before (bench/RESULTS.md, "Saturation shape").
inline Packet logistic_packet(const Packet& a, const Packet& k) {
  const Packet x = ei::pmul(k, a);
  const Packet one = ei::pset1<Packet>(1.0);
  const Packet e = ei::pexp(ei::pmul(ei::pset1<Packet>(-2.0), x));
  const Packet quotient = ei::pdiv(ei::psub(one, e), ei::padd(one, e));
  // tanh x = x·Σ c_n x^{2n}, c_n = 2^{2n+2}(2^{2n+2} − 1) B_{2n+2} / (2n + 2)!.
  constexpr double kSeries[] = {-1.0 / 3.0,    2.0 / 15.0,         -17.0 / 315.0,
                                62.0 / 2835.0, -1382.0 / 155925.0, 21844.0 / 6081075.0};
  const Packet x2 = ei::pmul(x, x);
  Packet p = ei::pset1<Packet>(kSeries[5]);
  for (int n = 4; n >= 0; --n) p = ei::pmadd(p, x2, ei::pset1<Packet>(kSeries[n]));
  const Packet series = ei::pmadd(ei::pmul(p, x2), x, x);
  return ei::pselect(ei::pcmp_lt(x, ei::pset1<Packet>(0.125)), series, quotient);
}

/// Channel r's shape (shapes null: every channel Hill).
inline SaturationShape shape_at(const int* shapes, int r) {
  return shapes == nullptr ? SaturationShape::Hill : static_cast<SaturationShape>(shapes[r]);
}

/// Whether any channel in [begin, end) is logistic.
inline bool has_logistic(const int* shapes, int begin, int end) {
  for (int r = begin; shapes != nullptr && r < end; ++r) {
    if (shape_at(shapes, r) == SaturationShape::Logistic) return true;
  }
  return false;
}

}  // namespace

int simd_lanes() { return kLanes; }

void media_transform(const double* x, int channels, int rows, int T, const double* theta,
                     const double* alpha, const double* gamma, const int* shapes,
                     const double* weights, double* h, double* hw, double* shift) {
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
  // Pass 2, saturation in place, one packet of channels at a time so ln γ is taken once; periods
  // are independent, so their long log → exp → divide chains overlap in the pipeline.
  for (int r = 0; r < channels; r += kLanes) {
    const Packet al = ei::ploadu<Packet>(alpha + r);
    const Packet lg = log_gamma_packet(ei::ploadu<Packet>(gamma + r));
    Packet sum = ei::pset1<Packet>(0.0);
    int t = 0;
    const bool logistic = has_logistic(shapes, r, std::min(channels, r + kLanes));
    if (logistic) {
      // A packet holding a logistic channel: both curves per packet, each lane taking its own
      // (a packet of logistic channels alone skips the Hill).
      alignas(64) double rate[kLanes], is_logistic[kLanes];
      bool any_hill = false;
      for (int l = 0; l < kLanes; ++l) {
        const bool lane = shape_at(shapes, r + l) == SaturationShape::Logistic;
        is_logistic[l] = lane ? 1.0 : 0.0;
        rate[l] = lane ? logistic_half_rate(gamma[r + l]) : 0.0;
        any_hill = any_hill || (!lane && r + l < channels);
      }
      const Packet k = ei::pload<Packet>(rate);
      const Packet mask = ei::pcmp_eq(ei::pload<Packet>(is_logistic), ei::pset1<Packet>(1.0));
      for (; t < T; ++t) {
        const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(t) * rows + r;
        const Packet a = ei::ploadu<Packet>(h + at);
        const Packet lv = logistic_packet(a, k);
        const Packet hv = any_hill ? ei::pselect(mask, lv, hill_packet(a, al, lg)) : lv;
        sum = ei::padd(sum, hv);
        ei::pstoreu(h + at, hv);
      }
    }
#if defined(__AVX512F__)
    // A last packet at most half used (e.g. 20 channels: lanes 16..19 of 24) takes two periods
    // per packet, its low halves side by side, so no work is spent on padding lanes.
    if (!logistic && channels - r <= kLanes / 2) {
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
