#include <algorithm>
#include <string>

#include "host/features/transforms.hpp"
#include "host/model/gram_ridge.hpp"
#include "kernels/gram_kernels.cuh"

namespace mmm::cuda {
namespace {

constexpr int kMediaThreads = 128;
constexpr int kGramThreads = 128;
constexpr int kSolveThreads = 128;
/// Shared memory per Gram block. 24 KiB lets ~9 blocks share an H100 SM (228 KiB).
constexpr std::size_t kGramSharedBudget = 24 * 1024;

/// One thread per (candidate, channel): the adstock recurrence is serial in t, and the
/// candidates × channels threads of a batch keep the GPU busy. Mirrors the CPU's
/// media_transform: a_t = x_t + θ a_{t−1} (multiply, then add), h_t = saturation(a_t), and the
/// shift = Σh / T, or Σwh / Σw under weights that are not all zero.
__global__ void __launch_bounds__(kMediaThreads) media_transform_kernel(const MediaArgs a) {
  const std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::size_t C = a.channels, T = a.periods;
  if (i >= static_cast<std::size_t>(a.count) * C) return;
  const std::size_t cand = i / C, c = i - cand * C;
  const double* hp = a.params + cand * 3 * C + 3 * c;
  const SaturationShape shape = a.saturation == nullptr
                                    ? SaturationShape::Hill
                                    : static_cast<SaturationShape>(a.saturation[c]);
  const double theta = hp[0], alpha = hp[1], constant = saturation_constant(shape, hp[2]);
  const double* w = a.weights != nullptr ? a.weights + cand * a.weight_stride : nullptr;
  double* h = a.media + cand * T * C + c;
  double acc = 0.0, sum = 0.0, weighted = 0.0, weight_sum = 0.0;
  for (std::size_t t = 0; t < T; ++t) {
    // __dadd_rn/__dmul_rn: no contraction into an fma, the same rounding as the CPU.
    acc = __dadd_rn(a.spend[t * C + c], __dmul_rn(theta, acc));
    const double v = saturate(shape, acc, alpha, constant);
    h[t * C] = v;
    sum += v;
    if (w != nullptr) {
      weighted = fma(v, w[t], weighted);
      weight_sum += w[t];
    }
  }
  a.shift[i] = w != nullptr && weight_sum > 0.0 ? weighted / weight_sum : sum * (1.0 / T);
}

/// One block per candidate. The periods are processed in tiles of `tile` rows kept in shared
/// memory (the fixed columns and the centred media copied in); each thread then adds the
/// tile's contribution to the Gram entries it owns. An entry's sum runs over t in order with
/// one fma per period, like the CPU kernel.
__global__ void __launch_bounds__(kGramThreads)
    weighted_gram_kernel(const GramArgs a, const int tile) {
  extern __shared__ double smem[];
  const int T = a.periods, C = a.channels, nf = a.controls + 2;
  const int ld = a.channels + a.controls + 2;
  double* rows = smem;           // tile × ld augmented design rows, row tt at tt·ld
  double* w = rows + tile * ld;  // tile weights
  double* shift = w + tile;      // C media shifts
  const int tid = threadIdx.x, nt = blockDim.x;
  const std::size_t cand = blockIdx.x;
  const double* media =
      a.media != nullptr ? a.media + cand * static_cast<std::size_t>(T) * C : nullptr;
  if (media != nullptr) {
    for (int c = tid; c < C; c += nt) shift[c] = a.media_shift[cand * C + c];
  }
  const double* wv = a.weights != nullptr ? a.weights + cand * a.weight_stride : nullptr;
  double* G = a.gram + cand * ld * ld;
  if (T == 0) {
    for (int e = tid; e < a.entry_count; e += nt) G[a.entries[e].row + a.entries[e].col * ld] = 0;
  }
  __syncthreads();  // shift is visible
  for (int t0 = 0; t0 < T; t0 += tile) {
    const int n = min(tile, T - t0);
    for (int k = tid; k < n * nf; k += nt) {
      const int tt = k / nf, f = k - tt * nf;
      rows[tt * ld + (f == 0 ? 0 : C + f)] = a.fixed[static_cast<std::size_t>(t0 + tt) * nf + f];
    }
    if (media != nullptr) {
      const double* src = media + static_cast<std::size_t>(t0) * C;  // n × C, contiguous
      for (int k = tid; k < n * C; k += nt) {
        const int tt = k / C, c = k - tt * C;
        rows[tt * ld + 1 + c] = src[k] - shift[c];
      }
    }
    for (int tt = tid; tt < n; tt += nt) w[tt] = wv != nullptr ? wv[t0 + tt] : 1.0;
    __syncthreads();
    for (int e = tid; e < a.entry_count; e += nt) {
      const GramEntry g = a.entries[e];
      // The CPU backend's operand order, so that both round alike: the weight multiplies the
      // fixed column of a media × control/y entry (the CPU weights its fixed rows once), and
      // the column operand otherwise; the other operand enters the fma unweighted.
      const bool fixed_row_media_col = g.row > C && g.col >= 1 && g.col <= C;
      const int plain = fixed_row_media_col ? g.col : g.row;
      const int weighted = fixed_row_media_col ? g.row : g.col;
      double s = t0 == 0 ? 0.0 : G[g.row + g.col * ld];
      for (int tt = 0; tt < n; ++tt)
        s = fma(rows[tt * ld + plain], w[tt] * rows[tt * ld + weighted], s);
      G[g.row + g.col * ld] = s;
    }
    __syncthreads();  // the next tile overwrites rows and w
  }
  for (int e = tid; e < a.copied_count; e += nt) {
    const int i = a.copied[e].row + a.copied[e].col * ld;
    G[i] = a.copy_source[i];
  }
}

/// One thread per candidate: the shared ridge solve, then the conditioning shifts undone
/// exactly as CpuEvaluator::evaluate_one does it. Outputs are zeroed first so that a failed
/// solve (loss +inf, outputs untouched by the solver) leaves the same values as on the CPU.
__global__ void __launch_bounds__(kSolveThreads) ridge_solve_kernel(const SolveArgs a) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= a.count) return;
  const int p = a.parameters, ld = p + 2;
  const std::size_t off = static_cast<std::size_t>(i) * p;
  double* coef = a.coef + off;
  double* mean = a.mean + off;
  for (int j = 0; j < p; ++j) {
    coef[j] = 0.0;
    mean[j] = 0.0;
    a.coef_scaled[off + j] = 0.0;
    a.scale[off + j] = 0.0;
  }
  a.intercept[i] = 0.0;
  a.r2[i] = 0.0;
  const GramRidgeShape shape{p, a.media, a.lambda, a.penalty_weight, a.nonnegative_media};
  double kpi_mean = 0.0;
  const GramRidgeOutput out{a.coef_scaled + off, coef,     mean,     a.scale + off,
                            a.intercept + i,     a.r2 + i, &kpi_mean};
  a.loss[i] =
      solve_ridge_from_gram(a.gram + static_cast<std::size_t>(i) * ld * ld, ld, shape,
                            a.work + static_cast<std::size_t>(i) * gram_ridge_work_size(p), out);
  const double* media_shift = a.media_shift + static_cast<std::size_t>(i) * a.media;
  double intercept = a.intercept[i] + a.shift[p + 1];
  for (int j = 0; j < p; ++j) {
    const double s = j < a.media ? media_shift[j] : a.shift[1 + j];
    mean[j] += s;
    intercept = fma(-coef[j], s, intercept);
  }
  a.intercept[i] = intercept;
  if (a.nonnegative_media)
    a.loss[i] += excess_media_share(coef, mean, a.media, kpi_mean + a.shift[p + 1]);
}

}  // namespace

