#pragma once
// The numeric side of a segmented fit (SPEC §9): per segment, the media transforms of one
// shared hyperparameter vector and the default + user controls → centred Gram blocks →
// pooled standardization → the pooled ridge of pooled_ridge.hpp.
//
// Standardization (the same for all three poolings, so their losses compare): every column
// and the KPI are centred per segment (each segment has its own intercept), and every column
// is divided by its pooled within-segment standard deviation
//   σ_j² = Σ_s Σ_t (x_stj − x̄_sj)² / N   (N = rows over all segments; constant columns: 1).
// With this choice complete pooling is exactly scikit-learn's StandardScaler + Ridge(λ_g) on
// the stacked, per-segment-centred rows. Coefficients in column units are β / σ.

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "host/data/segmented_loader.hpp"
#include "host/model/model_data.hpp"
#include "host/segments/pooled_ridge.hpp"

namespace mmm {

class BatchedSpdSolver;
class ThreadPool;

/// Everything a candidate evaluation needs: spend, controls and KPI per segment.
struct SegmentProblem {
  std::vector<ModelData> segments;  ///< per segment (controls: default set, then user)
  /// Per segment, spend period-major with rows padded to the SIMD width (the CPU kernel's
  /// layout: period t at [t · padded, (t + 1) · padded)).
  std::vector<std::vector<double>> spend_period_major;
  std::vector<double> max_spend;  ///< per channel, over all segments (γ's unit)
  Pooling pooling = Pooling::kPartial;
  PoolingPenalties penalties;
  double penalty_weight = kDefaultPenaltyWeight;
  /// Factors and solves the per-segment systems of every pooled solve (null: the CPU).
  std::shared_ptr<BatchedSpdSolver> solver;

  int count() const { return static_cast<int>(segments.size()); }
  int channels() const { return segments.empty() ? 0 : segments[0].channels(); }
  int parameters() const { return segments.empty() ? 0 : segments[0].parameters(); }
  long total_rows() const;
};

/// Builds the problem (controls per segment from its own dates).
SegmentProblem make_segment_problem(const SegmentedData& data, Pooling pooling,
                                    const PoolingPenalties& penalties);

/// The standardized Gram blocks of one candidate and what is needed to undo the scaling.
struct SegmentDesign {
  std::vector<SegmentGram> blocks;     ///< per segment, centred and standardized
  Eigen::VectorXd scale;               ///< p pooled within-segment standard deviations
  std::vector<Eigen::VectorXd> means;  ///< per segment, p column means
  Eigen::VectorXd ybar;                ///< per segment KPI mean
};

/// Segment s's T × p design for hyper3c ((θ, α, γ) per channel): the media transforms (the
/// CPU backend's SIMD adstock + Hill), then the controls; not centred.
Eigen::MatrixXd segment_design(const SegmentProblem& problem, int s, const double* hyper3c);

/// Per segment: transform the media with hyper3c ((θ, α, γ) per channel), centre, Gram.
/// Segments run in parallel on `pool`. Memory: S × p², the T × p designs are transient.
/// `weights` (optional, one T_s vector per segment, e.g. bootstrap counts) weighs the rows:
/// weighted means, Gram blocks and pooled σ. `hyper_stride` 0: every segment uses hyper3c;
/// 3C (per-segment hyperparameters): segment s uses hyper3c + s · hyper_stride.
SegmentDesign build_segment_design(const SegmentProblem& problem, const double* hyper3c,
                                   ThreadPool* pool,
                                   const std::vector<Eigen::VectorXd>* weights = nullptr,
                                   int hyper_stride = 0);

/// A solved candidate.
struct SegmentFit {
  PooledSolution solution;  ///< standardized coefficients
  Eigen::VectorXd r2;       ///< per segment, 1 − RSS_s / TSS_s
  double r2_pooled = 0.0;   ///< 1 − Σ RSS_s / Σ TSS_s
  /// (1 − r2_pooled) + penalty_weight · P, the single model's form on the pooled R², with
  /// P = mean_s Σ_c min(β_sc, 0)² under none and Σ_c min(β_gc, 0)² under complete and partial
  /// (standardized media coefficients).
  double loss = 0.0;
};

/// Solves the design with `pooling` (the problem's own when not given).
SegmentFit fit_segment_design(const SegmentProblem& problem, const SegmentDesign& design,
                              Pooling pooling, ThreadPool* pool);

/// build_segment_design + fit_segment_design with the problem's pooling; +inf when the
/// solve fails or the KPI has no variance within segments.
double segment_loss(const SegmentProblem& problem, const double* hyper3c, ThreadPool* pool,
                    int hyper_stride = 0);

/// `--segment-gamma scaled`: per segment and channel (S × C, segment-major), the segment's
/// largest weekly spend over the largest of all segments, so that one shared γ saturates a
/// market ten times larger at ten times the spend (Meridian gets the same by scaling media per
/// capita). 1 where the segment or every segment never spends on the channel.
std::vector<double> segment_gamma_scale(const SegmentProblem& problem);

/// Per-segment (θ, α, γ) blocks (stride 3C) from shared ones, each γ times its segment's scale.
std::vector<double> scaled_segment_hyper(const double* hyper3c, int C,
                                         const std::vector<double>& gamma_scale);

}  // namespace mmm
