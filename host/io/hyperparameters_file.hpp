#pragma once
// The hyperparameters file (issue 2 contract): {"ridge_lambda": 10, "channels": {"tv":
// {"theta": 0.5, "alpha": 1.2, "gamma": 12345.0, "saturation": "hill"}, …}}, γ in spend units;
// "saturation" is hill or logistic (absent: hill, as in files written before it existed; a
// logistic channel may leave out "alpha"). A model.json holds the same object under
// "hyperparameters", so it is accepted too.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/io/json_file.hpp"  // read_json_file, for the callers that read the file first
#include "host/model/hyperparameters.hpp"

namespace mmm {

/// Reads θ, α, γ for every channel (in `channels` order). Errors (exit 2) name the file, the
/// channel and the bad key or value; every channel of the data must be present.
Hyperparameters read_hyperparameters_file(const std::string& path,
                                          const std::vector<std::string>& channels);

/// Same, from parsed JSON (`source` names it in messages).
Hyperparameters hyperparameters_from_json(const nlohmann::json& j, const std::string& source,
                                          const std::vector<std::string>& channels);

/// The JSON object read_hyperparameters_file accepts.
nlohmann::json hyperparameters_to_json(const Hyperparameters& h,
                                       const std::vector<std::string>& channels);

}  // namespace mmm
