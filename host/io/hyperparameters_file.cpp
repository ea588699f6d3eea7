#include "host/io/hyperparameters_file.hpp"

#include <cmath>
#include <fstream>

#include "host/common/errors.hpp"

namespace mmm {
namespace {

double number_at(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  if (!obj.contains(key)) throw InputError(where + ": missing key `" + key + "`");
  const auto& v = obj.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    throw InputError(where + ": `" + key + "` is `" + v.dump() + "`; expected a finite number");
  }
  return v.get<double>();
}

}  // namespace

Hyperparameters hyperparameters_from_json(const nlohmann::json& root, const std::string& source,
                                          const std::vector<std::string>& channels) {
  const nlohmann::json& j = root.contains("hyperparameters") ? root.at("hyperparameters") : root;
  if (!j.is_object() || !j.contains("channels") || !j.at("channels").is_object()) {
    throw InputError(source +
                     ": expected an object with \"channels\": {name: {theta, alpha, gamma}}"
                     " (or a model.json with \"hyperparameters\")");
  }
  Hyperparameters h;
  if (j.contains("ridge_lambda")) {
    h.ridge_lambda = number_at(j, "ridge_lambda", source);
    if (!(h.ridge_lambda > 0)) throw InputError(source + ": `ridge_lambda` must be > 0");
  }
  const auto& ch = j.at("channels");
  for (const auto& name : channels) {
    if (!ch.contains(name)) {
      throw InputError(source + ": no hyperparameters for channel `" + name + "`");
    }
    const std::string where = source + ": channel `" + name + "`";
    ChannelHyper c;
    c.theta = number_at(ch.at(name), "theta", where);
    c.alpha = number_at(ch.at(name), "alpha", where);
    c.gamma = number_at(ch.at(name), "gamma", where);
    if (!(c.theta >= 0 && c.theta < 1)) throw InputError(where + ": theta must be in [0, 1)");
    if (!(c.alpha > 0)) throw InputError(where + ": alpha must be > 0");
    if (!(c.gamma > 0)) throw InputError(where + ": gamma must be > 0 (spend units)");
    h.channels.push_back(c);
  }
  for (const auto& [name, value] : ch.items()) {
    (void)value;
    bool known = false;
    for (const auto& c : channels) known = known || c == name;
    if (!known) throw InputError(source + ": channel `" + name + "` is not a channel of the data");
  }
  return h;
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open " + what + " `" + path + "`");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  }
}

Hyperparameters read_hyperparameters_file(const std::string& path,
                                          const std::vector<std::string>& channels) {
  return hyperparameters_from_json(read_json_file(path, "hyperparameters file"), path, channels);
}

nlohmann::json hyperparameters_to_json(const Hyperparameters& h,
                                       const std::vector<std::string>& channels) {
  nlohmann::json j;
  j["ridge_lambda"] = h.ridge_lambda;
  j["channels"] = nlohmann::json::object();
  for (size_t c = 0; c < channels.size(); ++c) {
    j["channels"][channels[c]] = {{"theta", h.channels[c].theta},
                                  {"alpha", h.channels[c].alpha},
                                  {"gamma", h.channels[c].gamma}};
  }
  return j;
}

}  // namespace mmm
