#pragma once
// Per-segment hyperparameters (SPEC §9, `--per-segment-hyperparameters`): after the shared
// search, every segment searches its own (θ, α, γ) per channel.
//
// A joint search over S · 3C dimensions is out of reach for hundreds of segments, so this is
// one block-coordinate step of the pooled problem: the global coefficients β_g (and the
// coefficients of global channels) and the pooled scale σ are held at the shared fit, and
// each segment minimizes its own term of the pooled loss,
//   RSS_s(h_s) / Σ_s TSS_s + penalty_weight / S · Σ_c min(β_sc, 0)²  (the last term not under
//   complete, where β_s = β_g is fixed),
// where β_s is what the pooled solve gives segment s for fixed β_g:
//   partial:  β_sL = (A_sLL + λ_s I)⁻¹ (c_sL − A_sLG β_G + λ_s β_gL)
//   none:     β_sL = (A_sLL + λ I)⁻¹   (c_sL − A_sLG β_G)
//   complete: β_s = β_g (the segment can only reshape its media curves)
// (L: segment-specific columns, G: global columns; A, c from the segment's own design,
// centred and divided by the shared σ). With β_g fixed the segments are independent, so
// their searches run in parallel. Under none these terms add up to the pooled loss; under
// partial the pooled loss penalizes negative β_g instead, and the segment terms carry the
// penalty on β_s: the re-solve moves β_g toward the segments, and without it segments bought
// fit with transforms that turned a channel's effect negative (measured: the re-solved loss
// jumped from 0.387 to 4026 on simulated data, bench/segment_hyperparameters.py seed 1). Each
// search starts with the shared point in its population, so no segment's term gets worse. The
// caller then re-solves the pooled problem with the new designs (β_g and σ move) and keeps the
// result only when the pooled loss did not rise.
//
// Shrinkage: with few weeks per segment 3C free transforms per segment overfit (measured in
// bench/RESULTS.md), so the search minimizes
//   term_s(h_s) + ρ · (TSS_s / Σ TSS) · mean_d (u_sd − u_0d)²
// with u the search coordinates (u_0: the shared point; u ∈ [−5, 5]). ρ is in units of the
// segment's own 1 − R² per unit² of mean squared shift: hyperparameters are partially pooled
// toward the shared ones as coefficients are toward β_g. ρ = 0: no shrinkage.

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "host/model/hyperparameters.hpp"
#include "host/segments/segment_model.hpp"

namespace mmm {

class ThreadPool;

struct SegmentHyperSearchOptions {
  long budget = 1000;  ///< objective evaluations per segment
  int population = 30;
  std::uint64_t seed = 1;
  double shrinkage = 0.0;  ///< ρ of the header comment
};

struct SegmentHyperSearch {
  std::vector<double> hyper3c;      ///< S · 3C: (θ, α, γ) per channel, segment after segment
  std::vector<double> term_shared;  ///< per segment: its loss term at the shared point
  std::vector<double> term_best;    ///< per segment: its loss term at its own point (no
                                    ///< shrinkage penalty)
  long evaluations = 0;             ///< over all segments
};

/// Segment s's term of the pooled loss (header comment) for candidate `hyper3c`, with β_g
/// (standardized, p) and σ from the shared fit; `tss` = Σ_s TSS_s. +inf when the solve fails.
double segment_term(const SegmentProblem& problem, int s, const double* hyper3c,
                    const Eigen::VectorXd& scale, const Eigen::VectorXd& global_beta, double tss);

/// Searches every segment's hyperparameters over `space` starting from `shared3c` (3C) with
/// β_g and σ of `shared_fit` / `shared_design`. `progress` gets the number of segments done.
SegmentHyperSearch search_segment_hyperparameters(
    const SegmentProblem& problem, const SearchSpace& space, const std::vector<double>& shared3c,
    const SegmentDesign& shared_design, const SegmentFit& shared_fit,
    const SegmentHyperSearchOptions& options, ThreadPool* pool,
    const std::function<void(int)>& progress = {});

}  // namespace mmm
