#include "host/channels/kind_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/common/errors.hpp"
#include "host/common/resampling.hpp"

namespace mmm {
namespace {

constexpr double kGolden = 0.6180339887498949;
// b·(mean driver) ∈ [1e-2, 1e2]: from nearly linear to nearly logarithmic. Beyond either end the
// curve is linear (a, b trade off exactly) or log-linear (a·ln b merges into the intercept), so
// the data cannot tell b apart and the bound keeps it finite.
constexpr double kLogBSpan = 4.605170185988092;  // ln 100
constexpr int kLogBGrid = 21;
constexpr int kGoldenSteps = 48;
constexpr double kMaxLambda = 0.95;

/// Weighted least squares with a fixed block of columns and one free column: the fixed Gram
/// is computed once, each candidate column costs O(T·p) plus a (p+1)² solve.
class Profile {
 public:
  Profile(const Eigen::VectorXd& y, const Eigen::VectorXd& w) : y_(y), w_(w) {}

  void set_fixed(const Eigen::MatrixXd& fixed) {
    fixed_ = fixed;
    wf_ = fixed.array().colwise() * w_.array();
    gram_ = fixed.transpose() * wf_;
    xty_ = wf_.transpose() * y_;
    yy_ = (w_.array() * y_.array().square()).sum();
  }

  /// Residual sum of squares with column f added; coefficients (fixed first, f last) in coef.
  double rss(const Eigen::VectorXd& f, Eigen::VectorXd* coef = nullptr) const {
    const Eigen::Index p = fixed_.cols();
    Eigen::MatrixXd g(p + 1, p + 1);
    g.topLeftCorner(p, p) = gram_;
    const Eigen::VectorXd cross = wf_.transpose() * f;
    g.block(0, p, p, 1) = cross;
    g.block(p, 0, 1, p) = cross.transpose();
    g(p, p) = (w_.array() * f.array().square()).sum();
    Eigen::VectorXd rhs(p + 1);
    rhs.head(p) = xty_;
    rhs(p) = (w_.array() * f.array() * y_.array()).sum();
    // A relative jitter keeps the solve defined when f is (nearly) collinear with the rest.
    g.diagonal().array() += 1e-12 * (g.diagonal().array().abs() + 1e-300);
    Eigen::LDLT<Eigen::MatrixXd> ldlt(g);
    const Eigen::VectorXd beta = ldlt.solve(rhs);
    if (coef) *coef = beta;
    const double r = yy_ - beta.dot(rhs);
    return std::isfinite(r) ? std::max(r, 0.0) : std::numeric_limits<double>::infinity();
  }

 private:
  const Eigen::VectorXd& y_;
  const Eigen::VectorXd& w_;
  Eigen::MatrixXd fixed_, wf_, gram_;
  Eigen::VectorXd xty_;
  double yy_ = 0.0;
};

double positive_mean(const Eigen::VectorXd& v) {
  double s = 0.0;
  int n = 0;
  for (Eigen::Index t = 0; t < v.size(); ++t) {
    if (v[t] > 0.0) {
      s += v[t];
      ++n;
    }
  }
  return n > 0 ? s / n : 1.0;
}

Eigen::VectorXd log_feature(const Eigen::VectorXd& e, double b) {
  return (b * e.array()).log1p().matrix();
}

/// Minimizes f on [lo, hi] by golden section; returns the best point seen.
template <typename F>
double golden(F&& f, double lo, double hi, double& best_value) {
  double x1 = hi - kGolden * (hi - lo), x2 = lo + kGolden * (hi - lo);
  double f1 = f(x1), f2 = f(x2);
  for (int i = 0; i < kGoldenSteps && hi - lo > 1e-10 * (1.0 + std::abs(lo)); ++i) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - kGolden * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + kGolden * (hi - lo);
      f2 = f(x2);
    }
  }
  best_value = std::min(f1, f2);
  return f1 <= f2 ? x1 : x2;
}

/// Best b for the driver e (adstocked spend or μ·S): log grid, then golden section.
double best_b(const Profile& p, const Eigen::VectorXd& e, double& best_rss) {
  const double scale = positive_mean(e);
  const auto rss_at = [&](double u) { return p.rss(log_feature(e, std::exp(u) / scale)); };
  int best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  std::vector<double> u(kLogBGrid);
  for (int i = 0; i < kLogBGrid; ++i) {
    u[i] = -kLogBSpan + 2.0 * kLogBSpan * i / (kLogBGrid - 1);
    const double v = rss_at(u[i]);
    if (v < best_value) {
      best_value = v;
      best = i;
    }
  }
  const double lo = u[std::max(best - 1, 0)], hi = u[std::min(best + 1, kLogBGrid - 1)];
  double refined = 0.0;
  const double u_star = golden(rss_at, lo, hi, refined);
  best_rss = std::min(refined, best_value);
  return std::exp(refined <= best_value ? u_star : u[best]) / scale;
}

