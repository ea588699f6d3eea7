#pragma once
// Ridge regression over many segments with three kinds of pooling (SPEC §9), solved exactly
// from per-segment Gram blocks (p × p each; the designs themselves are never kept).
//
// Every segment s has its own intercept: X_s and y_s are centred per segment, and the blocks
// are A_s = X_sᵀX_s, c_s = X_sᵀy_s, yy_s = y_sᵀy_s of the centred, standardized columns.
//   none:     β_s = argmin ‖y_s − X_s β‖² + λ ‖β‖², each segment on its own; β_g = mean β_s.
//   complete: β_s = β_g = argmin Σ_s ‖y_s − X_s β‖² + λ_g ‖β‖² (segments stacked).
//   partial:  argmin Σ_s ‖y_s − X_s β_s‖² + λ_g ‖β_g‖² + λ_s Σ_s ‖β_s − β_g‖².
// For fixed β_g each β_s = M_s⁻¹ (c_s + λ_s β_g) with M_s = A_s + λ_s I; the β_g stationarity
// condition (λ_g + S λ_s) β_g = λ_s Σ β_s then becomes the p × p system
//   (λ_g I + Σ_s λ_s M_s⁻¹ A_s) β_g = Σ_s λ_s M_s⁻¹ c_s
// (I − λ_s M_s⁻¹ = M_s⁻¹ A_s; this form avoids the cancellation of the difference when
// λ_s ≫ ‖A_s‖). Cost: one p × p Cholesky per segment and one for β_g. The per-segment
// Choleskys are one batched call (BatchedSpdSolver: the CPU, or cuSOLVER on the GPU) that
// solves M_s against [A_s | c_s]; β_s then reuses the returned factors on the host.
//
// Global columns G (PoolingPenalties::global_columns; the others are L) have ONE coefficient
// β_G in every segment, under every pooling. Partial then minimizes
//   Σ_s ‖y_s − X_sG β_G − X_sL β_sL‖² + λ_g (‖β_G‖² + ‖β_gL‖²) + λ_s Σ_s ‖β_sL − β_gL‖²,
// none drops β_gL (penalty λ_g ‖β_G‖² + λ Σ_s ‖β_sL‖²), complete is unchanged. With
// M_s = A_sLL + μ I (μ = λ_s partial, λ none) each β_sL = M_s⁻¹ (c_sL − A_sLG β_G + λ_s β_gL)
// (none: no β_gL term); substituted into the β_G and β_gL conditions this leaves the
// symmetric positive definite system in x = (β_G, β_gL) (none: β_G only)
//   [λ_g I + Σ_s (A_sGG − A_sGL M_s⁻¹ A_sLG)    Σ_s λ_s A_sGL M_s⁻¹        ] x
//   [Σ_s λ_s M_s⁻¹ A_sLG                         λ_g I + Σ_s λ_s M_s⁻¹ A_sLL]
//     = (Σ_s (c_sG − A_sGL M_s⁻¹ c_sL), Σ_s λ_s M_s⁻¹ c_sL),
// the Schur complement of the stacked problem. Under none the reported β_g is β_G on G and
// the mean of the β_sL on L.

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace mmm {

class BatchedSpdSolver;
class ThreadPool;

enum class Pooling { kNone, kComplete, kPartial };

/// "none" | "complete" | "partial" → Pooling; InputError (exit 2) naming the flag otherwise.
Pooling parse_pooling(const std::string& text);
const char* pooling_name(Pooling pooling);

/// The centred, standardized Gram blocks of one segment.
struct SegmentGram {
  Eigen::MatrixXd A;  ///< p × p, X_sᵀX_s
  Eigen::VectorXd c;  ///< p, X_sᵀy_s
  double yy = 0.0;    ///< y_sᵀy_s (the segment's total sum of squares around its mean)
  double n = 0.0;     ///< rows
};

struct PoolingPenalties {
  double lambda = 10.0;           ///< none: the ridge penalty of each segment
  double lambda_global = 10.0;    ///< complete and partial: penalty on β_g
  double lambda_segment = 100.0;  ///< partial: penalty on β_s − β_g
  /// Columns with one coefficient shared by every segment under every pooling (sorted,
  /// distinct; empty: every column is segment-specific).
  std::vector<int> global_columns;
};

struct PooledSolution {
  Eigen::VectorXd global;   ///< β_g (p)
  Eigen::MatrixXd segment;  ///< p × S, β_s per column
  Eigen::VectorXd rss;      ///< S residual sums of squares ‖y_s − X_s β_s‖²
  bool ok = false;          ///< false when a factorization failed (singular blocks)
};

/// Solves the pooled problem; segments are processed in parallel on `pool` when given. The S
/// per-segment factorizations and solves (none, partial, and with global columns) go through
/// one `solver` call (null: the CPU, Eigen LLT per segment on `pool`); the remaining
/// reductions and the one global p × p system stay on the host.
PooledSolution solve_pooled(const std::vector<SegmentGram>& blocks, Pooling pooling,
                            const PoolingPenalties& penalties, ThreadPool* pool = nullptr,
                            BatchedSpdSolver* solver = nullptr);

/// Pooling factor per coefficient, 0 = no pooling, 1 = complete pooling:
/// 1 − spread(β_s around β_g) / spread(β_s^none around their mean), spread = root mean square
/// over segments, clamped to [0, 1]; 1 where the unpooled spread is 0.
Eigen::VectorXd pooling_factor(const PooledSolution& pooled, const PooledSolution& unpooled);

}  // namespace mmm