void launch_media_transform(const CudaContext& ctx, const MediaArgs& args) {
  const std::size_t threads = static_cast<std::size_t>(args.count) * args.channels;
  if (threads == 0) return;
  const std::size_t blocks = (threads + kMediaThreads - 1) / kMediaThreads;
  media_transform_kernel<<<static_cast<unsigned>(blocks), kMediaThreads, 0, ctx.stream()>>>(args);
  MMM_CUDA_CHECK_LAUNCH(media_transform_kernel);
}

void launch_weighted_gram(const CudaContext& ctx, const GramArgs& args) {
  if (args.count <= 0) return;
  const int ld = args.channels + args.controls + 2;
  const std::size_t per_channel = args.channels;
  const std::size_t budget = kGramSharedBudget / sizeof(double);
  // As many periods per tile as the budget allows (at least one, at most T).
  std::size_t tile = budget > per_channel ? (budget - per_channel) / (ld + 1) : 1;
  tile = std::max<std::size_t>(1, std::min<std::size_t>(tile, std::max(args.periods, 1)));
  const std::size_t bytes = (tile * (ld + 1) + per_channel) * sizeof(double);
  if (bytes > 48 * 1024) {
    // Only very wide problems (p ≳ 3000) get here: opt in to more shared memory.
    if (bytes > ctx.max_shared_bytes()) {
      throw CudaError("weighted Gram: " + std::to_string(args.channels) + " channels and " +
                          std::to_string(args.controls) + " controls need " +
                          std::to_string(bytes) + " bytes of shared memory; the device has " +
                          std::to_string(ctx.max_shared_bytes()),
                      cudaErrorInvalidValue);
    }
    MMM_CUDA_CHECK(cudaFuncSetAttribute(weighted_gram_kernel,
                                        cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(bytes)));
  }
  weighted_gram_kernel<<<args.count, kGramThreads, bytes, ctx.stream()>>>(args,
                                                                          static_cast<int>(tile));
  MMM_CUDA_CHECK_LAUNCH(weighted_gram_kernel);
}

void launch_ridge_solve(const CudaContext& ctx, const SolveArgs& args) {
  if (args.count <= 0) return;
  const int blocks = (args.count + kSolveThreads - 1) / kSolveThreads;
  ridge_solve_kernel<<<blocks, kSolveThreads, 0, ctx.stream()>>>(args);
  MMM_CUDA_CHECK_LAUNCH(ridge_solve_kernel);
}

cudaError_t kernel_image_status(int ordinal) {
  try {
    const DeviceGuard active(ordinal);
    cudaFuncAttributes attributes{};
    const cudaError_t status = cudaFuncGetAttributes(&attributes, media_transform_kernel);
    if (status != cudaSuccess) cudaGetLastError();  // not sticky: do not report it again
    return status;
  } catch (const CudaError& e) {
    // A device that cannot even be made current cannot run the kernels either.
    return e.status() != cudaSuccess ? e.status() : cudaErrorInvalidDevice;
  }
}

}  // namespace mmm::cuda
