#pragma once
// Hyperparameters of the media transforms and the search box they are decoded from (SPEC §5).

#include <string>
#include <vector>

namespace mmm {

/// Adstock decay θ, Hill shape α and Hill half-saturation γ (spend units) of one channel.
struct ChannelHyper {
  double theta = 0.0;
  double alpha = 1.0;
  double gamma = 1.0;
};

/// Everything that fixes a model's design: per-channel transforms and the ridge penalty.
struct Hyperparameters {
  double ridge_lambda = 10.0;
  std::vector<ChannelHyper> channels;  ///< one per channel, in Dataset::channels order
};

/// A closed interval.
struct Interval {
  double lo = 0.0;
  double hi = 1.0;
};

/// Search bounds of one channel. γ's bounds are fractions of the channel's max weekly spend.
struct ChannelBounds {
  Interval theta{0.0, 0.95};
  Interval alpha{0.5, 3.0};
  Interval gamma_fraction{0.0, 1.0};
};

/// The search box: u ∈ [−5, 5]^{3C}, laid out per channel as (θ, α, γ) (SPEC §5).
struct SearchSpace {
  std::vector<ChannelBounds> bounds;  ///< one per channel
  std::vector<double> max_spend;      ///< max weekly spend per channel (γ's unit)

  static constexpr double kLower = -5.0;
  static constexpr double kUpper = 5.0;

  int channels() const { return static_cast<int>(bounds.size()); }
  int dimension() const { return 3 * channels(); }
  /// Natural parameters (θ, α, γ) of channel c from a search vector u.
  ChannelHyper decode(const double* u, int c) const;
  /// Decodes `count` search vectors (row-major, 3C each) into natural-unit candidates
  /// (θ, α, γ per channel), the layout CandidateBatch expects; `params` is resized.
  void decode_batch(const double* u, int count, std::vector<double>& params) const;
  /// Natural parameters of channel c from a design point s ∈ [0, 1]^{3C}, linear over each
  /// parameter's [lo, hi] box (the sweep's design space).
  ChannelHyper decode_unit(const double* s, int c) const;
  /// Writes the 3C-long search vector that decodes to `hyper` (clamped into the box).
  void encode(const std::vector<ChannelHyper>& hyper, double* u) const;
};

/// The default box of SPEC §5 for the given max weekly spends.
SearchSpace default_search_space(const std::vector<double>& max_spend);

}  // namespace mmm
