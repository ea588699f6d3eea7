#pragma once
// Many small symmetric positive definite systems solved in one call (SPEC §9, §12): the
// segmented fit's per-segment M_s = A_s + μI factorizations and solves. One interface, two
// implementations: CpuBatchedSpdSolver (Eigen LLT per system, systems in parallel on the
// thread pool) and, when CUDA is built, the cuSOLVER/cuBLAS one in kernels/ (reached through
// create_cuda_batched_spd_solver in cuda_switch.hpp). No Eigen and no CUDA types here: kernels/
// implements this header.
//
// Lifecycle of one batch: the caller sizes it (SpdBatch::resize), writes every M_s and B_s,
// calls factor_and_solve once, then reads X_s and, for further right-hand sides known only
// later (e.g. after a global solve), reuses the returned factors with solve_factored on the
// host. So a device backend needs one upload and one download per batch.

#include <cstddef>
#include <string>
#include <vector>

namespace mmm {

class ThreadPool;

/// S systems M_s X_s = B_s of one size, each M_s p × p symmetric positive definite and each
/// B_s p × k, stored back to back in column-major order (one contiguous buffer per kind, so a
/// device backend uploads all matrices at once).
struct SpdBatch {
  int size = 0;      ///< p: rows and columns of every M_s
  int count = 0;     ///< S: number of systems
  int rhs_cols = 0;  ///< k: columns of every B_s (0: factor only)
  /// S · p² values, M_s at [s · p², (s + 1) · p²). Only the lower triangle is read. On return
  /// the lower triangle holds the Cholesky factor L_s (M_s = L_s L_sᵀ); the strict upper
  /// triangle is unspecified.
  std::vector<double> matrices;
  /// S · p · k values, B_s at [s · p · k, (s + 1) · p · k). On return X_s = M_s⁻¹ B_s.
  std::vector<double> rhs;
  /// S values on return: 0 when M_s was factored and solved; otherwise M_s is not
  /// (numerically) positive definite and its factor and solution are unspecified. The CUDA
  /// backend stores cuSOLVER's order of the first non-positive leading minor, the CPU 1
  /// (Eigen does not say which minor failed). A failed system never aborts the others.
  std::vector<int> info;

  /// Sizes the buffers for S systems of size p with k right-hand-side columns. Added elements
  /// are zero, kept ones keep their values (a reused batch): write every M_s and B_s.
  void resize(int p, int S, int k);
  /// M_s (before the call) or L_s (after it), p × p column-major.
  double* matrix(int s) { return matrices.data() + static_cast<std::size_t>(s) * size * size; }
  const double* matrix(int s) const {
    return matrices.data() + static_cast<std::size_t>(s) * size * size;
  }
  /// B_s (before the call) or X_s (after it), p × k column-major.
  double* rhs_block(int s) { return rhs.data() + static_cast<std::size_t>(s) * size * rhs_cols; }
  const double* rhs_block(int s) const {
    return rhs.data() + static_cast<std::size_t>(s) * size * rhs_cols;
  }
  /// Whether every system was factored (info all 0).
  bool all_factored() const;
  /// Throws std::invalid_argument unless the buffers match size, count and rhs_cols.
  void check_shape(const char* who) const;
};

/// Solves M_s x = b for one more right-hand side with the factor L_s a factor_and_solve call
/// left in `batch` (forward then backward substitution, Eigen's LLT::solve order). `x`
/// (p × cols, column-major) holds b on entry and x on return. Host only; system s must have
/// info 0.
void solve_factored(const SpdBatch& batch, int s, double* x, int cols = 1);

/// Factors and solves every system of an SpdBatch (see the header comment).
class BatchedSpdSolver {
 public:
  virtual ~BatchedSpdSolver() = default;
  /// Factors every M_s (Cholesky, float64) and overwrites B_s with X_s; sets batch.info.
  /// `pool` lets a host implementation run systems in parallel (null: serial); a device
  /// implementation ignores it. Throws std::invalid_argument for buffers that do not match the
  /// sizes, and the backend's error type (e.g. CudaError, exit code 1) when the device fails;
  /// a system that is not positive definite is reported in info, never thrown.
  virtual void factor_and_solve(SpdBatch& batch, ThreadPool* pool) = 0;
  /// "cpu (Eigen LLT)" or "cuda:N (device name, cuSOLVER potrfBatched)".
  virtual std::string name() const = 0;
};

}  // namespace mmm
