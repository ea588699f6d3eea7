#pragma once
// Hyperparameters of the media transforms and the search box they are decoded from (SPEC §5).

#include <string>
#include <vector>

#include "host/features/saturation.hpp"

namespace mmm {

/// Adstock decay θ, Hill shape α and half-saturation γ (spend units) of one channel, and the
/// saturation shape they parameterize (a logistic channel has no α: kUnusedAlpha).
struct ChannelHyper {
  double theta = 0.0;
  double alpha = 1.0;
  double gamma = 1.0;
  SaturationShape saturation = SaturationShape::Hill;
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

/// How the search expresses γ (γ itself is always in spend units in files and outputs).
enum class GammaEncoding {
  /// The reference pipeline's: γ = f · max raw weekly spend, f linear over its box.
  SpendFraction,
  /// The default: γ = g · max of the channel's adstocked spend at the candidate's θ, g on a
  /// log scale over its box, so the Hill's bend stays tied to the data whatever θ is. Robyn
  /// positions γ within [min, max] of the adstock instead; on `mmm simulate` data that
  /// position is below 0 for 5% of the true γ and below Robyn's box floor 0.3 for half of
  /// them (always-on channels never bring the adstock near 0), so the range here starts at 0.
  AdstockedMax,
};

/// Default box of g = γ / max adstocked spend. Measured (bench/RESULTS.md): the true g of
/// `mmm simulate` data spans 0.086–0.71 (200 channels, 3 shapes × 5 seeds), the third-party
/// truths' Hill-equivalent γ reach ~4 × max raw spend; the box's geometric middle (0.5) sits
/// near the simulated median (0.36).
constexpr double kDefaultGammaPositionLo = 0.05;
constexpr double kDefaultGammaPositionHi = 5.0;

/// Search bounds of one channel. γ's bounds are in the encoding's unit: fractions of the max
/// weekly spend (SpendFraction) or positions within the adstocked range (AdstockedMax).
struct ChannelBounds {
  Interval theta{0.0, 0.95};
  Interval alpha{0.5, 3.0};
  Interval gamma_fraction{0.0, 1.0};
  /// False: γ's box was not given (config), so the encoding's default box applies.
  bool gamma_given = false;
};

/// The search box: u ∈ [−5, 5]^{3C}, laid out per channel as (θ, α, γ) (SPEC §5).
struct SearchSpace {
  std::vector<ChannelBounds> bounds;  ///< one per channel
  std::vector<double> max_spend;      ///< max weekly spend per channel (γ's unit)
  GammaEncoding gamma_encoding = GammaEncoding::SpendFraction;
  /// Weekly spend per channel (AdstockedMax only: γ's range depends on θ).
  std::vector<std::vector<double>> spend;
  /// Saturation shape per channel; empty: every channel Hill. A logistic channel's α
  /// coordinate is not searched: it decodes to kUnusedAlpha and is left out of the DE's
  /// crossover (searched_coordinates).
  std::vector<SaturationShape> saturation;

  /// Channel c's saturation shape.
  SaturationShape shape(int c) const {
    return saturation.empty() ? SaturationShape::Hill : saturation[static_cast<size_t>(c)];
  }
  /// One flag per coordinate of a search vector (3C): false for the coordinates that decode to
  /// a fixed value whatever u is (a logistic channel's α), which a search need not vary.
  std::vector<char> searched_coordinates() const;

  /// (min, max) over the weeks of channel c's geometric adstock at decay θ.
  Interval adstocked_range(int c, double theta) const;
  /// γ in spend units of channel c from its encoded coordinate value (the box's unit) at θ.
  double gamma_from_position(int c, double theta, double position) const;
  /// Inverse of gamma_from_position.
  double position_from_gamma(int c, double theta, double gamma) const;
  /// Whether channel c's γ coordinate is log-scaled (the default encoding with a box lo > 0).
  bool gamma_log_scale(int c) const;

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

/// The reference box of SPEC §5 for the given max weekly spends (γ as a fraction of it).
SearchSpace default_search_space(const std::vector<double>& max_spend);

/// The default box: γ as a position within each channel's adstocked spend range, over
/// [kDefaultGammaPositionLo, kDefaultGammaPositionHi] on a log scale. `spend` is T × C.
SearchSpace adstocked_search_space(const std::vector<std::vector<double>>& spend);

}  // namespace mmm
