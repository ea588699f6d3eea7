#include "host/backend/cpu_batched_spd_solver.hpp"

#include <Eigen/Dense>

#include "host/common/thread_pool.hpp"

namespace mmm::cpu {

void CpuBatchedSpdSolver::factor_and_solve(SpdBatch& batch, ThreadPool* pool) {
  batch.check_shape("CpuBatchedSpdSolver");
  const int S = batch.count, p = batch.size, k = batch.rhs_cols;
  batch.info.assign(S, 0);
  auto one = [&](int s) {
    Eigen::Map<Eigen::MatrixXd> M(batch.matrix(s), p, p);
    // In place: the factor overwrites the lower triangle, as LAPACK's potrf does.
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(M);
    if (llt.info() != Eigen::Success) {
      batch.info[s] = 1;
      return;
    }
    if (k == 1) {
      // Eigen's vector path for one column: what LLT::solve(VectorXd) computes.
      Eigen::Map<Eigen::VectorXd> b(batch.rhs_block(s), p);
      llt.solveInPlace(b);
    } else if (k > 1) {
      Eigen::Map<Eigen::MatrixXd> B(batch.rhs_block(s), p, k);
      llt.solveInPlace(B);
    }
  };
  if (pool == nullptr || S < 2) {
    for (int s = 0; s < S; ++s) one(s);
    return;
  }
  pool->parallel_for(S, [&](int b, int e, int) {
    for (int s = b; s < e; ++s) one(s);
  });
}

std::string CpuBatchedSpdSolver::name() const { return "cpu (Eigen LLT)"; }

}  // namespace mmm::cpu
