#pragma once
// A bootstrap divided among the ranks of a job: rank r computes resamples [begin, end) of its
// rank_range, then every rank receives every other rank's rows, so all ranks hold the B
// resamples exactly as one process computes them (each resample depends only on its index)
// and the percentile intervals that follow are the single-process ones.

#include <vector>

#include "host/bootstrap/bootstrap.hpp"
#include "host/distributed/communicator.hpp"
#include "host/distributed/work_split.hpp"

namespace mmm {

/// What the nested bootstrap adds to each resample (null where not nested).
struct NestedResampleRows {
  Eigen::MatrixXd* hyper = nullptr;          ///< B × 3C
  std::vector<double>* best_loss = nullptr;  ///< B
  long* evaluations = nullptr;               ///< summed over ranks
};

/// Allgathers the rows `mine` of report.coef, roi, all_coef and intercept (and of `nested`)
/// from every rank and adds up the failures; a no-op in a single process.
void share_resamples(const Communicator& comm, IndexRange mine, BootstrapReport& report,
                     const NestedResampleRows& nested = {});

}  // namespace mmm
