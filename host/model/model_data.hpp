#pragma once
// The numeric problem a backend evaluates: spend, controls and KPI as matrices, plus the
// ridge settings. Built once per run from a validated Dataset (names stay in the Dataset).

#include <Eigen/Dense>

#include "host/data/dataset.hpp"
#include "host/features/controls.hpp"
#include "host/features/transforms.hpp"

namespace mmm {

/// Reference ridge penalty and negative-coefficient penalty weight (SPEC §4).
constexpr double kDefaultRidgeLambda = 10.0;
/// Ridge penalty of `mmm fit` and `mmm sweep` by default (chosen by measurement,
/// bench/RESULTS.md "Estimates"); --reference keeps kDefaultRidgeLambda.
constexpr double kDefaultFitRidgeLambda = 1.0;
constexpr double kDefaultPenaltyWeight = 10.0;

struct ModelData {
  Eigen::MatrixXd spend;     ///< T × C media spend
  Eigen::MatrixXd controls;  ///< T × K control columns (default set, then user controls)
  Eigen::VectorXd y;         ///< T KPI values
  double ridge_lambda = kDefaultRidgeLambda;
  double penalty_weight = kDefaultPenaltyWeight;
  /// Media coefficients constrained to ≥ 0 (active-set solve, gram_ridge.hpp). Off here so
  /// that the plain library solve is scikit-learn's Ridge; `mmm fit` and `mmm sweep` switch it
  /// on unless --reference.
  bool nonnegative_media = false;
  /// Saturation shape per media channel, C entries; empty: every channel Hill (SPEC §4).
  std::vector<SaturationShape> saturation;

  /// Channel c's saturation shape.
  SaturationShape saturation_of(int c) const {
    return saturation.empty() ? SaturationShape::Hill : saturation[static_cast<size_t>(c)];
  }
  int rows() const { return static_cast<int>(y.size()); }
  int channels() const { return static_cast<int>(spend.cols()); }
  int control_count() const { return static_cast<int>(controls.cols()); }
  /// p: columns of the design (media + controls).
  int parameters() const { return channels() + control_count(); }
  /// Largest weekly spend per channel (γ's unit).
  std::vector<double> max_spend() const;
};

/// Assembles the numeric problem from a dataset and its control block.
ModelData make_model_data(const Dataset& data, const ControlMatrix& controls, double ridge_lambda);

/// InputError (exit 2) unless the data can carry the model: at least parameters + 2 rows (an
/// intercept and p coefficients with a meaningful R²) and a KPI that varies.
void check_data_fits_model(const Dataset& data, const ModelData& model);

/// Adstocked and saturated media, T × C, for fixed hyperparameters (θ, α, γ per channel) and
/// per-channel shapes (C entries; empty: every channel Hill). The reference implementation of
/// the transforms every backend must reproduce.
Eigen::MatrixXd transform_media(const Eigen::MatrixXd& spend, const double* hyper3c,
                                const std::vector<SaturationShape>& shapes = {});

}  // namespace mmm

namespace mmm {

/// Fitted KPI per row: intercept + Σ coef_j · column_j over the transformed media (with the
/// data's saturation shapes) and the controls. `coef` holds p values in column units (media first).
Eigen::VectorXd predict_kpi(const ModelData& data, const double* hyper3c, const double* coef,
                            double intercept);

}  // namespace mmm
