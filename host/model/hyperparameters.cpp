#include "host/model/hyperparameters.hpp"

#include "host/features/transforms.hpp"

namespace mmm {

ChannelHyper SearchSpace::decode(const double* u, int c) const {
  const ChannelBounds& b = bounds[c];
  ChannelHyper h;
  h.theta = decode_coordinate(u[3 * c], b.theta.lo, b.theta.hi);
  h.alpha = decode_coordinate(u[3 * c + 1], b.alpha.lo, b.alpha.hi);
  h.gamma =
      decode_coordinate(u[3 * c + 2], b.gamma_fraction.lo, b.gamma_fraction.hi) * max_spend[c];
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
  h.theta = b.theta.lo + (b.theta.hi - b.theta.lo) * s[3 * c];
  h.alpha = b.alpha.lo + (b.alpha.hi - b.alpha.lo) * s[3 * c + 1];
  h.gamma = (b.gamma_fraction.lo + (b.gamma_fraction.hi - b.gamma_fraction.lo) * s[3 * c + 2]) *
            max_spend[c];
  return h;
}

void SearchSpace::encode(const std::vector<ChannelHyper>& hyper, double* u) const {
  for (int c = 0; c < channels(); ++c) {
    const ChannelBounds& b = bounds[c];
    u[3 * c] = encode_coordinate(hyper[c].theta, b.theta.lo, b.theta.hi);
    u[3 * c + 1] = encode_coordinate(hyper[c].alpha, b.alpha.lo, b.alpha.hi);
    u[3 * c + 2] =
        encode_coordinate(hyper[c].gamma / max_spend[c], b.gamma_fraction.lo, b.gamma_fraction.hi);
  }
}

SearchSpace default_search_space(const std::vector<double>& max_spend) {
  SearchSpace space;
  space.bounds.assign(max_spend.size(), ChannelBounds{});
  space.max_spend = max_spend;
  return space;
}

}  // namespace mmm
