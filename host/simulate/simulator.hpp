#pragma once
// `mmm simulate`: weekly data with known ground truth (SPEC §3), generated with exactly the
// model the engine fits (SPEC §4), so a fit on it can be checked against the truth.

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "host/data/date.hpp"
#include "host/model/hyperparameters.hpp"

namespace mmm {

/// What to simulate. Validated by simulate(): weeks ≥ 10, 1 ≤ channels ≤ 500, noise ≥ 0,
/// controls ≥ 0.
struct SimulationOptions {
  int weeks = 156;         ///< number of weekly rows (T)
  int channels = 8;        ///< number of media channels (C)
  int controls = 0;        ///< number of extra control columns ctrl_1.. (K)
  int flow_channels = 0;   ///< flow channels flow_1.. (SPEC §9: a·ln(1 + b·adstock_λ(x)))
  int stock_channels = 0;  ///< stock channels stock_1.. (active units; touches ~ N(Sμ, Sσ²))
  double noise = 0.05;     ///< revenue noise sd as a fraction of the mean noiseless level
  std::uint64_t seed = 1;  ///< Philox key: the same seed gives the same data everywhere
  Date start{2021, 1, 4};  ///< first week (a Monday)
};

/// The true parameters of one simulated channel.
struct ChannelTruth {
  std::string name;
  ChannelHyper hyper;         ///< θ, α, γ (γ in spend units)
  double coef = 0.0;          ///< KPI per unit of Hill output
  double total_spend = 0.0;   ///< Σ_t x_t over the whole period
  double contribution = 0.0;  ///< coef · Σ_t h_t
  double roi = 0.0;           ///< contribution / total_spend
};

/// The true parameters of one simulated flow or stock channel (SPEC §9).
struct KindChannelTruth {
  std::string name;
  double a = 0.0;             ///< KPI per unit of ln(1 + ·)
  double b = 0.0;             ///< per unit of adstocked spend (flow) or per touch (stock)
  double lambda = 0.0;        ///< flow adstock decay
  double mu = 0.0;            ///< stock touches per unit per period
  double sigma = 0.0;         ///< stock touch sd per sqrt(unit) per period
  double contribution = 0.0;  ///< Σ_t of the channel's KPI
};

/// A simulated data set and the truth behind it.
struct Simulation {
  std::vector<Date> dates;                 ///< T weekly dates: start + 7t
  std::vector<std::string> channel_names;  ///< C names (tv, search, …)
  std::vector<std::string> control_names;  ///< K names (ctrl_1, …)
  Eigen::MatrixXd spend;                   ///< T × C weekly spend, ≥ 0
  Eigen::MatrixXd controls;                ///< T × K control values
  Eigen::VectorXd revenue;                 ///< T revenue (KPI)
  std::vector<ChannelTruth> truth;         ///< C true channel parameters
  Eigen::MatrixXd flow_spend;              ///< T × F weekly spend of the flow channels
  Eigen::MatrixXd stock_units;             ///< T × S active units of the stock channels
  std::vector<KindChannelTruth> flow_truth, stock_truth;
  double intercept = 0.0;
  double trend_coef = 0.0;             ///< per unit of TREND (years since the first date)
  std::vector<double> seasonal_coefs;  ///< on SIN_1, COS_1, SIN_2, COS_2 of the ISO week
  std::vector<double> control_coefs;   ///< K, per unit of each control
  SimulationOptions options;
  double media_share = 0.0;  ///< Σ media contribution / Σ noiseless revenue
  double noise_sd = 0.0;     ///< sd of the Normal revenue noise actually added
};

/// Names of the seasonal terms in Simulation::seasonal_coefs order.
const std::vector<std::string>& simulated_seasonal_terms();

/// Generates a data set: per-channel spend (always-on or flighted, ~10% dark weeks), true
/// θ ∈ [0.1, 0.7], α ∈ [0.8, 2.5], γ = [0.2, 0.8] × max spend, ROI in [0.5, 5] and media at
/// 30–50% of revenue, plus intercept, trend, Fourier seasonality, controls and Normal noise.
/// Deterministic for a seed on every platform (Philox4x32 streams, no std:: distributions).
/// Throws InputError naming the flag when an option is out of range.
Simulation simulate(const SimulationOptions& options);

/// Writes the wide CSV (header: date, one spend column per channel, flow_k, stock_k, controls,
/// revenue; numbers
/// with 17 significant digits) and `<csv path minus .csv>.truth.json`. Both are written to
/// temporary names and renamed, so no partial file is left behind. Throws InputError if the
/// folder is not writable.
void write_simulation(const Simulation& sim, const std::string& csv_path);

/// The `.truth.json` text of `sim` (what write_simulation writes beside the CSV).
std::string simulation_truth_json(const Simulation& sim);

/// The truth file written next to `csv_path`: `data.csv` → `data.truth.json`.
std::string truth_path_for(const std::string& csv_path);

}  // namespace mmm
