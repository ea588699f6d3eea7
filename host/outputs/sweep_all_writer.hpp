#pragma once
// sweep_all.csv.gz of `mmm sweep --all`: one row per candidate (index, loss, r2, θ/α/γ and
// media coefficients per channel), streamed through zlib as the chunks come, so memory does
// not grow with --n. Written under a temporary name that OutputDir renames into place with
// the rest of the set; a resumed sweep appends a new gzip member (gunzip reads them as one).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/io/output_dir.hpp"

namespace mmm {

class SweepAllWriter {
 public:
  /// Opens the temporary file `out` reserves for sweep_all.csv.gz (creating the folder). With
  /// `resume`, the existing sweep_all.csv.gz is copied first and continued (InputError when it
  /// is missing).
  SweepAllWriter(OutputDir& out, const std::vector<std::string>& channels, bool resume);
  /// Closes the file; `out` removes the temporary unless it commits.
  ~SweepAllWriter();
  SweepAllWriter(const SweepAllWriter&) = delete;
  SweepAllWriter& operator=(const SweepAllWriter&) = delete;

  /// The rows of candidates [first, first + count): params are 3C per candidate (evaluator
  /// layout), results the evaluator's. Separate from writing so that the ranks of a job
  /// format their own chunks and rank 0 only writes.
  static std::string format_rows(std::uint64_t first, int count, int channels, const double* params,
                                 const BatchResult& results);
  /// Appends rows made by format_rows: one call per chunk, in design order (the gzip stream,
  /// hence the file's bytes, follows the calls).
  void write_rows(const char* rows, std::size_t size);
  /// Finishes the gzip stream; OutputDir::commit then renames it into place with the others.
  void commit();
  /// After `out` committed the file at a checkpoint: goes on writing into a new temporary
  /// that starts as a copy of the committed file (a new gzip member follows; gunzip reads the
  /// members as one). The copy is the cost of a checkpoint with --all.
  void continue_after_commit(OutputDir& out);

 private:
  std::string tmp_, final_;
  void* gz_ = nullptr;  ///< gzFile (kept opaque so that zlib.h stays out of this header)
  /// "`what` `tmp_`: <errno's reason>" for a failed zlib call.
  std::string failure(const std::string& what) const;
  void write_buffer(const char* text, std::size_t size);
  void open(OutputDir& out, bool continue_committed);
};

}  // namespace mmm
