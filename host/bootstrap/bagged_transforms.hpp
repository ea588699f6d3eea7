#pragma once
// Bootstrap smoothing of the transform choice (Breiman's bagging; Efron 2014, "Estimation and
// accuracy after model selection"): the search's single best (θ, α, γ) jumps between
// transforms that fit the data about equally well, and a channel's ROI jumps with it. The
// nested bootstrap already re-runs the search in every resample; the per-channel median of
// those choices is a far steadier estimate of the transforms, and the model is then refitted
// on all rows at that median, so every output still comes from one coherent model
// (bench/RESULTS.md, "Estimates": the contribution-weighted ROI error about halves).

#include <Eigen/Dense>
#include <vector>

namespace mmm {

/// Per-channel median of each transform parameter over the resamples' chosen transforms
/// (`hyper`: B × 3C, (θ, α, γ) per channel, natural units). γ's median is taken on the log
/// scale (the two middle values' geometric mean when B is even), θ's and α's on their own.
/// Resamples with a non-finite value (failed searches) are left out; empty when none is left.
std::vector<double> bagged_transforms(const Eigen::MatrixXd& hyper);

}  // namespace mmm
