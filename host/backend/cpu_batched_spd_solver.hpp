#pragma once
// The CPU implementation of BatchedSpdSolver: one Eigen LLT per system, factored in place in
// the batch's buffer; systems split over the thread pool when one is given.

#include <string>

#include "host/backend/batched_spd_solver.hpp"

namespace mmm::cpu {

/// Stateless, so one instance may serve several threads at once.
class CpuBatchedSpdSolver : public BatchedSpdSolver {
 public:
  void factor_and_solve(SpdBatch& batch, ThreadPool* pool) override;
  /// "cpu (Eigen LLT)".
  std::string name() const override;
};

}  // namespace mmm::cpu
