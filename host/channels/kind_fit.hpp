#pragma once
// Fits flow and stock channels (SPEC §9) by profiling: for fixed nonlinear parameters (λ and b
// for a flow channel, b for a stock channel) the KPI model
//
//   y = c0 + base·β + Σ_k a_k · f_k,   f_k = ln(1 + b_k·E_λk(x_k))   (flow)
//                                      f_k = ln(1 + b_k·μ_k·S_k)     (stock)
//
// is linear, so a_k and β come from least squares and only λ, b are searched: coordinate
// descent over the kind channels, λ on the grid 0, 0.1, …, 0.9 refined by golden section,
// ln b on a log grid refined by golden section. Flow bands come from a row bootstrap (Philox
// resample_counts, the same resamples as the media bootstrap); the stock touch variance σ²
// comes from the delta method, Var(y_t | S_t) ≈ σ_ε² + (a·b / (1 + b·μ·S_t))²·σ²·S_t, fitted by
// regressing squared residuals on [1, g(S_t)].

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "host/channels/channel_kind.hpp"

namespace mmm {

/// One flow or stock channel's input column.
struct KindChannelInput {
  std::string name;
  ChannelKindSpec spec;
  Eigen::VectorXd x;  ///< T weekly spend (flow) or active units (stock), ≥ 0
};

/// One fitted flow or stock channel.
struct KindChannelFit {
  std::string name;
  ChannelKind kind = ChannelKind::Flow;
  double a = 0.0;       ///< KPI per unit of ln(1 + ·)
  double b = 0.0;       ///< per currency unit of adstocked spend (flow) or per touch (stock)
  double lambda = 0.0;  ///< flow: geometric adstock decay; stock: 0
  double mu = 1.0;      ///< stock: touches per unit per period (fixed); flow: 1
  double sigma2 = 0.0;  ///< stock: touch variance per unit per period σ² (≥ 0); flow: 0
  double mean_input = 0.0, max_input = 0.0;  ///< mean and max weekly spend or units
  Eigen::VectorXd feature;                   ///< T values of ln(1 + b·E) or ln(1 + b·μ·S)
  std::vector<double> boot_a, boot_b;        ///< flow: bootstrap refits (λ fixed); else empty
};

/// How to fit.
struct KindFitOptions {
  int passes = 3;          ///< coordinate-descent passes over the kind channels
  int bootstrap = 0;       ///< flow bootstrap resamples (0: no bands)
  std::uint64_t seed = 1;  ///< bootstrap seed (Philox resample_counts)
  int block_length = 1;    ///< moving-block length of the resamples (resample_block_counts)
  /// Choose a stock channel's b by the heteroscedastic Gaussian likelihood (mean and the
  /// delta-method variance together) rather than by least squares on the mean alone.
  bool stock_likelihood = true;
};

/// The fit of all kind channels together with the fixed columns.
struct KindFitReport {
  std::vector<KindChannelFit> channels;  ///< in input order
  Eigen::VectorXd coef;                  ///< least-squares coefficients on [1, base, f_1..f_K]
  Eigen::VectorXd fitted;                ///< T fitted values
  Eigen::VectorXd residual;              ///< T residuals y − fitted
  double sigma_eps2 = 0.0;  ///< residual variance not explained by stock touches (≥ 0)
  Eigen::VectorXd sd;       ///< T predictive sd: sqrt(σ_ε² + Σ_stock g_k(S_t)·σ_k²)
  /// In-sample share of periods with |residual| ≤ k·sd for k = 1, 2, 3.
  std::array<double, 3> coverage{{0.0, 0.0, 0.0}};
};

/// The flow λ grid: 0, 0.1, …, 0.9.
const std::vector<double>& flow_lambda_grid();

/// Geometric adstock e[0] = x[0], e[t] = x[t] + λ·e[t−1].
Eigen::VectorXd geometric_adstock(const Eigen::VectorXd& x, double lambda);

/// g(S) = (a·b / (1 + b·μ·S))²·S: d(a·ln(1 + b·X))/dX at X = μS, squared, times S (delta
/// method), so Var(Y | S) ≈ g(S)·σ².
double stock_variance_gain(double a, double b, double mu, double units);

/// Fits the kind channels. `base` holds T × q fixed columns (controls, media); an intercept is
/// always added. Throws InputError when there are fewer rows than parameters + 2 or an input
/// is negative or all zero.
KindFitReport fit_kind_channels(const Eigen::VectorXd& y, const Eigen::MatrixXd& base,
                                const std::vector<KindChannelInput>& inputs,
                                const KindFitOptions& options);

/// y minus its least-squares fit on `seasonal` (T × m Fourier columns) with an intercept;
/// the mean of y is kept. Used by --deseasonalize before the flow/stock fits.
Eigen::VectorXd remove_seasonality(const Eigen::VectorXd& y, const Eigen::MatrixXd& seasonal);

}  // namespace mmm
