#pragma once
// sweep_all.csv.gz of `mmm sweep --all`: one row per candidate (index, loss, r2, θ/α/γ and
// media coefficients per channel), streamed through zlib as the chunks come, so memory does
// not grow with --n. Written under a temporary name and renamed into place by commit(), like
// every other output; a resumed sweep appends a new gzip member (gunzip reads them as one).

#include <cstdint>
#include <string>
#include <vector>

#include "host/backend/evaluator.hpp"

namespace mmm {

class SweepAllWriter {
 public:
  /// Opens the temporary file in `dir` (created if missing). With `resume`, the existing
  /// sweep_all.csv.gz is copied first and continued (InputError when it is missing).
  SweepAllWriter(std::string dir, const std::vector<std::string>& channels, bool resume);
  /// Removes the temporary file unless committed.
  ~SweepAllWriter();
  SweepAllWriter(const SweepAllWriter&) = delete;
  SweepAllWriter& operator=(const SweepAllWriter&) = delete;

  /// Appends candidates [first, first + count): params are 3C per candidate (evaluator
  /// layout), results the evaluator's.
  void write(std::uint64_t first, int count, int channels, const double* params,
             const BatchResult& results);
  /// Finishes the gzip stream and renames the file into place.
  void commit();

 private:
  std::string dir_, tmp_, final_;
  void* gz_ = nullptr;  ///< gzFile (kept opaque so that zlib.h stays out of this header)
  bool committed_ = false;
  std::string buffer_;
};

}  // namespace mmm
