#pragma once
// The TOML config of `mmm fit` (SPEC §11): what flags would be too many for, e.g. per-channel
// search bounds. Flags given on the command line override it. Layout (every key optional):
//
//   [data]       path, date_col, kpi_col, channels = [..], controls = [..], date_format,
//                missing_controls, format ("wide" | "long"), min_spend, geo_level,
//                product_level, long_revenue (channel-long data: docs/input.md)
//   [model]      ridge_lambda, deseasonalize
//   [search]     budget, population, seed
//   [bootstrap]  resamples, ci
//   [cv]         train, test, step
//   [allocation] budget_change_limit, conservative
//   [run]        out, device, threads
//   [channels.<name>]  theta = [lo, hi], alpha = [lo, hi], gamma = [lo, hi] (fractions of the
//                      channel's max weekly spend); kind = "media" | "flow" | "stock" (SPEC §9);
//                      mu = touches per unit per period (stock only, default 1)
//
// Unknown sections or keys are errors, so a typo never silently does nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/channels/channel_kind.hpp"
#include "host/data/channel_long.hpp"
#include "host/data/missing_controls.hpp"
#include "host/features/transforms.hpp"
#include "host/model/hyperparameters.hpp"

namespace mmm {

/// What a config file says, each key checked (type, range, valid words) where it was read, so
/// errors name the file, line and key; a key the file does not set is empty. The pipeline
/// applies it onto its options (host/pipeline/fit_config.hpp): the reader knows the file's
/// layout, not the options it feeds. Members are named after the keys.
struct ConfigFile {
  // [data]; relative paths are already resolved against the config's folder.
  std::optional<std::string> data_path;
  std::optional<std::string> date_col, kpi_col;
  std::optional<std::vector<std::string>> channels, controls;
  std::optional<std::string> date_format;  ///< compiled once to check it
  std::optional<MissingControls> missing_controls;
  std::optional<InputFormat> format;
  std::optional<double> min_spend;  ///< ≥ 0
  std::optional<std::string> geo_level, product_level;
  std::optional<LongRevenue> long_revenue;
  // [model]
  std::optional<double> revenue_per_kpi;
  std::optional<bool> deseasonalize;
  std::optional<double> ridge_lambda;              ///< a number; see ridge_lambda_auto for "auto"
  bool ridge_lambda_auto = false;                  ///< ridge_lambda = "auto"
  std::optional<std::vector<double>> lambda_grid;  ///< not empty
  std::optional<std::string> saturation;           ///< hill, logistic or auto (every media channel)
  // [search]; `budget` is the older name of `evaluations` (the later key in the file's
  // sorted order, evaluations, wins when both are set, as toml++ iterates keys sorted).
  std::optional<std::int64_t> evaluations;  ///< ≥ 1
  std::optional<int> population;            ///< ≥ 4
  std::optional<std::uint64_t> seed;
  // [bootstrap]; `nested_budget` is the older name of `nested_evaluations`.
  std::optional<int> resamples;                    ///< ≥ 0
  std::optional<std::int64_t> nested_evaluations;  ///< ≥ 0
  std::optional<int> block_length;                 ///< ≥ 1
  std::optional<double> ci;
  // [cv]: rows, each in [1, kMaxCvWindowRows]
  std::optional<int> cv_train, cv_test, cv_step;
  // [allocation]
  std::optional<double> budget_change_limit;
  std::optional<bool> conservative;
  // [run]
  std::optional<std::string> out;
  std::optional<std::string> device;
  std::optional<int> threads;  ///< in [0, kMaxThreads]
  // [segments]
  std::optional<std::vector<std::string>> segment_columns, global_channels;
  std::optional<bool> per_segment_hyperparameters;
  std::optional<std::int64_t> segment_budget;  ///< ≥ 1
  std::optional<std::string> segment_gamma;
  std::optional<double> segment_shrinkage;
  std::optional<std::string> pooling;
  std::optional<double> lambda_global, lambda_segment;  ///< > 0
  // [channels.<name>]
  std::map<std::string, ChannelBounds> bounds;   ///< channels that set theta, alpha or gamma
  std::map<std::string, ChannelKindSpec> kinds;  ///< channels that set kind
  std::map<std::string, SaturationShape> channel_saturation;  ///< channels that set saturation
};

/// Reads and checks the config file at `path`. InputError (exit 2) names the file, the line
/// and the key for anything malformed.
ConfigFile read_config_file(const std::string& path);

}  // namespace mmm