Eigen::VectorXd driver(const KindChannelInput& in, double lambda) {
  if (in.spec.kind == ChannelKind::Flow) return geometric_adstock(in.x, lambda);
  return in.spec.mu * in.x;
}

/// Fixed columns for channel k: intercept, base, every other kind channel's feature.
Eigen::MatrixXd fixed_columns(const Eigen::MatrixXd& base, const std::vector<KindChannelFit>& fits,
                              std::size_t skip) {
  const Eigen::Index T = base.rows();
  Eigen::MatrixXd m(T, 1 + base.cols() + static_cast<Eigen::Index>(fits.size()) - 1);
  m.col(0).setOnes();
  m.middleCols(1, base.cols()) = base;
  Eigen::Index col = 1 + base.cols();
  for (std::size_t j = 0; j < fits.size(); ++j)
    if (j != skip) m.col(col++) = fits[j].feature;
  return m;
}

/// Re-optimizes channel k's nonlinear parameters with the other channels fixed.
void optimize_channel(const Profile& p, const KindChannelInput& in, KindChannelFit& fit) {
  double rss = 0.0;
  if (in.spec.kind == ChannelKind::Stock) {
    const Eigen::VectorXd e = driver(in, 0.0);
    fit.b = best_b(p, e, rss) / 1.0;  // b multiplies μ·S, so b is per touch
    fit.feature = log_feature(e, fit.b);
    return;
  }
  const auto profile_lambda = [&](double lambda, double& b) {
    double r = 0.0;
    b = best_b(p, geometric_adstock(in.x, lambda), r);
    return r;
  };
  const std::vector<double>& grid = flow_lambda_grid();
  std::size_t best = 0;
  double best_rss = std::numeric_limits<double>::infinity(), best_b_value = 1.0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    double b = 0.0;
    const double r = profile_lambda(grid[i], b);
    if (r < best_rss) {
      best_rss = r;
      best = i;
      best_b_value = b;
    }
  }
  // The grid brackets the optimum; golden section refines λ between its neighbours.
  const double lo = best == 0 ? 0.0 : grid[best - 1];
  const double hi = best + 1 < grid.size() ? grid[best + 1] : kMaxLambda;
  double refined_rss = 0.0;
  const double lambda = golden(
      [&](double l) {
        double b = 0.0;
        return profile_lambda(l, b);
      },
      lo, hi, refined_rss);
  if (refined_rss < best_rss) {
    fit.lambda = lambda;
    profile_lambda(lambda, fit.b);
  } else {
    fit.lambda = grid[best];
    fit.b = best_b_value;
  }
  fit.feature = log_feature(geometric_adstock(in.x, fit.lambda), fit.b);
}

/// Gaussian negative log-likelihood (up to constants) of the stock model at b: mean by least
/// squares, variance σ_ε² + g(S_t)·σ² by the delta-method regression of squared residuals.
/// The variance pattern in S carries information about b that the mean curve alone lacks.
double stock_nll(const Profile& p, const Eigen::MatrixXd& fixed, const Eigen::VectorXd& yc,
                 const KindChannelInput& in, double b) {
  const Eigen::VectorXd e = in.spec.mu * in.x;
  const Eigen::VectorXd f = log_feature(e, b);
  Eigen::VectorXd coef;
  p.rss(f, &coef);
  const Eigen::Index q = fixed.cols();
  const Eigen::VectorXd r = yc - fixed * coef.head(q) - coef(q) * f;
  const Eigen::Index T = yc.size();
  const double dof = static_cast<double>(T) / static_cast<double>(T - q - 1);
  Eigen::MatrixXd v(T, 2);
  v.col(0).setOnes();
  for (Eigen::Index t = 0; t < T; ++t)
    v(t, 1) = stock_variance_gain(coef(q), b, in.spec.mu, in.x[t]);
  const Eigen::VectorXd r2 = r.array().square() * dof;
  const Eigen::Vector2d vc = v.colPivHouseholderQr().solve(r2);
  const double floor = 1e-6 * r2.mean() + 1e-300;
  double nll = 0.0;
  for (Eigen::Index t = 0; t < T; ++t) {
    const double var = std::max(std::max(vc(0), 0.0) + std::max(vc(1), 0.0) * v(t, 1), floor);
    nll += std::log(var) + r[t] * r[t] / var;
  }
  return std::isfinite(nll) ? nll : std::numeric_limits<double>::infinity();
}

