#include <algorithm>
#include <string>

#include "host/common/resampling.hpp"
#include "host/features/transforms.hpp"
#include "host/model/gram_ridge.hpp"
#include "kernels/fused_evaluator.cuh"

namespace mmm::cuda {
namespace {

/// The block as gram_ridge.hpp's team: the solve's loops split over its threads.
struct BlockTeam {
  __device__ int rank() const { return static_cast<int>(threadIdx.x); }
  __device__ int size() const { return static_cast<int>(blockDim.x); }
  __device__ void sync() const { __syncthreads(); }
};

/// Doubles of shared memory outside the period tile: the Gram, the weights, six per-channel
/// arrays and the solve's results (4p + 3).
std::size_t fixed_doubles(int T, int C, int K, bool weighted) {
  const std::size_t p = C + K, ld = p + 2;
  return ld * ld + (weighted ? T : 0) + 6 * static_cast<std::size_t>(C) + 4 * p + 3;
}

/// Doubles per period of the tile: h, and under weights w·h and w·fixed.
std::size_t period_doubles(int C, int K, bool weighted) {
  return weighted ? 2 * static_cast<std::size_t>(C) + K + 2 : C;
}

/// Candidate `cand`'s row weights into w[0..T): copied, or bootstrap counts drawn here. Each
/// draw adds 1 to a count; the counts are small integers, exact in any order, so they equal
/// the host's resample_block_counts bit for bit.
__device__ void load_weights(const FusedArgs& a, std::size_t cand, double* w) {
  const int T = a.periods, tid = threadIdx.x, nt = blockDim.x;
  if (a.weights != nullptr) {
    for (int t = tid; t < T; t += nt) w[t] = a.weights[cand * a.weight_stride + t];
    return;
  }
  for (int t = tid; t < T; t += nt) w[t] = 0.0;
  __syncthreads();
  const std::uint32_t b = a.resample[cand], rows = static_cast<std::uint32_t>(T);
  if (a.block_length <= 1) {
    for (int i = tid; i < T; i += nt) {
      atomicAdd(&w[resample_row(a.resample_seed, b, static_cast<std::uint32_t>(i), rows)], 1.0);
    }
    return;
  }
  const std::uint32_t L = static_cast<std::uint32_t>(a.block_length);
  const std::uint32_t blocks = resample_block_count(rows, L);
  for (std::uint32_t j = tid; j < blocks; j += nt) {
    const std::uint32_t start = resample_block_start(a.resample_seed, b, j, rows, L);
    const std::uint32_t left = rows - j * L;
    const std::uint32_t len = left < L ? left : L;
    for (std::uint32_t k = 0; k < len; ++k) atomicAdd(&w[start + k], 1.0);
  }
}

/// Channel c's saturation shape (a.saturation null: every channel Hill).
__device__ SaturationShape shape_of(const FusedArgs& a, int c) {
  return a.saturation == nullptr ? SaturationShape::Hill
                                 : static_cast<SaturationShape>(a.saturation[c]);
}

/// Shared-memory layout of one block (see fixed_doubles and period_doubles).
struct Layout {
  double* G;               ///< ld × ld Gram, lower triangle
  double* w;               ///< T weights (weighted calls)
  double* theta;           ///< C
  double* alpha;           ///< C
  double* shape_constant;  ///< C: saturation_constant (ln γ for Hill, λ/2 for logistic)
  double* state;           ///< C: the adstock carried from tile to tile
  double* sum;             ///< C: Σ h, then the shift that centres the channel
  double* wsum;            ///< C: Σ w h
  double* result;          ///< coef_scaled, coef, mean, scale (p each), intercept, r2, kpi_mean
  double* h;               ///< tile × C: adstock, then Hill, then centred h
  double* hw;              ///< tile × C: w·h
  double* fw;              ///< tile × (K+2): w·fixed
};

/// a_t = x_t + θ a_{t−1} for the tile's periods (one thread per channel, the state carried
/// in s.state), then the saturation (Hill or logistic) of every (period, channel) of the tile.
__device__ void transform_tile(const FusedArgs& a, const Layout& s, int t0, int n) {
  const int C = a.channels, tid = threadIdx.x, nt = blockDim.x;
  for (int c = tid; c < C; c += nt) {
    double acc = s.state[c];
    const double theta = s.theta[c];
    for (int tt = 0; tt < n; ++tt) {
      // __dadd_rn/__dmul_rn: no contraction into an fma, the CPU's rounding.
      acc = __dadd_rn(a.spend[static_cast<std::size_t>(t0 + tt) * C + c], __dmul_rn(theta, acc));
      s.h[tt * C + c] = acc;
    }
    s.state[c] = acc;
  }
  __syncthreads();
  for (int k = tid; k < n * C; k += nt) {
    const int c = k % C;
    const double v = s.h[k];
    s.h[k] = saturate(shape_of(a, c), v, s.alpha[c], s.shape_constant[c]);
  }
  __syncthreads();
}

/// Adds the tile's periods to every listed Gram entry: G(row, col) += Σ_t a_t b_t with the
/// CPU backend's operands (a: the unweighted row, b: the weighted one; a media × fixed entry
/// takes the media column as a), one fma per period in order.
__device__ void accumulate_tile(const FusedArgs& a, const Layout& s, int t0, int n, bool weighted) {
  const int C = a.channels, nf = a.controls + 2, ld = C + nf;
  const double* fixed = a.fixed + static_cast<std::size_t>(t0) * nf;
  for (int e = threadIdx.x; e < a.entry_count; e += blockDim.x) {
    const GramEntry g = a.entries[e];
    const bool row_media = g.row >= 1 && g.row <= C, col_media = g.col >= 1 && g.col <= C;
    // Fixed column f sits at design index 0 (the ones) or C + f.
    const int row_fixed = g.row == 0 ? 0 : g.row - C, col_fixed = g.col == 0 ? 0 : g.col - C;
    const double *x, *y;
    int sx, sy;
    if (row_media || col_media) {
      const int media = row_media ? g.row : g.col;  // the row when both are media
      const int other = row_media ? g.col : g.row;
      x = s.h + (media - 1);
      sx = C;
      if (other >= 1 && other <= C) {
        y = (weighted ? s.hw : s.h) + (other - 1);
        sy = C;
      } else {
        const int f = other == 0 ? 0 : other - C;
        y = weighted ? s.fw + f : fixed + f;
        sy = nf;
      }
    } else {
      x = fixed + row_fixed;
      sx = nf;
      y = weighted ? s.fw + col_fixed : fixed + col_fixed;
      sy = nf;
    }
    double acc = s.G[g.row + g.col * ld];
    for (int tt = 0; tt < n; ++tt) acc = fma(x[tt * sx], y[tt * sy], acc);
    s.G[g.row + g.col * ld] = acc;
  }
}

/// The solve by the block, then the conditioning shifts undone and the loss, as
/// CpuEvaluator::evaluate_one does; results to global memory.
__device__ void solve_and_store(const FusedArgs& a, const Layout& s, double* work,
                                std::size_t cand) {
  const int C = a.channels, K = a.controls, p = C + K, ld = p + 2;
  const int tid = threadIdx.x, nt = blockDim.x;
  double* b_scaled = s.result;
  double* coef = b_scaled + p;
  double* mean = coef + p;
  double* scale = mean + p;
  double* scalars = scale + p;  // intercept, r2, kpi_mean
  const GramRidgeShape shape{p, C, a.lambda, a.penalty_weight, a.nonnegative_media};
  const GramRidgeOutput out{b_scaled, coef, mean, scale, scalars, scalars + 1, scalars + 2};
  double loss = solve_ridge_from_gram(s.G, ld, shape, work, out, BlockTeam{});
  __syncthreads();  // a failed solve returns without a final sync
  for (int j = tid; j < p; j += nt) mean[j] += j < C ? s.sum[j] : a.shift[1 + j];
  __syncthreads();
  const std::size_t off = cand * p;
  if (tid == 0) {
    double intercept = scalars[0] + a.shift[p + 1];
    for (int j = 0; j < p; ++j)
      intercept = fma(-coef[j], j < C ? s.sum[j] : a.shift[1 + j], intercept);
    if (a.nonnegative_media) loss += excess_media_share(coef, mean, C, scalars[2] + a.shift[p + 1]);
    a.loss[cand] = loss;
    if (a.r2 != nullptr) {
      a.r2[cand] = scalars[1];
      a.intercept[cand] = intercept;
    }
  }
  if (a.coef == nullptr) return;
  for (int j = tid; j < p; j += nt) {
    a.coef_scaled[off + j] = b_scaled[j];
    a.coef[off + j] = coef[j];
    a.mean[off + j] = mean[j];
    a.scale[off + j] = scale[j];
  }
}

__global__ void __launch_bounds__(kFusedThreads) fused_evaluate_kernel(const FusedArgs a) {
  extern __shared__ double smem[];
  const int T = a.periods, C = a.channels, K = a.controls, nf = K + 2, p = C + K, ld = p + 2;
  const int tid = threadIdx.x, nt = blockDim.x, tile = a.tile;
  const bool weighted = a.weights != nullptr || a.resample != nullptr;
  const std::size_t cand = blockIdx.x;
  Layout s;
  s.G = smem;
  s.w = s.G + ld * ld;
  s.theta = s.w + (weighted ? T : 0);
  s.alpha = s.theta + C;
  s.shape_constant = s.alpha + C;
  s.state = s.shape_constant + C;
  s.sum = s.state + C;
  s.wsum = s.sum + C;
  s.result = s.wsum + C;
  s.h = s.result + 4 * p + 3;
  s.hw = s.h + tile * C;
  s.fw = s.hw + tile * C;

  // The Gram starts as the batch's fixed-column block (zero elsewhere) or as zeros.
  for (int i = tid; i < ld * ld; i += nt) s.G[i] = a.fixed_gram != nullptr ? a.fixed_gram[i] : 0.0;
  const double* hp = a.params + cand * 3 * C;
  for (int c = tid; c < C; c += nt) {
    s.theta[c] = hp[3 * c];
    s.alpha[c] = hp[3 * c + 1];
    s.shape_constant[c] = saturation_constant(shape_of(a, c), hp[3 * c + 2]);
    s.state[c] = 0.0;
    s.sum[c] = 0.0;
    s.wsum[c] = 0.0;
  }
  for (int i = tid; i < 4 * p + 3; i += nt) s.result[i] = 0.0;  // a failed solve reports zeros
  if (weighted) load_weights(a, cand, s.w);
  __syncthreads();
  // Σ w in order over t, as the CPU's media_transform sums it (every thread, the same value).
  double weight_sum = 0.0;
  if (weighted)
    for (int t = 0; t < T; ++t) weight_sum += s.w[t];

  // Pass 1: the shift that centres each channel, the CPU's media_transform: Σ w h / Σ w under
  // weights that are not all zero, else Σ h / T, summed in period order.
  const int tiles = T > 0 ? (T + tile - 1) / tile : 0;
  for (int k = 0; k < tiles; ++k) {
    const int t0 = k * tile, n = min(tile, T - t0);
    transform_tile(a, s, t0, n);
    for (int c = tid; c < C; c += nt) {
      double sum = s.sum[c], wsum = s.wsum[c];
      for (int tt = 0; tt < n; ++tt) {
        const double v = s.h[tt * C + c];
        sum += v;
        if (weighted) wsum = fma(v, s.w[t0 + tt], wsum);
      }
      s.sum[c] = sum;
      s.wsum[c] = wsum;
    }
  }
  for (int c = tid; c < C; c += nt) {
    s.sum[c] = weighted && weight_sum > 0.0 ? s.wsum[c] / weight_sum : s.sum[c] * (1.0 / T);
    s.state[c] = 0.0;  // pass 2 runs the adstock again from the start
  }
  __syncthreads();
  // Pass 2: centre, weight and accumulate the Gram. With one tile, pass 1's transform is still
  // in shared memory; a longer series is transformed again, tile by tile: the shift is known
  // only after the last period, and centring on it keeps the sums free of cancellation (a
  // saturated channel's spread is ~1e-6 of its level) exactly as on the CPU.
  for (int k = 0; k < tiles; ++k) {
    const int t0 = k * tile, n = min(tile, T - t0);
    if (tiles > 1) transform_tile(a, s, t0, n);
    for (int i = tid; i < n * C; i += nt) {
      const int tt = i / C, c = i - tt * C;
      const double v = s.h[i] - s.sum[c];
      s.h[i] = v;
      if (weighted) s.hw[i] = v * s.w[t0 + tt];
    }
    if (weighted) {
      for (int i = tid; i < n * nf; i += nt) {
        const int tt = i / nf, f = i - tt * nf;
        s.fw[i] = s.w[t0 + tt] * a.fixed[static_cast<std::size_t>(t0 + tt) * nf + f];
      }
    }
    __syncthreads();
    accumulate_tile(a, s, t0, n, weighted);
    __syncthreads();
  }
  solve_and_store(a, s, s.h, cand);
}

}  // namespace

FusedPlan fused_plan(int periods, int channels, int controls, bool weighted, std::size_t budget) {
  const std::size_t fixed = fixed_doubles(periods, channels, controls, weighted);
  const std::size_t per = period_doubles(channels, controls, weighted);
  const std::size_t work = gram_ridge_work_size(channels + controls);
  const std::size_t doubles = budget / sizeof(double);
  std::size_t tile = doubles > fixed ? (doubles - fixed) / per : 1;
  tile = std::max<std::size_t>(1, std::min<std::size_t>(tile, std::max(periods, 1)));
  FusedPlan plan;
  plan.tile = static_cast<int>(tile);
  plan.bytes = (fixed + std::max(tile * per, work)) * sizeof(double);
  return plan;
}

void launch_fused_evaluate(const CudaContext& ctx, const FusedArgs& args, const FusedPlan& plan) {
  if (args.count <= 0) return;
  if (plan.bytes > ctx.max_shared_bytes()) {
    throw CudaError("fused evaluation: " + std::to_string(args.channels) + " channels and " +
                        std::to_string(args.controls) + " controls need " +
                        std::to_string(plan.bytes) + " bytes of shared memory per block; the " +
                        "device has " + std::to_string(ctx.max_shared_bytes()),
                    cudaErrorInvalidValue);
  }
  if (plan.bytes > 48 * 1024) {
    MMM_CUDA_CHECK(cudaFuncSetAttribute(fused_evaluate_kernel,
                                        cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(plan.bytes)));
  }
  FusedArgs a = args;
  a.tile = plan.tile;
  fused_evaluate_kernel<<<args.count, kFusedThreads, plan.bytes, ctx.stream()>>>(a);
  MMM_CUDA_CHECK_LAUNCH(fused_evaluate_kernel);
}

}  // namespace mmm::cuda
