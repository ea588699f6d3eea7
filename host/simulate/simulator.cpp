#include "host/simulate/simulator.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "host/common/errors.hpp"
#include "host/common/philox.hpp"
#include "host/features/controls.hpp"
#include "host/features/transforms.hpp"
#include "host/simulate/simulation_files.hpp"

namespace mmm {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Independent Philox streams per purpose, so e.g. adding a channel or a week does not change
// the draws of the channels and weeks that were already there.
constexpr std::uint32_t kBaselineStream = 1;
constexpr std::uint32_t kNoiseStream = 2;
constexpr std::uint32_t kChannelStream = 0x10000;  // + channel index
constexpr std::uint32_t kControlStream = 0x20000;  // + control index
constexpr std::uint32_t kFlowStream = 0x30000;     // + flow channel index
constexpr std::uint32_t kStockStream = 0x40000;    // + stock channel index

/// The shared Philox stream plus the distributions the simulator needs, computed here rather
/// than by <random> so every platform draws the same numbers for a seed.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint32_t stream) : words_(seed, stream) {}

  /// Uniform on (0, 1]: never 0, so its log is finite.
  double uniform() { return 1.0 - words_.uniform(); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Log-uniform on [lo, hi].
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  /// Integer uniform on [lo, hi].
  int integer(int lo, int hi) {
    return lo + static_cast<int>(words_.index(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  /// Standard normal by Box–Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform())), phi = 2.0 * kPi * uniform();
    spare_ = r * std::sin(phi);
    has_spare_ = true;
    return r * std::cos(phi);
  }

 private:
  PhiloxStream words_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

std::string channel_name(int c) {
  static const char* kNames[] = {"tv",    "search", "social",  "display",   "radio", "ooh",
                                 "print", "video",  "podcast", "affiliate", "email", "influencer"};
  constexpr int kNamed = sizeof kNames / sizeof kNames[0];
  return c < kNamed ? kNames[c] : "channel_" + std::to_string(c + 1);
}

void validate(const SimulationOptions& o) {
  if (o.weeks < 10) {
    throw InputError("invalid --weeks `" + std::to_string(o.weeks) + "`; expected an integer ≥ 10");
  }
  if (o.channels < 1 || o.channels > 500) {
    throw InputError("invalid --channels `" + std::to_string(o.channels) +
                     "`; expected an integer from 1 to 500");
  }
  if (o.controls < 0) {
    throw InputError("invalid --controls `" + std::to_string(o.controls) +
                     "`; expected an integer ≥ 0");
  }
  if (o.flow_channels < 0 || o.flow_channels > 50) {
    throw InputError("invalid --flow-channels `" + std::to_string(o.flow_channels) +
                     "`; expected an integer from 0 to 50");
  }
  if (o.stock_channels < 0 || o.stock_channels > 50) {
    throw InputError("invalid --stock-channels `" + std::to_string(o.stock_channels) +
                     "`; expected an integer from 0 to 50");
  }
  if (!(o.noise >= 0.0) || !std::isfinite(o.noise)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", o.noise);
    throw InputError(std::string("invalid --noise `") + buf + "`; expected a finite number ≥ 0");
  }
}

// One channel's weekly spend: always on with ~10% dark weeks, or flighted in on/off bursts;
// a channel-specific level, a yearly swing and lognormal week-to-week noise.
Eigen::VectorXd simulate_spend(RandomStream& rng, int weeks) {
  const double base = rng.log_uniform(1e3, 5e4);
  const bool flighted = rng.uniform() < 0.4;
  const double swing = rng.uniform(0.0, 0.3), phase = rng.uniform(0.0, 2.0 * kPi);
  Eigen::VectorXd x(weeks);
  bool on = true;
  int left = rng.integer(3, 10);  // weeks left in the current burst
  for (int t = 0; t < weeks; ++t) {
    const double level = base * (1.0 + swing * std::sin(2.0 * kPi * t / 52.0 + phase));
    const double noise = std::exp(0.25 * rng.normal() - 0.5 * 0.25 * 0.25);  // mean 1
    const double dark = rng.uniform();
    if (flighted) {
      x[t] = on ? 1.5 * level * noise : 0.0;
      if (--left == 0) {
        on = !on;
        left = on ? rng.integer(3, 10) : rng.integer(2, 6);
      }
    } else {
      x[t] = dark < 0.1 ? 0.0 : level * noise;
    }
  }
  if (x.sum() <= 0.0) x[0] = base;  // a channel that never spends cannot be estimated
  return x;
}

// A flow channel's weekly spend: fast, performance-style buying that moves a lot from week to
// week (lognormal sd 0.6, ~20% dark weeks), which is what makes its curve identifiable.
Eigen::VectorXd simulate_flow_spend(RandomStream& rng, int weeks) {
  const double base = rng.log_uniform(2e3, 3e4);
  Eigen::VectorXd x(weeks);
  for (int t = 0; t < weeks; ++t) {
    const double noise = std::exp(0.6 * rng.normal() - 0.5 * 0.6 * 0.6);
    x[t] = rng.uniform() < 0.2 ? 0.0 : base * noise;
  }
  if (x.sum() <= 0.0) x[0] = base;
  return x;
}

Eigen::VectorXd hill_of_adstock(const Eigen::VectorXd& x, const ChannelHyper& h) {
  Eigen::VectorXd out(x.size());
  double a = 0.0;
  for (Eigen::Index t = 0; t < x.size(); ++t) {
    a = t == 0 ? x[t] : x[t] + h.theta * a;
    out[t] = hill(a, h.alpha, h.gamma);
  }
  return out;
}

Eigen::VectorXd default_column(const ControlMatrix& m, const std::string& name) {
  for (std::size_t j = 0; j < m.names.size(); ++j) {
    if (m.names[j] == name) return m.values.col(static_cast<Eigen::Index>(j));
  }
  throw std::logic_error("default controls lack column " + name);
}

}  // namespace

const std::vector<std::string>& simulated_seasonal_terms() {
  static const std::vector<std::string> kTerms = {"SIN_1", "COS_1", "SIN_2", "COS_2"};
  return kTerms;
}

Simulation simulate(const SimulationOptions& options) {
  validate(options);
  const int T = options.weeks, C = options.channels, K = options.controls;
  Simulation sim;
  sim.options = options;
  for (int t = 0; t < T; ++t) sim.dates.push_back(options.start.plus_days(7LL * t));
  sim.spend.resize(T, C);
  Eigen::VectorXd media = Eigen::VectorXd::Zero(T);
  for (int c = 0; c < C; ++c) {
    RandomStream rng(options.seed, kChannelStream + static_cast<std::uint32_t>(c));
    ChannelTruth truth;
    truth.name = channel_name(c);
    truth.hyper.theta = rng.uniform(0.1, 0.7);
    truth.hyper.alpha = rng.uniform(0.8, 2.5);
    const double gamma_fraction = rng.uniform(0.2, 0.8);
    const double target_roi = rng.log_uniform(0.5, 5.0);
    sim.spend.col(c) = simulate_spend(rng, T);
    truth.hyper.gamma = gamma_fraction * sim.spend.col(c).maxCoeff();
    const Eigen::VectorXd h = hill_of_adstock(sim.spend.col(c), truth.hyper);
    truth.total_spend = sim.spend.col(c).sum();
    truth.coef = target_roi * truth.total_spend / h.sum();
    truth.contribution = truth.coef * h.sum();
    truth.roi = truth.contribution / truth.total_spend;
    media += truth.coef * h;
    sim.channel_names.push_back(truth.name);
    sim.truth.push_back(truth);
  }

  // Baseline sized so that media is a 30–50% share of revenue on average.
  RandomStream base_rng(options.seed, kBaselineStream);
  const double share = base_rng.uniform(0.3, 0.5);
  const double level = media.mean() * (1.0 - share) / share;
  sim.trend_coef = level * base_rng.uniform(-0.05, 0.15);
  for (int k = 0; k < 4; ++k) sim.seasonal_coefs.push_back(level * base_rng.uniform(-0.08, 0.08));

  sim.controls.resize(T, K);
  for (int k = 0; k < K; ++k) {
    // A smooth AR(1) index around 100 (price, weather…), effect sd 2–8% of the baseline.
    RandomStream rng(options.seed, kControlStream + static_cast<std::uint32_t>(k));
    const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
    sim.control_coefs.push_back(sign * level * rng.uniform(0.02, 0.08) / 10.0);
    const double rho = 0.85;
    double z = rng.normal();
    for (int t = 0; t < T; ++t) {
      if (t > 0) z = rho * z + std::sqrt(1.0 - rho * rho) * rng.normal();
      sim.controls(t, k) = 100.0 * (1.0 + 0.1 * z);
    }
    sim.control_names.push_back("ctrl_" + std::to_string(k + 1));
  }

  // The non-media part, with the engine's own TREND and Fourier columns (SPEC §4) so the
  // truth lies exactly in the span of what a fit sees.
  const ControlMatrix defaults = default_controls(sim.dates);
  Eigen::VectorXd baseline = sim.trend_coef * default_column(defaults, "TREND");
  const std::vector<std::string>& terms = simulated_seasonal_terms();
  for (std::size_t i = 0; i < terms.size(); ++i) {
    baseline += sim.seasonal_coefs[i] * default_column(defaults, terms[i]);
  }
  for (int k = 0; k < K; ++k) baseline += sim.control_coefs[k] * sim.controls.col(k);
  sim.intercept = level - baseline.mean();

  // Flow and stock channels, each sized to 10–20% of the baseline level; their streams are
  // separate, so data without them is unchanged.
  sim.flow_spend.resize(T, options.flow_channels);
  for (int k = 0; k < options.flow_channels; ++k) {
    RandomStream rng(options.seed, kFlowStream + static_cast<std::uint32_t>(k));
    KindChannelTruth f;
    f.name = "flow_" + std::to_string(k + 1);
    f.lambda = rng.uniform(0.1, 0.7);
    sim.flow_spend.col(k) = simulate_flow_spend(rng, T);
    Eigen::VectorXd e(T);
    double carry = 0.0;
    for (int t = 0; t < T; ++t) e[t] = carry = sim.flow_spend(t, k) + f.lambda * carry;
    f.b = rng.uniform(0.5, 3.0) / e.mean();  // b·Ē from mild to strong saturation
    const Eigen::VectorXd g = (f.b * e.array()).log1p().matrix();
    f.a = level * rng.uniform(0.1, 0.2) / g.mean();
    media += f.a * g;
    f.contribution = f.a * g.sum();
    sim.flow_truth.push_back(f);
  }
  sim.stock_units.resize(T, options.stock_channels);
  for (int k = 0; k < options.stock_channels; ++k) {
    RandomStream rng(options.seed, kStockStream + static_cast<std::uint32_t>(k));
    KindChannelTruth f;
    f.name = "stock_" + std::to_string(k + 1);
    f.mu = 10.0;
    f.sigma = f.mu * rng.uniform(1.5, 2.5);  // a unit's touches are overdispersed
    // A small fleet (15–40 units on average) that moves up and down, AR(1) on the log scale,
    // rather than a trend the TREND control would absorb.
    const double typical = rng.uniform(15.0, 40.0), rho = 0.8;
    double z = rng.normal();
    for (int t = 0; t < T; ++t) {
      if (t > 0) z = rho * z + std::sqrt(1.0 - rho * rho) * rng.normal();
      sim.stock_units(t, k) = std::max(1.0, std::round(typical * std::exp(0.8 * z - 0.32)));
    }
    const double mean_units = sim.stock_units.col(k).mean();
    f.b = rng.uniform(0.3, 1.5) / (f.mu * mean_units);
    const double a_share = rng.uniform(0.1, 0.2);
    Eigen::VectorXd y(T);
    for (int t = 0; t < T; ++t) {
      const double s = sim.stock_units(t, k);
      const double touches = std::max(0.0, s * f.mu + std::sqrt(s) * f.sigma * rng.normal());
      y[t] = std::log1p(f.b * touches);
    }
    f.a = level * a_share / std::log1p(f.b * f.mu * mean_units);
    media += f.a * y;
    f.contribution = f.a * y.sum();
    sim.stock_truth.push_back(f);
  }

  RandomStream noise_rng(options.seed, kNoiseStream);
  sim.revenue.resize(T);
  for (int t = 0; t < T; ++t) sim.revenue[t] = sim.intercept + baseline[t] + media[t];
  sim.media_share = media.sum() / sim.revenue.sum();
  sim.noise_sd = options.noise * sim.revenue.mean();
  for (int t = 0; t < T; ++t) sim.revenue[t] += sim.noise_sd * noise_rng.normal();
  return sim;
}

std::string truth_path_for(const std::string& csv_path) {
  const std::string ext = ".csv";
  const bool has_ext = csv_path.size() >= ext.size() &&
                       csv_path.compare(csv_path.size() - ext.size(), ext.size(), ext) == 0;
  return (has_ext ? csv_path.substr(0, csv_path.size() - ext.size()) : csv_path) + ".truth.json";
}

std::string simulation_truth_json(const Simulation& sim) {
  nlohmann::ordered_json truth;
  truth["seed"] = sim.options.seed;
  truth["weeks"] = sim.options.weeks;
  truth["noise"] = sim.options.noise;
  truth["noise_sd"] = sim.noise_sd;
  truth["start"] = sim.dates.empty() ? sim.options.start.to_string() : sim.dates[0].to_string();
  truth["date_column"] = "date";
  truth["kpi_column"] = "revenue";
  truth["media_share"] = sim.media_share;
  truth["intercept"] = sim.intercept;
  truth["trend_coef"] = sim.trend_coef;
  truth["seasonal_terms"] = simulated_seasonal_terms();
  truth["seasonal_coefs"] = sim.seasonal_coefs;
  nlohmann::ordered_json channels = nlohmann::ordered_json::object();
  nlohmann::ordered_json hyper = nlohmann::ordered_json::object();
  for (const ChannelTruth& c : sim.truth) {
    channels[c.name] = {{"theta", c.hyper.theta}, {"alpha", c.hyper.alpha},
                        {"gamma", c.hyper.gamma}, {"coef", c.coef},
                        {"roi", c.roi},           {"contribution", c.contribution},
                        {"spend", c.total_spend}};
    hyper[c.name] = {{"theta", c.hyper.theta}, {"alpha", c.hyper.alpha}, {"gamma", c.hyper.gamma}};
  }
  truth["channels"] = channels;
  nlohmann::ordered_json controls = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < sim.control_names.size(); ++k) {
    controls[sim.control_names[k]] = sim.control_coefs[k];
  }
  truth["controls"] = controls;
  if (!sim.flow_truth.empty()) {
    nlohmann::ordered_json flow = nlohmann::ordered_json::object();
    for (const auto& f : sim.flow_truth) {
      flow[f.name] = {{"kind", "flow"},
                      {"a", f.a},
                      {"b", f.b},
                      {"lambda", f.lambda},
                      {"contribution", f.contribution}};
    }
    truth["flow_channels"] = flow;
  }
  if (!sim.stock_truth.empty()) {
    nlohmann::ordered_json stock = nlohmann::ordered_json::object();
    for (const auto& f : sim.stock_truth) {
      stock[f.name] = {{"kind", "stock"}, {"a", f.a},         {"b", f.b},
                       {"mu", f.mu},      {"sigma", f.sigma}, {"contribution", f.contribution}};
    }
    truth["stock_channels"] = stock;
  }
  truth["hyperparameters"] = {{"ridge_lambda", 10.0}, {"channels", hyper}};
  return truth.dump(2);
}

void write_simulation(const Simulation& sim, const std::string& csv_path) {
  write_data_and_truth(
      csv_path,
      [&](std::ostream& out) {
        out << "date";
        for (const std::string& n : sim.channel_names) out << ',' << n;
        for (const auto& f : sim.flow_truth) out << ',' << f.name;
        for (const auto& f : sim.stock_truth) out << ',' << f.name;
        for (const std::string& n : sim.control_names) out << ',' << n;
        out << ",revenue\n";
        for (Eigen::Index t = 0; t < sim.revenue.size(); ++t) {
          out << sim.dates[t].to_string();
          for (Eigen::Index c = 0; c < sim.spend.cols(); ++c)
            out << ',' << format_exact(sim.spend(t, c));
          for (Eigen::Index c = 0; c < sim.flow_spend.cols(); ++c)
            out << ',' << format_exact(sim.flow_spend(t, c));
          for (Eigen::Index c = 0; c < sim.stock_units.cols(); ++c)
            out << ',' << format_exact(sim.stock_units(t, c));
          for (Eigen::Index k = 0; k < sim.controls.cols(); ++k)
            out << ',' << format_exact(sim.controls(t, k));
          out << ',' << format_exact(sim.revenue[t]) << '\n';
        }
      },
      simulation_truth_json(sim));
}

}  // namespace mmm
