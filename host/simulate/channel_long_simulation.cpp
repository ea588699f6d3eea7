#include "host/simulate/channel_long_simulation.hpp"

#include <vector>

#include "host/common/errors.hpp"
#include "host/simulate/simulation_files.hpp"

namespace mmm {
namespace {

const char* const kGeos[kSimulatedGeos] = {"north", "south"};

// Parts of `total` whose sum, taken left to right from 0 as the loader adds them, is exactly
// `total`: every part but the last follows `weights`, and the last is the remainder. Each
// weight is at most half of the sum of weights, so the parts before the last sum to at least
// half of `total`, and by Sterbenz's lemma the remainder and the final addition are exact.
std::vector<double> exact_parts(double total, const std::vector<double>& weights) {
  double weight_sum = 0.0;
  for (double w : weights) weight_sum += w;
  std::vector<double> parts(weights.size(), 0.0);
  double running = 0.0;
  for (std::size_t k = 0; k + 1 < weights.size(); ++k) {
    parts[k] = total * (weights[k] / weight_sum);
    running += parts[k];
  }
  parts.back() = total - running;
  return parts;
}

}  // namespace

void write_simulation_long(const Simulation& sim, const std::string& csv_path) {
  if (!sim.flow_truth.empty() || !sim.stock_truth.empty()) {
    throw InputError(
        "--format long writes media channels only; drop --flow-channels and "
        "--stock-channels");
  }
  const Eigen::Index T = sim.revenue.size(), C = sim.spend.cols();
  write_data_and_truth(
      csv_path,
      [&](std::ostream& out) {
        out << "DATE,CHANNEL,GEO,PRODUCT,SPEND";
        for (const std::string& n : sim.control_names) out << ',' << n;
        out << ",REVENUE\n";
        for (Eigen::Index t = 0; t < T; ++t) {
          // Revenue rows weigh 2 + the row's spend over the mean row spend: no row carries
          // more than half of the week, whatever the spend (2C ≥ 4 rows; see exact_parts).
          std::vector<double> geo_spend, weights;
          double mean = 0.0;
          for (Eigen::Index c = 0; c < C; ++c) {
            const double x = sim.spend(t, c);
            const double north = x * 0.6;  // in [x/2, 2x]: x − north is exact
            geo_spend.insert(geo_spend.end(), {north, x - north});
            mean += x;
          }
          mean /= static_cast<double>(geo_spend.size());
          for (double x : geo_spend) weights.push_back(2.0 + (mean > 0.0 ? x / mean : 0.0));
          const bool halves = geo_spend.size() < 4;  // one channel: two equal halves
          if (halves) weights.assign(geo_spend.size(), 1.0);
          const std::vector<double> revenue = exact_parts(sim.revenue[t], weights);
          for (std::size_t row = 0; row < geo_spend.size(); ++row) {
            out << sim.dates[static_cast<std::size_t>(t)].to_string() << ','
                << sim.channel_names[row / kSimulatedGeos] << ',' << kGeos[row % kSimulatedGeos]
                << ",all," << format_exact(geo_spend[row]);
            for (Eigen::Index k = 0; k < sim.controls.cols(); ++k)
              out << ',' << format_exact(sim.controls(t, k));
            out << ',' << format_exact(revenue[row]) << '\n';
          }
        }
      },
      simulation_truth_json(sim));
}

}  // namespace mmm
