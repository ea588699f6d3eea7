#pragma once
// Per-segment hyperparameters (SPEC §9, `--per-segment-hyperparameters`): after the shared
// search, every segment searches its own (θ, α, γ) per channel.
//
// A joint search over S · 3C dimensions is out of reach for hundreds of segments, so this is
// one block-coordinate step of the pooled problem: the global coefficients β_g (and the
// coefficients of global channels) and the pooled scale σ are held at the shared fit, and
// each segment minimizes its own term of the pooled ridge objective plus the loss's sign
// penalty,
//   (RSS_s(h_s) + R_s) / Σ_s TSS_s + penalty_weight / S · max(N_s − N_s⁰, 0)
// with R_s the segment's ridge penalty (partial: λ_s ‖β_sL − β_gL‖²; none: λ ‖β_sL‖²;
// complete: 0), N_s = Σ_c min(β_sc, 0)² over the media channels and N_s⁰ its value at the
// shared point under partial (0 under none; complete has no such term), where β_s is what the
// pooled solve gives segment s for fixed β_g:
//   partial:  β_sL = (A_sLL + λ_s I)⁻¹ (c_sL − A_sLG β_G + λ_s β_gL)
//   none:     β_sL = (A_sLL + λ I)⁻¹   (c_sL − A_sLG β_G)
//   complete: β_s = β_g (the segment can only reshape its media curves)
// (L: segment-specific columns, G: global columns; A, c from the segment's own design,
// centred and divided by the shared σ). With β_g fixed the segments are independent, so
// their searches run in parallel. At the shared point the terms add up to the pooled ridge
// objective / Σ TSS (+ under none the loss's sign penalty), so each search improves the
// segment's own share of what the re-solve minimizes. Why each piece is there (measured):
// without R_s, segments on 300 × 20 simulated data picked transforms that fit only with
// coefficients far from β_g, and the re-solve dropped the pooled R² from 0.697 to 0.657;
// without any sign term under partial, β_g turned negative after the re-solve (loss 0.387 →
// 4026, bench/segment_hyperparameters.py seed 1); with the full N_s under partial (segments may
// be negative there at the shared fit) the sign term dwarfed the fit and the search only chased
// it — hence only what exceeds the shared point's N_s⁰. Each search starts with the shared
// point in its population, so no segment's term gets worse. The caller then re-solves the
// pooled problem with the new designs (β_g and σ move) and keeps the result only when the
// pooled loss did not rise.
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

#include "host/distributed/communicator.hpp"
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

/// Segment s's term (header comment) for candidate `hyper3c`, with β_g (standardized, p) and σ
/// from the shared fit; `tss` = Σ_s TSS_s; the negative-coefficient penalty counts only what
/// exceeds `negative_floor`; `negative` (optional) gets Σ_c min(β_sc, 0)². +inf when the solve
/// fails.
double segment_term(const SegmentProblem& problem, int s, const double* hyper3c,
                    const Eigen::VectorXd& scale, const Eigen::VectorXd& global_beta, double tss,
                    double negative_floor = 0.0, double* negative = nullptr);

/// Searches every segment's hyperparameters over `space` starting from `shared3c` (3C) with
/// β_g and σ of `shared_fit` / `shared_design`. `progress` gets the number of segments done
/// (this rank's, in a job). In a job of several ranks each searches the segments of its
/// rank_range and every rank receives all results: a segment's search depends only on its
/// index, so they are one process's.
SegmentHyperSearch search_segment_hyperparameters(
    const SegmentProblem& problem, const SearchSpace& space, const std::vector<double>& shared3c,
    const SegmentDesign& shared_design, const SegmentFit& shared_fit,
    const SegmentHyperSearchOptions& options, ThreadPool* pool,
    const std::function<void(int)>& progress = {}, const Communicator& comm = single_process());

}  // namespace mmm
