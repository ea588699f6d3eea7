#include "host/backend/batched_spd_solver.hpp"

#include <Eigen/Dense>
#include <stdexcept>
#include <string>

namespace mmm {

using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;

void SpdBatch::resize(int p, int S, int k) {
  if (p < 0 || S < 0 || k < 0) throw std::invalid_argument("SpdBatch::resize: negative size");
  size = p;
  count = S;
  rhs_cols = k;
  // resize, not assign: a reused batch keeps its memory and skips a pass over it.
  matrices.resize(static_cast<std::size_t>(S) * p * p);
  rhs.resize(static_cast<std::size_t>(S) * p * k);
  info.assign(S, 0);
}

bool SpdBatch::all_factored() const {
  for (int v : info) {
    if (v != 0) return false;
  }
  return static_cast<int>(info.size()) == count;
}

void SpdBatch::check_shape(const char* who) const {
  const std::size_t S = count, p = size, k = rhs_cols;
  if (size < 0 || count < 0 || rhs_cols < 0 || matrices.size() != S * p * p ||
      rhs.size() != S * p * k) {
    throw std::invalid_argument(std::string(who) +
                                ": SpdBatch buffers do not match its sizes (call resize)");
  }
}

void solve_factored(const SpdBatch& batch, int s, double* x, int cols) {
  const int p = batch.size;
  const ConstMatrixMap L(batch.matrix(s), p, p);
  // What Eigen::LLT<MatrixXd, Lower>::solve does with its stored factor (the vector path for
  // one column, as LLT::solve(VectorXd) takes).
  auto solve = [&L](auto&& X) {
    L.triangularView<Eigen::Lower>().solveInPlace(X);
    L.transpose().triangularView<Eigen::Upper>().solveInPlace(X);
  };
  if (cols == 1) {
    solve(Eigen::Map<Eigen::VectorXd>(x, p));
  } else {
    solve(MatrixMap(x, p, cols));
  }
}

}  // namespace mmm
