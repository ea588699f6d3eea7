#pragma once
// Problems and candidates shared by the CUDA tests (test_cuda_parity.cpp and the emulated
// device's tests): simulated data with the default controls, and candidates drawn from the
// default search box.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/model/hyperparameters.hpp"
#include "host/model/model_data.hpp"
#include "host/simulate/simulator.hpp"

namespace mmm {

/// A simulated problem: `channels` media, the default controls plus `extra` user controls.
inline ModelData simulated(int weeks, int channels, int extra, std::uint64_t seed) {
  SimulationOptions o;
  o.weeks = weeks;
  o.channels = channels;
  o.controls = extra;
  o.seed = seed;
  const Simulation s = simulate(o);
  const Eigen::MatrixXd defaults = default_controls(s.dates).values;
  ModelData m;
  m.spend = s.spend;
  m.controls.resize(weeks, defaults.cols() + extra);
  m.controls << defaults, s.controls;
  m.y = s.revenue;
  return m;
}

/// `count` candidates decoded from uniform points of the default search box (SPEC §5).
inline std::vector<double> random_candidates(const ModelData& m, int count, std::uint64_t seed) {
  const SearchSpace space = default_search_space(m.max_spend());
  PhiloxStream rng(seed, 7u);
  std::vector<double> u(space.dimension()), params;
  params.reserve(static_cast<size_t>(count) * u.size());
  for (int i = 0; i < count; ++i) {
    for (double& v : u) v = rng.uniform(SearchSpace::kLower, SearchSpace::kUpper);
    for (int c = 0; c < space.channels(); ++c) {
      const ChannelHyper h = space.decode(u.data(), c);
      params.insert(params.end(), {h.theta, h.alpha, h.gamma});
    }
  }
  return params;
}

}  // namespace mmm
