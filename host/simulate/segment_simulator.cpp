#include "host/simulate/segment_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/model/model_data.hpp"
#include "host/simulate/simulation_files.hpp"

namespace mmm {
namespace {

constexpr std::uint32_t kSegmentStream = 0x30000;       // + segment index
constexpr std::uint32_t kSegmentHyperStream = 0x38000;  // + segment index

double normal(PhiloxStream& rng) {
  const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

std::vector<double> hyper3c(const std::vector<ChannelTruth>& truth) {
  std::vector<double> h;
  for (const ChannelTruth& t : truth)
    h.insert(h.end(), {t.hyper.theta, t.hyper.alpha, t.hyper.gamma});
  return h;
}

// Segment s's own transforms around the global ones (see the header).
ChannelHyper perturbed(const ChannelHyper& g, double spread, PhiloxStream& rng) {
  ChannelHyper h = g;
  const double logit = std::log(g.theta / (1.0 - g.theta)) + spread * normal(rng);
  h.theta = g.theta > 0 ? std::min(1.0 / (1.0 + std::exp(-logit)), 0.95) : 0.0;
  h.alpha = std::clamp(g.alpha * std::exp(spread * normal(rng)), 0.5, 3.0);
  h.gamma = g.gamma * std::exp(spread * normal(rng));
  return h;
}

}  // namespace

SegmentSimulation simulate_segments(const SimulationOptions& options, int segments, double spread,
                                    double hyper_spread, bool gamma_scaled) {
  if (segments < 1) {
    throw InputError("invalid --segments " + std::to_string(segments) + ": expected ≥ 1");
  }
  // Infinite spreads would write inf and nan into the simulated data.
  if (!(spread >= 0) || !std::isfinite(spread)) {
    throw InputError("invalid --segment-spread " + std::to_string(spread) +
                     ": expected a finite number ≥ 0");
  }
  if (!(hyper_spread >= 0) || !std::isfinite(hyper_spread)) {
    throw InputError("invalid --segment-hyper-spread " + std::to_string(hyper_spread) +
                     ": expected a finite number ≥ 0");
  }
  SegmentSimulation out;
  out.spread = spread;
  out.hyper_spread = hyper_spread;
  out.gamma_scaled = gamma_scaled;
  const Simulation base = simulate(options);
  out.global = base.truth;
  const std::vector<double> shared = hyper3c(base.truth);
  const int C = options.channels;
  for (int s = 0; s < segments; ++s) {
    SimulationOptions o = options;
    o.seed = options.seed * 1000003ULL + static_cast<std::uint64_t>(s) + 1;
    Simulation sim = simulate(o);
    PhiloxStream rng(options.seed, kSegmentStream + static_cast<std::uint32_t>(s));
    const double size = std::exp(rng.uniform() - 0.5);
    const Eigen::MatrixXd h_old = transform_media(sim.spend, hyper3c(sim.truth).data());
    Eigen::VectorXd media_old = Eigen::VectorXd::Zero(sim.spend.rows());
    for (int c = 0; c < C; ++c) {
      media_old += sim.truth[c].coef * h_old.col(c);
      const double mx = sim.spend.col(c).maxCoeff();
      if (mx > 0) sim.spend.col(c) *= size * base.spend.col(c).maxCoeff() / mx;
    }
    std::vector<double> own = shared;
    if (hyper_spread > 0) {
      PhiloxStream hyper_rng(options.seed, kSegmentHyperStream + static_cast<std::uint32_t>(s));
      for (int c = 0; c < C; ++c) {
        const ChannelHyper h = perturbed(base.truth[c].hyper, hyper_spread, hyper_rng);
        own[3 * c] = h.theta;
        own[3 * c + 1] = h.alpha;
        own[3 * c + 2] = h.gamma;
      }
    }
    if (gamma_scaled) {
      for (int c = 0; c < C; ++c) own[3 * c + 2] *= size;
    }
    const Eigen::MatrixXd h = transform_media(sim.spend, own.data());
    Eigen::VectorXd media = Eigen::VectorXd::Zero(sim.spend.rows());
    for (int c = 0; c < C; ++c) {
      ChannelTruth& t = sim.truth[c];
      t.hyper = {own[3 * c], own[3 * c + 1], own[3 * c + 2]};
      t.coef = base.truth[c].coef * size * std::exp(spread * normal(rng));
      t.total_spend = sim.spend.col(c).sum();
      t.contribution = t.coef * h.col(c).sum();
      t.roi = t.total_spend > 0 ? t.contribution / t.total_spend : 0.0;
      media += t.coef * h.col(c);
    }
    // Baseline and noise keep their share of the segment's revenue.
    const double k = media.mean() / media_old.mean();
    sim.revenue = (sim.revenue - media_old) * k + media;
    sim.intercept *= k;
    sim.noise_sd *= k;
    sim.media_share = media.sum() / sim.revenue.sum();
    char name[32];
    std::snprintf(name, sizeof name, "seg_%02d", s + 1);
    out.names.push_back(name);
    out.segments.push_back(std::move(sim));
  }
  return out;
}

void write_segment_simulation(const SegmentSimulation& sim, const std::string& csv_path) {
  nlohmann::ordered_json truth;
  const Simulation& s0 = sim.segments[0];
  truth["seed"] = s0.options.seed;
  truth["weeks"] = s0.options.weeks;
  truth["segments"] = sim.names.size();
  truth["segment_spread"] = sim.spread;
  truth["segment_hyper_spread"] = sim.hyper_spread;
  truth["segment_gamma"] = sim.gamma_scaled ? "scaled" : "shared";
  truth["date_column"] = "date";
  truth["kpi_column"] = "revenue";
  truth["segment_column"] = "segment";
  nlohmann::ordered_json hyper = nlohmann::ordered_json::object();
  nlohmann::ordered_json global = nlohmann::ordered_json::object();
  for (const ChannelTruth& c : sim.global) {
    hyper[c.name] = {{"theta", c.hyper.theta}, {"alpha", c.hyper.alpha}, {"gamma", c.hyper.gamma}};
    global[c.name] = {{"coef", c.coef}};
  }
  truth["hyperparameters"] = {{"ridge_lambda", 10.0}, {"channels", hyper}};
  truth["global"] = global;
  nlohmann::ordered_json segs = nlohmann::ordered_json::object();
  for (std::size_t s = 0; s < sim.names.size(); ++s) {
    nlohmann::ordered_json chans = nlohmann::ordered_json::object();
    for (const ChannelTruth& c : sim.segments[s].truth) {
      chans[c.name] = {{"coef", c.coef},
                       {"roi", c.roi},
                       {"contribution", c.contribution},
                       {"spend", c.total_spend}};
    }
    segs[sim.names[s]] = {{"media_share", sim.segments[s].media_share}, {"channels", chans}};
    if (sim.hyper_spread > 0 || sim.gamma_scaled) {
      nlohmann::ordered_json own = nlohmann::ordered_json::object();
      for (const ChannelTruth& c : sim.segments[s].truth) {
        own[c.name] = {
            {"theta", c.hyper.theta}, {"alpha", c.hyper.alpha}, {"gamma", c.hyper.gamma}};
      }
      segs[sim.names[s]]["hyperparameters"] = {{"ridge_lambda", 10.0}, {"channels", own}};
    }
  }
  truth["segment_truth"] = segs;

  write_data_and_truth(
      csv_path,
      [&](std::ostream& out) {
        out << "date,segment";
        for (const std::string& n : s0.channel_names) out << ',' << n;
        for (const std::string& n : s0.control_names) out << ',' << n;
        out << ",revenue\n";
        for (std::size_t s = 0; s < sim.names.size(); ++s) {
          const Simulation& g = sim.segments[s];
          for (Eigen::Index t = 0; t < g.revenue.size(); ++t) {
            out << g.dates[t].to_string() << ',' << sim.names[s];
            for (Eigen::Index c = 0; c < g.spend.cols(); ++c)
              out << ',' << format_exact(g.spend(t, c));
            for (Eigen::Index k = 0; k < g.controls.cols(); ++k)
              out << ',' << format_exact(g.controls(t, k));
            out << ',' << format_exact(g.revenue[t]) << '\n';
          }
        }
      },
      truth.dump(2));
}

}  // namespace mmm