/// Refines a stock channel's b on stock_nll (log grid, then golden section).
void refine_stock_by_likelihood(const Profile& p, const Eigen::MatrixXd& fixed,
                                const Eigen::VectorXd& yc, const KindChannelInput& in,
                                KindChannelFit& fit) {
  const Eigen::VectorXd e = in.spec.mu * in.x;
  const double scale = positive_mean(e);
  const auto nll_at = [&](double u) { return stock_nll(p, fixed, yc, in, std::exp(u) / scale); };
  std::vector<double> u(kLogBGrid);
  int best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  for (int i = 0; i < kLogBGrid; ++i) {
    u[i] = -kLogBSpan + 2.0 * kLogBSpan * i / (kLogBGrid - 1);
    const double v = nll_at(u[i]);
    if (v < best_value) {
      best_value = v;
      best = i;
    }
  }
  double refined = 0.0;
  const double u_star =
      golden(nll_at, u[std::max(best - 1, 0)], u[std::min(best + 1, kLogBGrid - 1)], refined);
  fit.b = std::exp(refined <= best_value ? u_star : u[best]) / scale;
  fit.feature = log_feature(e, fit.b);
}

void check_inputs(const Eigen::VectorXd& y, const Eigen::MatrixXd& base,
                  const std::vector<KindChannelInput>& inputs) {
  const Eigen::Index params = 1 + base.cols() + static_cast<Eigen::Index>(inputs.size());
  if (y.size() < params + 2) {
    throw InputError("flow/stock fit: " + std::to_string(y.size()) + " rows for " +
                     std::to_string(params) + " parameters; expected at least parameters + 2");
  }
  for (const auto& in : inputs) {
    if (in.x.size() != y.size()) throw std::logic_error("kind channel input length mismatch");
    if ((in.x.array() < 0.0).any() || !in.x.allFinite()) {
      throw InputError("channel `" + in.name + "` (" + kind_name(in.spec.kind) +
                       "): inputs must be finite and ≥ 0");
    }
    if (!(in.x.array() > 0.0).any()) {
      throw InputError("channel `" + in.name + "` (" + kind_name(in.spec.kind) +
                       "): every value is 0; nothing to fit");
    }
    if (in.spec.kind == ChannelKind::Stock && !(in.spec.mu > 0.0 && std::isfinite(in.spec.mu))) {
      throw InputError("channel `" + in.name + "`: mu must be a finite number > 0");
    }
  }
}

}  // namespace

const std::vector<double>& flow_lambda_grid() {
  static const std::vector<double> kGrid = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  return kGrid;
}

Eigen::VectorXd geometric_adstock(const Eigen::VectorXd& x, double lambda) {
  Eigen::VectorXd e(x.size());
  double carry = 0.0;
  for (Eigen::Index t = 0; t < x.size(); ++t) {
    carry = x[t] + lambda * carry;
    e[t] = carry;
  }
  return e;
}

double stock_variance_gain(double a, double b, double mu, double units) {
  const double slope = a * b / (1.0 + b * mu * units);
  return slope * slope * units;
}

