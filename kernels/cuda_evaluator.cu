#include <algorithm>
#include <stdexcept>

#include "host/common/resampling.hpp"
#include "host/model/gram_ridge.hpp"
#include "kernels/cuda_evaluator.cuh"

namespace mmm::cuda {
namespace {

/// Device memory left to other users (and to the CUDA context's own needs) when sizing
/// workspaces: 5% of the device, at least 256 MiB.
std::size_t reserved_bytes(std::size_t total) {
  return std::max<std::size_t>(total / 20, std::size_t{256} << 20);
}

}  // namespace

CudaEvaluator::CudaEvaluator(const ResidentProblem& problem, int ordinal, int max_chunk,
                             const CudaEvaluatorOptions& options)
    : ctx_(ordinal),
      T_(problem.periods),
      C_(problem.channels),
      K_(problem.controls),
      p_(C_ + K_),
      ld_(p_ + 2),
      lambda_(problem.ridge_lambda),
      penalty_weight_(problem.penalty_weight),
      nonnegative_media_(problem.nonnegative_media),
      max_chunk_(std::max(1, max_chunk)),
      fused_(options.fused) {
  const DeviceGuard active = ctx_.activate();
  const std::size_t T = T_, nf = K_ + 2;
  if (problem.spend.size() != T * C_ || problem.fixed.size() != T * nf ||
      problem.shift.size() != static_cast<std::size_t>(ld_)) {
    throw std::invalid_argument("CudaEvaluator: ResidentProblem arrays do not match its sizes");
  }
  spend_.reset(problem.spend.size());
  fixed_.reset(problem.fixed.size());
  shift_.reset(problem.shift.size());
  upload(ctx_, spend_.get(), problem.spend.data(), problem.spend.size());
  upload(ctx_, fixed_.get(), problem.fixed.data(), problem.fixed.size());
  upload(ctx_, shift_.get(), problem.shift.data(), problem.shift.size());
  if (!problem.saturation.empty()) {
    if (problem.saturation.size() != static_cast<std::size_t>(C_)) {
      throw std::invalid_argument("CudaEvaluator: ResidentProblem saturation does not match C");
    }
    saturation_.reset(problem.saturation.size());
    upload(ctx_, saturation_.get(), problem.saturation.data(), problem.saturation.size());
  }

  // Lower-triangle entries, column by column (a warp then reads neighbouring rows of one
  // column from shared memory). Entries that touch a media column depend on the candidate;
  // the block among the fixed columns (ones, controls, y) depends only on the weights, so
  // under unit or shared weights it is computed once per batch and copied.
  std::vector<GramEntry> media, fixed;
  auto is_media = [&](int i) { return i >= 1 && i <= C_; };
  for (int col = 0; col < ld_; ++col) {
    for (int row = col; row < ld_; ++row) {
      (is_media(row) || is_media(col) ? media : fixed).push_back(GramEntry{row, col});
    }
  }
  media_entries_ = static_cast<int>(media.size());
  fixed_entries_ = static_cast<int>(fixed.size());
  media.insert(media.end(), fixed.begin(), fixed.end());
  entries_.reset(media.size());
  upload(ctx_, entries_.get(), media.data(), media.size());

  const std::size_t gram_size = static_cast<std::size_t>(ld_) * ld_;
  unit_fixed_gram_.reset(gram_size);
  shared_fixed_gram_.reset(gram_size);
  shared_weights_.reset(T);
  // The fused kernel copies these whole into each candidate's Gram: zero outside the fixed
  // entries, so that the media entries start at 0.
  const std::vector<double> zeros(gram_size, 0.0);
  upload(ctx_, unit_fixed_gram_.get(), zeros.data(), gram_size);
  upload(ctx_, shared_fixed_gram_.get(), zeros.data(), gram_size);
  fixed_gram(nullptr, unit_fixed_gram_.get());
  plan_unweighted_ = fused_plan(T_, C_, K_, false, options.fused_shared_bytes);
  plan_weighted_ = fused_plan(T_, C_, K_, true, options.fused_shared_bytes);
  // Only a very wide problem (p in the hundreds) needs more than a block may have.
  if (std::max(plan_unweighted_.bytes, plan_weighted_.bytes) > ctx_.max_shared_bytes()) {
    fused_ = false;
  }
  // Surfaces any failure of the uploads and the first kernel here, in the constructor.
  ctx_.synchronize();
}

// The buffers free themselves on their own device (DeviceBuffer::release).
CudaEvaluator::~CudaEvaluator() = default;

std::string CudaEvaluator::name() const {
  return "cuda:" + std::to_string(ctx_.ordinal()) + " (" + ctx_.device_name() + ")" +
         (fused_ ? "" : ", unfused");
}

void CudaEvaluator::fixed_gram(const double* weights, double* gram) const {
  GramArgs a;
  a.periods = T_;
  a.channels = C_;
  a.controls = K_;
  a.count = 1;
  a.fixed = fixed_.get();
  a.weights = weights;
  a.entries = entries_.get() + media_entries_;
  a.entry_count = fixed_entries_;
  a.gram = gram;
  launch_weighted_gram(ctx_, a);
}

int CudaEvaluator::fit(int wanted, std::size_t bytes_each) const {
  const auto [free_bytes, total_bytes] = ctx_.memory_info();
  const std::size_t reserve = reserved_bytes(total_bytes);
  const std::size_t usable = free_bytes > reserve ? free_bytes - reserve : 0;
  const std::size_t n = std::min<std::size_t>(wanted, usable / bytes_each);
  if (n < 1) {
    throw CudaError(name() + ": out of device memory: one candidate's workspace needs " +
                        std::to_string(bytes_each) + " bytes; " + std::to_string(free_bytes) +
                        " bytes are free, of which " + std::to_string(reserve) +
                        " are left to other users",
                    cudaErrorMemoryAllocation);
  }
  return static_cast<int>(n);
}

int CudaEvaluator::reserve(int count, bool weights_each) {
  const int wanted = std::min(count, max_chunk_);
  // Re-fit only for a batch larger than any asked for before (a fit that memory limited is
  // not retried on every call), when per-candidate weights first need room, or when there is
  // no workspace at all (a previous allocation failed).
  const bool grow = wanted > requested_ || ws_.capacity == 0;
  const bool need_weights = weights_each && weights_capacity_ < ws_.capacity;
  if (grow || need_weights) {
    const int target = std::max(wanted, requested_);
    const bool with_weights = weights_each || weights_capacity_ > 0;
    // Free first: the old buffers' memory counts as free below.
    ws_ = Workspace{};
    weights_.release();
    weights_capacity_ = 0;
    const std::size_t T = T_, C = C_, p = p_;
    // Parameters, outputs, a resample number, weights; the unfused path's intermediates.
    std::size_t doubles = 3 * C + 4 * p + 3 + 1 + (with_weights ? T : 0);
    if (!fused_) {
      doubles += T * C + C + static_cast<std::size_t>(ld_) * ld_ + gram_ridge_work_size(p_);
    }
    try {
      const std::size_t n = fit(target, doubles * sizeof(double));
      ws_.params.reset(n * 3 * C);
      if (!fused_) {
        ws_.media.reset(n * T * C);
        ws_.media_shift.reset(n * C);
        ws_.gram.reset(n * ld_ * ld_);
        ws_.work.reset(n * gram_ridge_work_size(p_));
      }
      for (auto* b : {&ws_.loss, &ws_.r2, &ws_.intercept}) b->reset(n);
      for (auto* b : {&ws_.coef, &ws_.coef_scaled, &ws_.mean, &ws_.scale}) b->reset(n * p);
      ws_.resample.reset(n);
      ws_.stage_params.reset(n * 3 * C);
      ws_.stage_out.reset(n * (3 + 4 * p));
      ws_.stage_resample.reset(n);
      if (with_weights) weights_.reset(n * T);
      ws_.capacity = static_cast<int>(n);
      weights_capacity_ = with_weights ? static_cast<int>(n) : 0;
    } catch (...) {
      // Nothing half-built survives: capacity 0 makes the next call fit again (a chunk of 0
      // would never advance), and the memory of the buffers that did allocate goes back.
      ws_ = Workspace{};
      weights_.release();
      weights_capacity_ = 0;
      throw;
    }
    requested_ = target;
  }
  return weights_each ? std::min(ws_.capacity, weights_capacity_) : ws_.capacity;
}

void CudaEvaluator::evaluate(const CandidateBatch& batch, const RowWeights& weights,
                             BatchResult& out) {
  if (batch.channels != C_) {
    throw std::invalid_argument("CudaEvaluator: batch has " + std::to_string(batch.channels) +
                                " channels, the problem " + std::to_string(C_));
  }
  if ((weights.count > 1 || weights.resampled != nullptr) && weights.count != batch.count) {
    throw std::invalid_argument("CudaEvaluator: " + std::to_string(weights.count) +
                                " weight vectors for " + std::to_string(batch.count) +
                                " candidates");
  }
  // Every element is written below: no zero-fill on the host.
  if (batch.losses_only) {
    out.resize_losses(batch.count, p_);
  } else {
    out.resize_unfilled(batch.count, p_);
  }
  if (batch.count <= 0) return;
  const DeviceGuard active = ctx_.activate();
  RowWeights w = weights;
  std::vector<double> drawn;
  if (weights.resampled != nullptr && !fused_) {
    // The unfused path takes the resamples' counts as explicit weights, drawn here.
    const ResampledRows& r = *weights.resampled;
    drawn.resize(static_cast<std::size_t>(batch.count) * T_);
    for (int i = 0; i < batch.count; ++i) {
      resample_block_counts(r.seed, r.index[i], static_cast<std::uint32_t>(T_),
                            static_cast<std::uint32_t>(r.block_length),
                            drawn.data() + static_cast<std::size_t>(i) * T_);
    }
    w = RowWeights{batch.count, drawn.data()};
  }
  const bool explicit_each = w.resampled == nullptr && w.count > 1;
  if (w.resampled == nullptr && w.count == 1) {
    upload(ctx_, shared_weights_.get(), w.values, T_);
    fixed_gram(shared_weights_.get(), shared_fixed_gram_.get());
  }
  const int chunk = reserve(batch.count, explicit_each);
  for (int begin = 0; begin < batch.count; begin += chunk) {
    evaluate_chunk(batch, w, begin, std::min(chunk, batch.count - begin), out);
  }
}

void CudaEvaluator::evaluate_chunk(const CandidateBatch& batch, const RowWeights& weights,
                                   int begin, int n, BatchResult& out) {
  const std::size_t stride = 3 * static_cast<std::size_t>(C_);
  std::copy(batch.params + begin * stride, batch.params + (begin + n) * stride,
            ws_.stage_params.get());
  upload(ctx_, ws_.params.get(), ws_.stage_params.get(), n * stride);

  const bool resampled = weights.resampled != nullptr;
  const bool each = resampled || weights.count > 1;
  const double* w = nullptr;  // device weights of this chunk's candidates
  std::size_t weight_stride = 0;
  if (resampled) {
    std::copy(weights.resampled->index + begin, weights.resampled->index + begin + n,
              ws_.stage_resample.get());
    upload(ctx_, ws_.resample.get(), ws_.stage_resample.get(), static_cast<std::size_t>(n));
  } else if (weights.count > 1) {
    upload(ctx_, weights_.get(), weights.values + static_cast<std::size_t>(begin) * T_,
           static_cast<std::size_t>(n) * T_);
    w = weights_.get();
    weight_stride = T_;
  } else if (weights.count == 1) {
    w = shared_weights_.get();
  }
  if (fused_) {
    queue_fused(n, w, weight_stride, resampled, weights.resampled, each, batch.losses_only);
  } else {
    queue_unfused(n, w, weight_stride, each, weights.count);
  }

  // Results come back through the staging buffer, laid out loss, r2, intercept (n each),
  // then coef, coef_scaled, mean, scale (n·p each); only the losses for a losses-only batch.
  const std::size_t np = static_cast<std::size_t>(n) * p_, off = static_cast<std::size_t>(begin);
  double* stage = ws_.stage_out.get();
  download(ctx_, stage, ws_.loss.get(), n);
  if (!batch.losses_only) {
    download(ctx_, stage + n, ws_.r2.get(), n);
    download(ctx_, stage + 2 * n, ws_.intercept.get(), n);
    download(ctx_, stage + 3 * n, ws_.coef.get(), np);
    download(ctx_, stage + 3 * n + np, ws_.coef_scaled.get(), np);
    download(ctx_, stage + 3 * n + 2 * np, ws_.mean.get(), np);
    download(ctx_, stage + 3 * n + 3 * np, ws_.scale.get(), np);
  }
  // Also surfaces any execution error of the kernels, as a CudaError.
  ctx_.synchronize();
  std::copy(stage, stage + n, out.loss.data() + off);
  if (batch.losses_only) return;
  std::copy(stage + n, stage + 2 * n, out.r2.data() + off);
  std::copy(stage + 2 * n, stage + 3 * n, out.intercept.data() + off);
  const double* arrays = stage + 3 * n;
  for (std::vector<double>* v : {&out.coef, &out.coef_scaled, &out.mean, &out.scale}) {
    std::copy(arrays, arrays + np, v->data() + off * p_);
    arrays += np;
  }
}

void CudaEvaluator::queue_fused(int n, const double* w, std::size_t weight_stride, bool resampled,
                                const ResampledRows* rows, bool weights_each, bool losses_only) {
  FusedArgs f;
  f.periods = T_;
  f.channels = C_;
  f.controls = K_;
  f.count = n;
  f.lambda = lambda_;
  f.penalty_weight = penalty_weight_;
  f.nonnegative_media = nonnegative_media_;
  f.spend = spend_.get();
  f.fixed = fixed_.get();
  f.shift = shift_.get();
  f.params = ws_.params.get();
  f.saturation = saturation_.get();
  if (resampled) {
    f.resample = ws_.resample.get();
    f.resample_seed = rows->seed;
    f.block_length = rows->block_length;
  } else {
    f.weights = w;
    f.weight_stride = weight_stride;
  }
  f.entries = entries_.get();
  if (weights_each) {
    // Every candidate has its own weights, so its fixed block is its own too.
    f.entry_count = media_entries_ + fixed_entries_;
  } else {
    f.entry_count = media_entries_;
    f.fixed_gram = w != nullptr ? shared_fixed_gram_.get() : unit_fixed_gram_.get();
  }
  f.loss = ws_.loss.get();
  if (!losses_only) {
    f.r2 = ws_.r2.get();
    f.intercept = ws_.intercept.get();
    f.coef = ws_.coef.get();
    f.coef_scaled = ws_.coef_scaled.get();
    f.mean = ws_.mean.get();
    f.scale = ws_.scale.get();
  }
  const bool weighted = resampled || w != nullptr;
  launch_fused_evaluate(ctx_, f, weighted ? plan_weighted_ : plan_unweighted_);
}

void CudaEvaluator::queue_unfused(int n, const double* w, std::size_t weight_stride,
                                  bool weights_each, int weight_count) {
  MediaArgs m;
  m.periods = T_;
  m.channels = C_;
  m.count = n;
  m.spend = spend_.get();
  m.params = ws_.params.get();
  m.saturation = saturation_.get();
  m.weights = w;
  m.weight_stride = weight_stride;
  m.media = ws_.media.get();
  m.shift = ws_.media_shift.get();
  launch_media_transform(ctx_, m);

  GramArgs g;
  g.periods = T_;
  g.channels = C_;
  g.controls = K_;
  g.count = n;
  g.fixed = fixed_.get();
  g.media = ws_.media.get();
  g.media_shift = ws_.media_shift.get();
  g.weights = w;
  g.weight_stride = weight_stride;
  g.entries = entries_.get();
  g.gram = ws_.gram.get();
  if (weights_each) {
    // Every candidate has its own weights, so its fixed block is its own too.
    g.entry_count = media_entries_ + fixed_entries_;
  } else {
    g.entry_count = media_entries_;
    g.copied = entries_.get() + media_entries_;
    g.copied_count = fixed_entries_;
    g.copy_source = weight_count == 1 ? shared_fixed_gram_.get() : unit_fixed_gram_.get();
  }
  launch_weighted_gram(ctx_, g);

  SolveArgs s;
  s.count = n;
  s.parameters = p_;
  s.media = C_;
  s.lambda = lambda_;
  s.penalty_weight = penalty_weight_;
  s.nonnegative_media = nonnegative_media_;
  s.gram = ws_.gram.get();
  s.shift = shift_.get();
  s.media_shift = ws_.media_shift.get();
  s.work = ws_.work.get();
  s.loss = ws_.loss.get();
  s.r2 = ws_.r2.get();
  s.intercept = ws_.intercept.get();
  s.coef = ws_.coef.get();
  s.coef_scaled = ws_.coef_scaled.get();
  s.mean = ws_.mean.get();
  s.scale = ws_.scale.get();
  launch_ridge_solve(ctx_, s);
}

}  // namespace mmm::cuda
