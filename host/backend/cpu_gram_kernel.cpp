#include "host/backend/cpu_gram_kernel.hpp"

#include <Eigen/Core>

#include "host/features/transforms.hpp"

namespace mmm::cpu {
namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
constexpr int kLanes = ei::unpacket_traits<Packet>::size;
// Register tile of the cross-product kernel: kRows packets × kCols broadcast columns of
// accumulators. 2 × 12 fills 24 of AVX-512's 32 registers; narrower ISAs have 16.
constexpr int kRows = 2;
constexpr int kCols = kLanes >= 8 ? 12 : 6;

/// One register tile: MR packets of rows × NR columns, accumulated over all T periods.
template <int MR, int NR>
void tile(const double* A, int lda, const double* B, int ldb, int T, double* out, int ldo) {
  Packet acc[MR][NR];
  for (int m = 0; m < MR; ++m)
    for (int n = 0; n < NR; ++n) acc[m][n] = ei::pset1<Packet>(0.0);
  for (int t = 0; t < T; ++t) {
    const double* a = A + static_cast<long>(t) * lda;
    const double* b = B + static_cast<long>(t) * ldb;
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

}  // namespace

int simd_lanes() { return kLanes; }

void media_transform(const double* x, int rows, int T, const double* theta, const double* alpha,
                     const double* log_gamma, const double* weights, double* h, double* hw) {
  const Packet one = ei::pset1<Packet>(1.0);
  const Packet tiny = ei::pset1<Packet>(kTinySpend);
  const Packet lo = ei::pset1<Packet>(-kHillExponentClamp);
  const Packet hi = ei::pset1<Packet>(kHillExponentClamp);
  // One packet of channels at a time down the periods: the adstock recurrence is the only
  // serial dependency, and the log/exp of consecutive periods overlap in the pipeline.
  for (int r = 0; r < rows; r += kLanes) {
    const Packet th = ei::ploadu<Packet>(theta + r);
    const Packet al = ei::ploadu<Packet>(alpha + r);
    const Packet lg = ei::ploadu<Packet>(log_gamma + r);
    Packet a = ei::pset1<Packet>(0.0);
    for (int t = 0; t < T; ++t) {
      const long at = static_cast<long>(t) * rows + r;
      // Multiply then add (no fma), like the scalar reference transform_media.
      a = ei::padd(ei::ploadu<Packet>(x + at), ei::pmul(th, a));
      Packet z = ei::pmul(ei::psub(lg, ei::plog(ei::pmax(a, tiny))), al);
      z = ei::pmin(ei::pmax(z, lo), hi);
      const Packet hv = ei::pdiv(one, ei::padd(one, ei::pexp(z)));
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
  for (; m < row_packets; ++m) row_group<1>(A + m * kLanes, lda, B, ldb, cols, T, out + m * kLanes, ldo);
}

}  // namespace mmm::cpu