KindFitReport fit_kind_channels(const Eigen::VectorXd& y, const Eigen::MatrixXd& base,
                                const std::vector<KindChannelInput>& inputs,
                                const KindFitOptions& options) {
  check_inputs(y, base, inputs);
  const Eigen::Index T = y.size();
  const std::size_t K = inputs.size();
  // Centring y only improves the conditioning of the RSS by subtraction; the intercept absorbs it.
  const double y_mean = y.mean();
  const Eigen::VectorXd yc = y.array() - y_mean;
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(T);

  KindFitReport report;
  for (const auto& in : inputs) {
    KindChannelFit f;
    f.name = in.name;
    f.kind = in.spec.kind;
    f.mu = in.spec.kind == ChannelKind::Stock ? in.spec.mu : 1.0;
    f.lambda = in.spec.kind == ChannelKind::Flow ? 0.3 : 0.0;
    const Eigen::VectorXd e = driver(in, f.lambda);
    f.b = 1.0 / positive_mean(e);
    f.feature = log_feature(e, f.b);
    f.mean_input = in.x.mean();
    f.max_input = in.x.maxCoeff();
    report.channels.push_back(f);
  }
  Profile profile(yc, ones);
  for (int pass = 0; pass < std::max(options.passes, 1); ++pass) {
    for (std::size_t k = 0; k < K; ++k) {
      const Eigen::MatrixXd fixed = fixed_columns(base, report.channels, k);
      profile.set_fixed(fixed);
      optimize_channel(profile, inputs[k], report.channels[k]);
      if (options.stock_likelihood && inputs[k].spec.kind == ChannelKind::Stock)
        refine_stock_by_likelihood(profile, fixed, yc, inputs[k], report.channels[k]);
    }
  }

  // Final joint least squares on [1, base, f_1..f_K].
  Eigen::MatrixXd design(T, 1 + base.cols() + static_cast<Eigen::Index>(K));
  design.col(0).setOnes();
  design.middleCols(1, base.cols()) = base;
  for (std::size_t k = 0; k < K; ++k)
    design.col(1 + base.cols() + static_cast<Eigen::Index>(k)) = report.channels[k].feature;
  report.coef = design.colPivHouseholderQr().solve(y);
  report.fitted = design * report.coef;
  report.residual = y - report.fitted;
  for (std::size_t k = 0; k < K; ++k)
    report.channels[k].a = report.coef(1 + base.cols() + static_cast<Eigen::Index>(k));

  // Delta-method calibration: E[r_t²] ≈ σ_ε² + Σ_stock g_k(S_t)·σ_k²; the squared residuals
  // are scaled by T / (T − p) for the degrees of freedom the fit used.
  std::vector<std::size_t> stock;
  for (std::size_t k = 0; k < K; ++k)
    if (inputs[k].spec.kind == ChannelKind::Stock) stock.push_back(k);
  const double dof = static_cast<double>(T) / static_cast<double>(T - design.cols());
  const Eigen::VectorXd r2 = report.residual.array().square() * dof;
  Eigen::MatrixXd gains(T, static_cast<Eigen::Index>(stock.size()));
  for (std::size_t s = 0; s < stock.size(); ++s) {
    const KindChannelFit& f = report.channels[stock[s]];
    for (Eigen::Index t = 0; t < T; ++t)
      gains(t, static_cast<Eigen::Index>(s)) =
          stock_variance_gain(f.a, f.b, f.mu, inputs[stock[s]].x[t]);
  }
  Eigen::MatrixXd vdesign(T, 1 + gains.cols());
  vdesign.col(0).setOnes();
  vdesign.rightCols(gains.cols()) = gains;
  const Eigen::VectorXd var_coef = vdesign.colPivHouseholderQr().solve(r2);
  report.sigma_eps2 = std::max(var_coef(0), 0.0);
  Eigen::VectorXd variance = Eigen::VectorXd::Constant(T, report.sigma_eps2);
  for (std::size_t s = 0; s < stock.size(); ++s) {
    KindChannelFit& f = report.channels[stock[s]];
    f.sigma2 = std::max(var_coef(1 + static_cast<Eigen::Index>(s)), 0.0);
    variance += f.sigma2 * gains.col(static_cast<Eigen::Index>(s));
  }
  report.sd = variance.array().sqrt();
  for (int k = 1; k <= 3; ++k) {
    report.coverage[k - 1] =
        (report.residual.array().abs() <= k * report.sd.array()).cast<double>().mean();
  }

  // Flow bands: refit (a, b) on row resamples with λ and the other channels' b fixed.
  if (options.bootstrap > 0) {
    Eigen::VectorXd w(T);
    for (std::size_t k = 0; k < K; ++k) {
      KindChannelFit& f = report.channels[k];
      if (f.kind != ChannelKind::Flow) continue;
      const Eigen::MatrixXd fixed = fixed_columns(base, report.channels, k);
      const Eigen::VectorXd e = geometric_adstock(inputs[k].x, f.lambda);
      for (int b = 0; b < options.bootstrap; ++b) {
        resample_block_counts(options.seed, static_cast<std::uint32_t>(b),
                              static_cast<std::uint32_t>(T),
                              static_cast<std::uint32_t>(options.block_length), w.data());
        Profile p(yc, w);
        p.set_fixed(fixed);
        double rss = 0.0;
        const double bb = best_b(p, e, rss);
        Eigen::VectorXd coef;
        p.rss(log_feature(e, bb), &coef);
        f.boot_a.push_back(coef(coef.size() - 1));
        f.boot_b.push_back(bb);
      }
    }
  }
  return report;
}

Eigen::VectorXd remove_seasonality(const Eigen::VectorXd& y, const Eigen::MatrixXd& seasonal) {
  Eigen::MatrixXd design(y.size(), 1 + seasonal.cols());
  design.col(0).setOnes();
  design.rightCols(seasonal.cols()) = seasonal;
  const Eigen::VectorXd coef = design.colPivHouseholderQr().solve(y);
  return y - seasonal * coef.tail(seasonal.cols());
}

}  // namespace mmm
