#include "host/model/hyperparameters.hpp"

#include <algorithm>
#include <cmath>

#include "host/features/transforms.hpp"

namespace mmm {
namespace {

bool log_scale(const SearchSpace& space, const Interval& box) {
  return space.gamma_encoding == GammaEncoding::AdstockedMax && box.lo > 0.0 && box.hi > box.lo;
}

double decode_gamma_coordinate(const SearchSpace& space, double u, const Interval& box) {
  if (log_scale(space, box))
    return std::exp(decode_coordinate(u, std::log(box.lo), std::log(box.hi)));
  return decode_coordinate(u, box.lo, box.hi);
}

double encode_gamma_coordinate(const SearchSpace& space, double value, const Interval& box) {
  if (log_scale(space, box)) {
    return encode_coordinate(std::log(std::max(value, 1e-300)), std::log(box.lo), std::log(box.hi));
  }
  return encode_coordinate(value, box.lo, box.hi);
}

}  // namespace

// The position box decodes on a log scale when it can (lo > 0): positions 0.05 and 0.5 are as
// different as 0.5 and 5 for a Hill's bend, and the search's initial cloud (and a sweep's
// design) then centres on the geometric middle of the box instead of its arithmetic one.
bool SearchSpace::gamma_log_scale(int c) const {
  return log_scale(*this, bounds[c].gamma_fraction);
}

Interval SearchSpace::adstocked_range(int c, double theta) const {
  const std::vector<double>& x = spend[c];
  Interval range{0.0, 0.0};
  double a = 0.0;
  for (size_t t = 0; t < x.size(); ++t) {
    a = t == 0 ? x[t] : x[t] + theta * a;
    range.lo = t == 0 ? a : std::min(range.lo, a);
    range.hi = t == 0 ? a : std::max(range.hi, a);
  }
  return range;
}

double SearchSpace::gamma_from_position(int c, double theta, double position) const {
  if (gamma_encoding == GammaEncoding::SpendFraction) return position * max_spend[c];
  // A positive γ even for an all-zero channel keeps the Hill's log finite.
  return std::max(position * adstocked_range(c, theta).hi, 1e-300);
}

double SearchSpace::position_from_gamma(int c, double theta, double gamma) const {
  if (gamma_encoding == GammaEncoding::SpendFraction) return gamma / max_spend[c];
  const double peak = adstocked_range(c, theta).hi;
  return peak > 0.0 ? gamma / peak : 1.0;
}

std::vector<char> SearchSpace::searched_coordinates() const {
  std::vector<char> searched(static_cast<size_t>(dimension()), 1);
  for (int c = 0; c < channels(); ++c) {
    if (shape(c) == SaturationShape::Logistic) searched[static_cast<size_t>(3 * c + 1)] = 0;
  }
  return searched;
}

ChannelHyper SearchSpace::decode(const double* u, int c) const {
  const ChannelBounds& b = bounds[c];
  ChannelHyper h;
  h.saturation = shape(c);
  h.theta = decode_coordinate(u[3 * c], b.theta.lo, b.theta.hi);
  h.alpha = h.saturation == SaturationShape::Logistic
                ? kUnusedAlpha
                : decode_coordinate(u[3 * c + 1], b.alpha.lo, b.alpha.hi);
  h.gamma = gamma_from_position(c, h.theta,
                                decode_gamma_coordinate(*this, u[3 * c + 2], b.gamma_fraction));
  return h;
}

void SearchSpace::decode_batch(const double* u, int count, std::vector<double>& params) const {
  const int dim = dimension();
  params.resize(static_cast<size_t>(count) * dim);
  for (int i = 0; i < count; ++i) {
    for (int c = 0; c < channels(); ++c) {
      const ChannelHyper h = decode(u + static_cast<size_t>(i) * dim, c);
      double* p = &params[static_cast<size_t>(i) * dim + 3 * c];
      p[0] = h.theta;
      p[1] = h.alpha;
      p[2] = h.gamma;
    }
  }
}

ChannelHyper SearchSpace::decode_unit(const double* s, int c) const {
  const ChannelBounds& b = bounds[c];
  ChannelHyper h;
  h.saturation = shape(c);
  h.theta = b.theta.lo + (b.theta.hi - b.theta.lo) * s[3 * c];
  h.alpha = h.saturation == SaturationShape::Logistic
                ? kUnusedAlpha
                : b.alpha.lo + (b.alpha.hi - b.alpha.lo) * s[3 * c + 1];
  const Interval& g = b.gamma_fraction;
  const double position = gamma_log_scale(c) ? g.lo * std::pow(g.hi / g.lo, s[3 * c + 2])
                                             : g.lo + (g.hi - g.lo) * s[3 * c + 2];
  h.gamma = gamma_from_position(c, h.theta, position);
  return h;
}

void SearchSpace::encode(const std::vector<ChannelHyper>& hyper, double* u) const {
  for (int c = 0; c < channels(); ++c) {
    const ChannelBounds& b = bounds[c];
    u[3 * c] = encode_coordinate(hyper[c].theta, b.theta.lo, b.theta.hi);
    u[3 * c + 1] = encode_coordinate(hyper[c].alpha, b.alpha.lo, b.alpha.hi);
    // The position is taken at the θ the search vector decodes to (θ may have been clamped).
    const double theta = decode_coordinate(u[3 * c], b.theta.lo, b.theta.hi);
    u[3 * c + 2] = encode_gamma_coordinate(*this, position_from_gamma(c, theta, hyper[c].gamma),
                                           b.gamma_fraction);
  }
}

SearchSpace default_search_space(const std::vector<double>& max_spend) {
  SearchSpace space;
  space.bounds.assign(max_spend.size(), ChannelBounds{});
  space.max_spend = max_spend;
  return space;
}

SearchSpace adstocked_search_space(const std::vector<std::vector<double>>& spend) {
  SearchSpace space;
  space.gamma_encoding = GammaEncoding::AdstockedMax;
  space.spend = spend;
  ChannelBounds b;
  b.gamma_fraction = Interval{kDefaultGammaPositionLo, kDefaultGammaPositionHi};
  space.bounds.assign(spend.size(), b);
  for (const auto& x : spend)
    space.max_spend.push_back(x.empty() ? 0.0 : *std::max_element(x.begin(), x.end()));
  return space;
}

}  // namespace mmm
