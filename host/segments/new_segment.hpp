#pragma once
// Prediction for a market that was not in the data (SPEC §9), from a segmented model.json's
// global coefficients: the shared θ, α, γ transform the new market's spend, the global
// coefficients turn it into KPI, and the bootstrap draws of the global coefficients give the
// intervals.

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/data/date.hpp"

namespace mmm {

struct NewSegmentPrediction {
  std::vector<Date> dates;
  std::vector<std::string> channels;
  bool has_kpi = false;      ///< the file had the model's KPI column
  Eigen::VectorXd actual;    ///< the KPI when present
  double intercept = 0.0;    ///< calibrated on the KPI when present, else mean segment intercept
  Eigen::VectorXd baseline;  ///< intercept + controls
  Eigen::MatrixXd contribution;                     ///< T × C, global coef · h
  Eigen::VectorXd media, media_lower, media_upper;  ///< Σ_c contribution and band
  Eigen::VectorXd predicted, predicted_lower, predicted_upper;
  Eigen::VectorXd spend, roi, roi_lower, roi_upper;  ///< per channel, over the new data
  int draws = 0;  ///< bootstrap draws behind the intervals (0: bands equal the estimate)
};

/// Predicts the KPI of the wide CSV at `data_path` (the model's date, channel and control
/// columns; the KPI column optional) from `model` (a segmented model.json). InputError (exit 2)
/// for a model without segments or bad data.
NewSegmentPrediction predict_new_segment(const nlohmann::json& model, const std::string& source,
                                         const std::string& data_path, double ci);

/// predictions.csv: DATE, ACTUAL (when known), BASELINE, MEDIA and its band, PREDICTED and its
/// band, one contribution column per channel.
std::string prediction_csv(const NewSegmentPrediction& prediction);

}  // namespace mmm
