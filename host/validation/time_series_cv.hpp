#pragma once
// Rolling-window time-series cross-validation (SPEC §6): train on a window, test on the
// weeks right after it, slide. Each fold is the backend's weighted path with a 0/1 mask, so
// the scaler is fitted on the training rows only.
//
// Every fold needs a T-long weight vector, so the folds (T / step of them) go to the backend
// in chunks: one batch of all of them would hold T² / step weights (200,000 daily rows: 15,380
// folds, 22.5 GB). A chunk is at most kCvMaxChunkFolds candidates and at most
// kCvMaxChunkWeightBytes of weights; each candidate's fit does not depend on its batch, so the
// results are those of one batch.

#include <cstddef>
#include <string>
#include <vector>

#include "host/backend/evaluator.hpp"
#include "host/model/model_data.hpp"
#include "host/validation/regression_metrics.hpp"

namespace mmm {

/// The longest CV window (rows) accepted for --cv-train, --cv-test and --cv-step: far beyond
/// any weekly history, and small enough that start + train + test stays well inside `int`.
constexpr int kMaxCvWindowRows = 1000000;

/// The most candidates (folds, and the full-data fit) in one backend call of the CV.
constexpr int kCvMaxChunkFolds = 256;
/// The most bytes of row weights (candidates × T doubles) in one backend call of the CV.
constexpr std::size_t kCvMaxChunkWeightBytes = std::size_t{64} << 20;

struct CvOptions {
  int train = 52;
  int test = 13;
  int step = 13;
  /// Candidates per backend call; 0 chooses cv_chunk_size (tests set a small one to compare
  /// chunked against one-batch results).
  int chunk = 0;
};

struct CvFold {
  int index = 0;
  int train_begin = 0, train_end = 0;  ///< row range [begin, end)
  int test_begin = 0, test_end = 0;
  RegressionMetrics metrics;  ///< on the test rows
};

struct CvReport {
  std::vector<CvFold> folds;
  RegressionMetrics mean;       ///< over folds
  RegressionMetrics stdev;      ///< sample standard deviation over folds (0 with one fold)
  RegressionMetrics in_sample;  ///< the full-data fit on all rows
  bool skipped = false;         ///< too few rows for one fold
  std::string notice;           ///< why CV was skipped
};

/// Row windows of every fold for T rows; empty when T < train + test. InputError (exit 2)
/// for a window below its minimum or above kMaxCvWindowRows.
std::vector<CvFold> make_folds(int rows, const CvOptions& options);

/// Candidates per backend call for T rows: options.chunk when set, else as many as keep the
/// weights within kCvMaxChunkWeightBytes, at most kCvMaxChunkFolds, at least 1.
int cv_chunk_size(int rows, const CvOptions& options);

/// Fits each fold with fixed hyperparameters (θ, α, γ per channel) and scores its test rows.
CvReport cross_validate(const ModelData& data, const std::vector<double>& hyper3c,
                        const CvOptions& options, Evaluator& evaluator);

}  // namespace mmm
