#pragma once
// `mmm predict --plan`: a saved single-market model's KPI for a weekly spend plan, future or
// counterfactual, with the adstock carried over from the fitted weeks before the plan starts.
// Two bands, for two questions:
//  - the coefficient band (kpi_coef_lower/upper): the bootstrap's resamples, each with all its
//    coefficients and intercept (and, for the nested bootstrap, its θ, α, γ). How sure the
//    model is of its mean KPI; NOT where a week's KPI will land.
//  - the prediction interval (kpi_pred_lower/upper): the same draws plus the fit's residual
//    noise N(0, σ²), σ = model.json's residual_sd. Where a week's KPI is expected to land.

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "host/data/spend_plan.hpp"
#include "host/io/saved_model.hpp"

namespace mmm {

struct PlanPrediction {
  std::vector<Date> dates;
  std::vector<std::string> channels;
  Eigen::VectorXd kpi, baseline;                           ///< per plan week
  Eigen::VectorXd coef_lower, coef_upper;                  ///< coefficient (bootstrap) band of kpi
  Eigen::VectorXd pred_lower, pred_upper;                  ///< prediction interval of kpi
  Eigen::MatrixXd contribution;                            ///< weeks × channels: coef_c · h_c
  Eigen::MatrixXd contribution_lower, contribution_upper;  ///< their bootstrap bands
  Eigen::MatrixXd spend;                                   ///< the plan
  int carried_weeks = 0;  ///< fitted weeks before the plan whose adstock carries into it
  int draws = 0;          ///< bootstrap draws behind the coefficient band (0: band = kpi)
  double ci = 0.9;
  double residual_sd = 0.0;
  std::vector<std::string> notices;
};

/// The channels a plan for `model` has, in the order of PlanPrediction::channels: the media
/// channels, then the flow channels (weekly spend) and stock channels (active units).
std::vector<std::string> plan_channels(const SavedModel& model);

/// Predicts the plan, whose spend columns are plan_channels(model). The plan's weeks must be
/// on the model's weekly grid, start after the first fitted week and no later than the week
/// after the last one (no unplanned gap); controls the plan leaves out are held at their
/// fitted mean (a notice each). Flow channels carry their adstock over like media; their and
/// stock channels' λ and b are the fit's in every draw. InputError for a plan off the grid or
/// after a gap, and for ci outside (0, 1).
PlanPrediction predict_plan(const SavedModel& model, const SpendPlan& plan, double ci);

/// Quantile q of the mixture of N(centre_b, σ²) over the centres (equal weights), by bisection
/// on its CDF; σ = 0 gives the centres' percentile.
double normal_mixture_quantile(const std::vector<double>& centres, double sigma, double q);

}  // namespace mmm
