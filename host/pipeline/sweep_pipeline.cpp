#include "host/pipeline/sweep_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "host/backend/device.hpp"
#include "host/common/errors.hpp"
#include "host/common/progress.hpp"
#include "host/data/input_loader.hpp"
#include "host/data/table_fingerprint.hpp"
#include "host/features/controls.hpp"
#include "host/io/csv_writer.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/pipeline/sweep_reduction.hpp"

namespace mmm {
namespace {

using Clock = std::chrono::steady_clock;

/// Memory one chunk may take for the backend's per-candidate results (BatchResult and the
/// design rows); the chunk size follows from it.
constexpr double kChunkBytes = 64.0 * 1024 * 1024;
constexpr int kMaxChunk = 65536;
/// Periodic checkpoints are at least this many times their own cost apart (≤ 5% of the run).
constexpr double kCheckpointCostRatio = 20.0;

void check_options(const SweepOptions& o, const Dataset& data, const ModelData& model) {
  if (o.top < 1 || o.top > kMaxSweepTop) {
    throw InputError("invalid --top " + std::to_string(o.top) + ": expected 1 to " +
                     std::to_string(kMaxSweepTop));
  }
  check_thread_count(o.threads);
  if (!(o.ridge_lambda > 0) || !std::isfinite(o.ridge_lambda)) {
    throw InputError("invalid --ridge-lambda " + std::to_string(o.ridge_lambda) +
                     ": expected a finite number > 0");
  }
  if (o.chunk < 0) throw InputError("invalid --chunk " + std::to_string(o.chunk));
  if (!(o.checkpoint_every >= 0) || !std::isfinite(o.checkpoint_every)) {
    const double v = o.checkpoint_every;
    const std::string shown = std::isnan(v)   ? "nan"
                              : std::isinf(v) ? (v > 0 ? "inf" : "-inf")
                                              : format_number(v);
    throw InputError("invalid --checkpoint-every " + shown +
                     ": expected seconds ≥ 0 (0: no periodic checkpoints)");
  }
  check_data_fits_model(data, model);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

bool same_bounds(const std::vector<ChannelBounds>& a, const std::vector<ChannelBounds>& b) {
  if (a.size() != b.size()) return false;
  for (size_t c = 0; c < a.size(); ++c) {
    const ChannelBounds &x = a[c], &y = b[c];
    if (x.theta.lo != y.theta.lo || x.theta.hi != y.theta.hi || x.alpha.lo != y.alpha.lo ||
        x.alpha.hi != y.alpha.hi || x.gamma_fraction.lo != y.gamma_fraction.lo ||
        x.gamma_fraction.hi != y.gamma_fraction.hi) {
      return false;
    }
  }
  return true;
}

/// InputError unless the checkpoint describes the sweep these options ask for.
void check_resume(const SweepCheckpoint& saved, const SweepCheckpoint& now) {
  const auto mismatch = [&](const std::string& what, const std::string& was,
                            const std::string& is) {
    throw InputError("cannot --resume from " + saved.source + ": it has " + what + " " + was +
                     " but this run has " + is +
                     "; give the same options, or leave out --resume to start over");
  };
  if (saved.design != now.design) mismatch("--design", saved.design, now.design);
  if (saved.seed != now.seed)
    mismatch("--seed", std::to_string(saved.seed), std::to_string(now.seed));
  if (saved.n != now.n) mismatch("--n", std::to_string(saved.n), std::to_string(now.n));
  if (saved.grid_points != now.grid_points) {
    mismatch("--grid-points", std::to_string(saved.grid_points), std::to_string(now.grid_points));
  }
  if (saved.top != now.top) mismatch("--top", std::to_string(saved.top), std::to_string(now.top));
  if (saved.ridge_lambda != now.ridge_lambda) {
    mismatch("--ridge-lambda", format_number(saved.ridge_lambda), format_number(now.ridge_lambda));
  }
  if (saved.channels != now.channels)
    mismatch("channels", join(saved.channels), join(now.channels));
  if (saved.controls != now.controls)
    mismatch("controls", join(saved.controls), join(now.controls));
  if (saved.data_fingerprint != now.data_fingerprint) {
    mismatch("data fingerprint", saved.data_fingerprint,
             now.data_fingerprint + " (the data changed)");
  }
  if (saved.all != now.all) {
    mismatch("--all", saved.all ? "on" : "off", now.all ? "on" : "off");
  }
  if (!same_bounds(saved.bounds, now.bounds)) mismatch("search bounds", "(saved)", "other bounds");
  if (saved.summary.bins != now.summary.bins ||
      saved.summary.count.size() != now.summary.count.size()) {
    mismatch("summary bins", std::to_string(saved.summary.bins), std::to_string(now.summary.bins));
  }
  if (saved.next_index > saved.n) {
    throw InputError(saved.source + ": next_index " + std::to_string(saved.next_index) +
                     " is beyond n " + std::to_string(saved.n));
  }
}

/// Turns design rows into the evaluator's natural parameters.
void decode_rows(const SearchSpace& space, const double* unit, int count, double* params) {
  const int C = space.channels();
  for (int i = 0; i < count; ++i) {
    for (int c = 0; c < C; ++c) {
      const ChannelHyper h = space.decode_unit(unit + static_cast<size_t>(i) * 3 * C, c);
      double* p = params + static_cast<size_t>(i) * 3 * C + 3 * c;
      p[0] = h.theta;
      p[1] = h.alpha;
      p[2] = h.gamma;
    }
  }
}

SweepCandidate candidate_at(const BatchResult& r, int i, std::uint64_t index, const double* params,
                            int C) {
  SweepCandidate c;
  c.index = index;
  c.loss = r.loss[i];
  c.r2 = r.r2[i];
  c.params.assign(params + static_cast<size_t>(i) * 3 * C,
                  params + static_cast<size_t>(i + 1) * 3 * C);
  const double* coef = &r.coef[static_cast<size_t>(i) * r.parameters];
  c.coef.assign(coef, coef + C);
  return c;
}

/// Re-evaluates a checkpoint's top-K from their design indices (a point is a function of its
/// index), in chunks: exact losses for the ranking, and a check that the data and options
/// still give the saved losses.
void restore_top(const SweepCheckpoint& saved, const Design& design, const SearchSpace& space,
                 Evaluator& evaluator, int chunk, TopK& top) {
  const int C = space.channels(), D = 3 * C;
  const auto& idx = saved.top_indices;
  std::vector<double> u(static_cast<size_t>(chunk) * D), p(u.size());
  BatchResult result;
  for (size_t first = 0; first < idx.size(); first += static_cast<size_t>(chunk)) {
    const int k = static_cast<int>(std::min(idx.size() - first, static_cast<size_t>(chunk)));
    for (int i = 0; i < k; ++i) {
      if (idx[first + i] >= saved.next_index) {
        throw InputError(saved.source + ": top candidate index " + std::to_string(idx[first + i]) +
                         " is not below next_index " + std::to_string(saved.next_index));
      }
      design.generate(idx[first + i], 1, &u[static_cast<size_t>(i) * D]);
    }
    decode_rows(space, u.data(), k, p.data());
    evaluator.evaluate(CandidateBatch{k, C, p.data()}, RowWeights{}, result);
    for (int i = 0; i < k; ++i) {
      const double was = saved.top_losses[first + i], now = result.loss[i];
      if (!(std::abs(now - was) <= 1e-9 * std::max(1.0, std::abs(was)))) {
        throw InputError(saved.source + ": candidate " + std::to_string(idx[first + i]) +
                         " has loss " + format_number(was) + " in sweep_top.csv but " +
                         format_number(now) +
                         " now; the data or options changed, leave out --resume to start over");
      }
      top.push(candidate_at(result, i, idx[first + i], p.data(), C));
    }
  }
}

/// Fills the report's results from the sweep's state after candidates [0, next): what a run
/// that stopped there returns, and what a checkpoint saves. `seconds`: this run's evaluation
/// time so far.
void record_progress(SweepReport& r, const TopK& top, std::uint64_t next, double seconds) {
  SweepCheckpoint& cp = r.checkpoint;
  r.seconds = seconds;
  cp.next_index = next;
  r.next_index = next;
  r.failed = cp.failed;
  r.seconds_total = cp.seconds + seconds;
  r.interrupted = next < cp.n;
  r.top = top.sorted();
  r.summary = cp.summary;
  cp.top_indices.clear();
  cp.top_losses.clear();
  for (const auto& c : r.top) {
    cp.top_indices.push_back(c.index);
    cp.top_losses.push_back(c.loss);
  }
}

}  // namespace

std::string file_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open data file `" + path + "`");
  std::uint64_t h = 0xcbf29ce484222325ull;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const std::streamsize got = in.gcount();
    for (std::streamsize i = 0; i < got; ++i) {
      h ^= static_cast<unsigned char>(buf[i]);
      h *= 0x100000001b3ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

SweepReport run_sweep(const SweepOptions& o, const std::atomic<bool>* stop,
                      const std::optional<SweepCheckpoint>& resume, const SweepChunkSink& sink,
                      const SweepCheckpointSink& checkpoint) {
  SweepReport r;
  r.options = o;
  r.data = load_input(o.data_path, o.data_table.get(), o.columns);
  r.notices = r.data.notices;
  const ControlMatrix controls = build_controls(r.data);
  r.model = make_model_data(r.data, controls, o.ridge_lambda);
  // The same objective and box as `mmm fit` (non-negative media, baseline term, γ as a
  // position within the adstocked peak), so a sweep's losses are the fit's and its top rows
  // are exact --init-from seeds.
  r.model.nonnegative_media = true;
  check_options(o, r.data, r.model);
  const int C = r.model.channels();
  const int D = 3 * C;
  r.space = build_search_space(r.model, r.data.channels, o.bounds, GammaEncoding::AdstockedMax);

  DesignOptions dopt;
  dopt.kind = o.design;
  dopt.dimensions = D;
  dopt.seed = o.seed;
  dopt.grid_points = o.grid_points;
  dopt.n = o.n;
  if (o.design == DesignKind::kGrid) {
    const std::uint64_t size = grid_size(o.grid_points, D);
    if (o.n_given && size > o.n && size <= kMaxGridPoints) {
      throw InputError("--design grid with --grid-points " + std::to_string(o.grid_points) +
                       " has " + std::to_string(o.grid_points) + "^" + std::to_string(D) + " = " +
                       std::to_string(size) + " points, more than --n " + std::to_string(o.n) +
                       "; lower --grid-points or raise --n");
    }
    if (size <= kMaxGridPoints) dopt.n = size;
  } else if (o.n < 1) {
    throw InputError("invalid --n 0: expected at least 1 candidate");
  }
  const Design design(dopt);

  SweepCheckpoint& cp = r.checkpoint;
  cp.design = design_name(o.design);
  cp.seed = o.seed;
  cp.n = dopt.n;
  cp.grid_points = o.design == DesignKind::kGrid ? o.grid_points : 0;
  cp.top = o.top;
  cp.ridge_lambda = o.ridge_lambda;
  cp.data_fingerprint =
      o.data_table ? table_fingerprint(*o.data_table) : file_fingerprint(o.data_path);
  cp.channels = r.data.channels;
  cp.controls = r.data.controls;
  cp.bounds = r.space.bounds;
  cp.all = o.all;
  cp.summary = SweepSummary(C, o.bins);
  const Communicator& comm = o.communicator != nullptr ? *o.communicator : single_process();
  if (resume) {
    check_resume(*resume, cp);
    cp.next_index = resume->next_index;
    cp.seconds = resume->seconds;
    // What was done before enters the reduction once: through rank 0.
    if (comm.is_root()) {
      cp.failed = resume->failed;
      cp.summary = resume->summary;
    }
  }

  std::string device_notice;
  auto evaluator = make_evaluator(parse_device(o.device), r.model, o.threads, &device_notice);
  if (!device_notice.empty()) r.notices.push_back(device_notice);
  r.backend = evaluator->name();

  // Per candidate: BatchResult's 4 arrays of p values and 3 scalars, params and design rows.
  const double bytes = 8.0 * (4.0 * r.model.parameters() + 3 + 2.0 * D);
  const int chunk =
      o.chunk > 0 ? o.chunk : std::clamp(static_cast<int>(kChunkBytes / bytes), 256, kMaxChunk);
  std::vector<double> unit(static_cast<size_t>(chunk) * D), params(unit.size());
  BatchResult result;
  TopK top(static_cast<size_t>(o.top));

  if (resume && comm.is_root()) restore_top(*resume, design, r.space, *evaluator, chunk, top);

  r.start_index = cp.next_index;
  const std::uint64_t end =
      o.stop_after > 0 ? std::min<std::uint64_t>(cp.n, std::max(o.stop_after, cp.next_index))
                       : cp.n;
  ProgressBar bar("sweep", static_cast<long>(cp.n - r.start_index),
                  !o.quiet && comm.is_root() && ProgressBar::stderr_is_terminal());
  const auto t0 = Clock::now();
  auto last_checkpoint = t0;
  double checkpoint_cost = 0.0;  // seconds the last periodic checkpoint took
  std::uint64_t next = cp.next_index;
  double best_loss = std::numeric_limits<double>::infinity();
  for (const auto& c : top.sorted()) best_loss = std::min(best_loss, c.loss);
  // Rounds of one chunk per rank: rank r evaluates [next + r·chunk, next + (r + 1)·chunk) of
  // each round, so after every round [0, next) is done whatever the number of ranks, and a
  // stop (agreed on by all ranks) leaves a checkpoint any number of ranks can resume.
  const std::uint64_t round = static_cast<std::uint64_t>(chunk) * comm.size();
  const std::uint64_t offset = static_cast<std::uint64_t>(chunk) * comm.rank();
  Bytes encoded;
  while (next < end) {
    if (comm.any(stop != nullptr && stop->load())) break;
    const std::uint64_t first = next + offset;
    encoded.clear();
    if (first < end) {
      const int count = static_cast<int>(std::min<std::uint64_t>(chunk, end - first));
      design.generate(first, count, unit.data());
      decode_rows(r.space, unit.data(), count, params.data());
      evaluator->evaluate(CandidateBatch{count, C, params.data()}, RowWeights{}, result);
      if (sink) encoded = sink.encode(r.data.channels, first, count, params.data(), result);
      for (int i = 0; i < count; ++i) {
        const double loss = result.loss[i];
        if (!std::isfinite(loss)) {
          ++cp.failed;
          continue;
        }
        cp.summary.add(&unit[static_cast<size_t>(i) * D], loss);
        best_loss = std::min(best_loss, loss);
        if (top.accepts(loss, first + i))
          top.push(candidate_at(result, i, first + i, params.data(), C));
      }
    }
    if (sink) {
      // Rank 0 writes the round's chunks in rank order, which is design order.
      for (const Bytes& part : comm.gather(encoded)) {
        if (!part.empty()) sink.write(r.data.channels, part);
      }
    }
    next = std::min(end, next + round);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    char detail[96];
    std::snprintf(detail, sizeof detail, "%.0f candidates/s, best loss %.6g",
                  secs > 0 ? static_cast<double>(next - r.start_index) / secs : 0.0, best_loss);
    bar.update(static_cast<long>(next - r.start_index), detail);
    const auto now = Clock::now();
    // At least kCheckpointCostRatio times the last checkpoint's own time apart, so a slow one
    // (a large sweep_all.csv.gz to copy and hash) never takes over 1/ratio of the run.
    const double interval = std::max(o.checkpoint_every, kCheckpointCostRatio * checkpoint_cost);
    if (o.checkpoint_every <= 0 || next >= end) continue;
    // Rank 0's clock decides; in a job every rank learns it (one flag per round), since the
    // checkpoint needs every rank's top-K and profile.
    bool due = checkpoint && comm.is_root() &&
               std::chrono::duration<double>(now - last_checkpoint).count() >= interval;
    if (comm.size() > 1) due = comm.any(due);
    if (!due) continue;
    // [0, next) is done on every rank after the round. The other ranks send their shares
    // (theirs stay as they are); rank 0 merges them into copies, so the state saved is exactly
    // what a run stopped here would return and the loop's own state stays as it is.
    if (!comm.is_root()) {
      reduce_sweep_on_root(comm, top, cp.summary, cp.failed);
      continue;
    }
    TopK merged = top;
    SweepReport so_far = r;
    reduce_sweep_on_root(comm, merged, so_far.checkpoint.summary, so_far.checkpoint.failed);
    record_progress(so_far, merged, next, std::chrono::duration<double>(now - t0).count());
    so_far.checkpoint.seconds = so_far.seconds_total;
    checkpoint(so_far);
    last_checkpoint = Clock::now();
    checkpoint_cost = std::chrono::duration<double>(last_checkpoint - now).count();
  }
  reduce_sweep_on_root(comm, top, cp.summary, cp.failed);
  if (next >= cp.n) bar.finish();
  record_progress(r, top, next, std::chrono::duration<double>(Clock::now() - t0).count());
  cp.seconds += r.seconds;
  if (cp.failed > 0) {
    r.notices.push_back(std::to_string(cp.failed) +
                        " candidates had a singular fit (loss +inf) and were left out");
  }
  return r;
}

}  // namespace mmm
