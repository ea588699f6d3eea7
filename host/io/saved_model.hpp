#pragma once
// A single-market fit's model.json read back for the scenario commands (`mmm optimize`,
// `mmm predict --plan`): the curves its allocation ran on, the fitted weeks' spend, the
// coefficients and the bootstrap draws. Nothing is refitted: every figure comes from the file.

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/channels/channel_kind.hpp"
#include "host/curves/channel_response.hpp"
#include "host/data/date.hpp"

namespace mmm {

/// A flow or stock channel of the fit (model.json `kind_channels`, SPEC §9). Its design column
/// is ln(1 + b·E) with E the spend adstocked by λ (flow) or ln(1 + b·μ·S) with S the active
/// units (stock), with its own ridge coefficient in `coef`.
struct SavedKindChannel {
  std::string name;
  ChannelKind kind = ChannelKind::Flow;
  double b = 0.0;
  double lambda = 0.0;        ///< flow: adstock decay; stock: 0
  double mu = 1.0;            ///< stock: touches per unit per period; flow: 1
  size_t column = 0;          ///< its index in `columns` and `coef`
  Eigen::Index history = -1;  ///< flow: its column of `spend`; stock: -1 (no carry-over)
};

struct SavedModel {
  std::string source;  ///< the file, for messages
  /// The curves of the fit's allocation: media channels (data order), then flow channels.
  std::vector<ChannelResponse> responses;
  bool conservative = false;         ///< the fit allocated on the lower bands
  double budget_change_limit = 0.3;  ///< the fit's ±limit
  double ci = 0.9;                   ///< the bootstrap interval level of the fit

  std::vector<Date> dates;         ///< the fitted weeks
  Eigen::MatrixXd spend;           ///< T × responses.size(): weekly spend, responses' order
  std::vector<std::string> media;  ///< the media channels (the first media.size() responses)
  std::vector<std::string> user_controls;  ///< the user's control columns
  std::vector<double> user_control_means;  ///< their means over the fitted weeks
  /// The flow and stock channels, in `columns` order (empty for a media-only fit).
  std::vector<SavedKindChannel> kind_channels;
  std::vector<std::string> columns;  ///< design columns: media, then every control
  std::vector<double> coef;          ///< one per column, in column units
  double intercept = 0.0;
  double residual_sd = 0.0;        ///< √(Σ residual² / (T − p − 1)) of the fit
  Eigen::MatrixXd draw_coef;       ///< B × columns: bootstrap coefficients (failed rows dropped)
  Eigen::VectorXd draw_intercept;  ///< B: their intercepts
  Eigen::MatrixXd draw_hyper;  ///< B × 3·media (θ, α, γ) for a nested bootstrap, else empty
};

/// Reads what the scenario commands need from a parsed model.json (`source` names it).
/// InputError for a segmented model, for a model written before these keys existed (naming
/// the missing key and saying to refit) and for any mistyped field.
SavedModel read_saved_model(const nlohmann::json& model, const std::string& source);

/// The media channels' (θ, α, γ) in the evaluator's layout, from the responses.
std::vector<double> media_hyper3c(const SavedModel& m);

/// The media channels' saturation shapes (ModelData::saturation's layout), from the responses.
std::vector<SaturationShape> media_saturation(const SavedModel& m);

}  // namespace mmm
