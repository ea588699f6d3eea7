#pragma once
// `mmm sweep` (SPEC §5): evaluate a large space-filling design of candidates in chunks,
// keeping the exact top-K and a per-axis loss profile in bounded memory. A sweep can stop
// after any chunk (Ctrl-C) and resume from a checkpoint with the same final result as an
// uninterrupted run. It computes; host/outputs/sweep_outputs writes.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/data/dataset.hpp"
#include "host/data/wide_csv_loader.hpp"
#include "host/distributed/communicator.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"
#include "host/sweep/design.hpp"
#include "host/sweep/sweep_checkpoint.hpp"
#include "host/sweep/sweep_results.hpp"

namespace mmm {

/// The default of --checkpoint-every: a checkpoint costs milliseconds (bench/RESULTS.md), so
/// once a minute is free and bounds what a crash loses.
constexpr double kDefaultCheckpointSeconds = 60.0;

/// Everything `mmm sweep` can be told.
struct SweepOptions {
  std::string data_path;
  /// The input already read into a table (a database query): used instead of data_path.
  std::shared_ptr<const CsvTable> data_table;
  ColumnSelection columns;
  std::string out_dir;
  DesignKind design = DesignKind::kSobol;
  std::uint64_t n = 100000;  ///< candidates in the design
  bool n_given = false;      ///< --n was set (a grid otherwise takes its own size)
  long top = 1000;           ///< K of the top-K
  int grid_points = 3;       ///< grid: points per axis
  int bins = 20;             ///< summary bins per parameter axis
  double ridge_lambda = kDefaultFitRidgeLambda;
  std::uint64_t seed = 1;
  std::string device = "auto";
  int threads = 0;
  bool quiet = false;
  std::map<std::string, ChannelBounds> bounds;  ///< per-channel search bounds (config)
  bool resume = false;                          ///< continue the checkpoint in out_dir
  std::uint64_t stop_after = 0;  ///< stop once this many candidates are done (0: never; tests)
  int chunk = 0;                 ///< candidates per backend call (0: chosen from memory)
  bool all = false;              ///< also stream every candidate to sweep_all.csv.gz
  /// The job's ranks share the design (null: this process alone). Each round of chunks gives
  /// rank r the r-th chunk; rank 0 ends with the merged top-K and profile, the others' reports
  /// hold only their share and are not to be written.
  const Communicator* communicator = nullptr;
  /// Seconds of wall time between checkpoints written while the sweep runs (0: only at the
  /// end or on SIGINT/SIGTERM), so SIGKILL, the OOM killer or a power cut lose at most this
  /// much work. In a job of several ranks rank 0's clock decides, the ranks' top-K and
  /// profiles are merged on rank 0 for the checkpoint, and rank 0 writes it.
  double checkpoint_every = kDefaultCheckpointSeconds;
};

/// The largest --top a sweep accepts (the top-K is held in memory).
constexpr long kMaxSweepTop = 1000000;

struct SweepReport {
  SweepOptions options;
  Dataset data;
  ModelData model;
  SearchSpace space;
  std::string backend;
  std::vector<std::string> notices;
  std::vector<SweepCandidate> top;  ///< best first
  SweepSummary summary;
  std::uint64_t start_index = 0;  ///< where this run began (0 unless resumed)
  std::uint64_t next_index = 0;   ///< candidates [0, next_index) are done
  std::uint64_t failed = 0;
  double seconds = 0.0;        ///< evaluation time of this run
  double seconds_total = 0.0;  ///< over every run of this sweep
  bool interrupted = false;    ///< stopped before n (Ctrl-C or --stop-after)
  SweepCheckpoint checkpoint;  ///< the state to save
  bool complete() const { return next_index >= checkpoint.n; }
};

/// Receives every evaluated chunk (e.g. for sweep_all.csv.gz) in two steps, so that a job's
/// ranks share the first: `encode`, on the rank that evaluated the chunk, turns candidates
/// [first, first + count) — their parameters (3C each, the evaluator's layout) and results —
/// into bytes (the rows' text); `write`, on rank 0 only, receives every chunk's bytes in design
/// order, one call per chunk, exactly as a single process makes them.
struct SweepChunkSink {
  std::function<Bytes(const std::vector<std::string>& channels, std::uint64_t first, int count,
                      const double* params, const BatchResult& results)>
      encode;
  std::function<void(const std::vector<std::string>& channels, const Bytes& chunk)> write;
  explicit operator bool() const { return encode && write; }
};

/// Receives the sweep's state so far every `checkpoint_every` seconds (after a chunk, or a
/// round of chunks in a job), as run_sweep would return it had the sweep stopped there: the
/// caller writes it as the checkpoint. In a job it is called on rank 0 only, with the merged
/// state of every rank.
using SweepCheckpointSink = std::function<void(const SweepReport& so_far)>;

/// Runs (or, given `resume`, continues) a sweep. Stops after the current chunk (round of
/// chunks, in a job of several ranks) once `*stop` becomes true on any rank. In a job the
/// sink (given on every rank or on none) writes on rank 0 what every rank encoded. Throws
/// InputError for bad options, or a checkpoint that does not match.
SweepReport run_sweep(const SweepOptions& options, const std::atomic<bool>* stop,
                      const std::optional<SweepCheckpoint>& resume, const SweepChunkSink& sink = {},
                      const SweepCheckpointSink& checkpoint = {});

/// FNV-1a 64 of a file's bytes as 16 hex digits (identifies the data a checkpoint was made on).
std::string file_fingerprint(const std::string& path);

}  // namespace mmm
