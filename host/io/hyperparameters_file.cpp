#include "host/io/hyperparameters_file.hpp"

#include <cmath>

#include "host/common/errors.hpp"
#include "host/io/model_json.hpp"

namespace mmm {
namespace {

double number_at(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  if (!obj.contains(key)) throw InputError(where + ": missing key `" + key + "`");
  const auto& v = obj.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    throw InputError(where + ": `" + key + "` is `" + json_excerpt(v) +
                     "`; expected a finite number");
  }
  return v.get<double>();
}

// A misspelt key ("gama", "ridge_lamda") would otherwise be ignored and its default used in
// silence; every key of the hyperparameters object must be one we read.
void only_keys(const nlohmann::json& obj, const std::vector<std::string>& allowed,
               const std::string& where) {
  for (const auto& [key, value] : obj.items()) {
    (void)value;
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(where + ": unknown key " + json_excerpt(key) + "; expected " + list);
    }
  }
}

}  // namespace

Hyperparameters hyperparameters_from_json(const nlohmann::json& root, const std::string& source,
                                          const std::vector<std::string>& channels) {
  // A model.json (or a simulation's truth file) keeps the object under "hyperparameters"; its
  // other keys are the model's, not ours to check, but its format version is.
  const bool nested = root.is_object() && root.contains("hyperparameters");
  if (nested) check_model_format_version(root, source);
  const nlohmann::json& j = nested ? root.at("hyperparameters") : root;
  if (!j.is_object() || !j.contains("channels") || !j.at("channels").is_object()) {
    throw InputError(source +
                     ": expected an object with \"channels\": {name: {theta, alpha, gamma}}"
                     " (or a model.json with \"hyperparameters\")");
  }
  only_keys(j, {"ridge_lambda", "channels"}, source);
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
    if (!ch.at(name).is_object()) {
      throw InputError(where + ": is `" + json_excerpt(ch.at(name)) +
                       "`; expected {\"theta\": …, \"alpha\": …, \"gamma\": …}");
    }
    only_keys(ch.at(name), {"theta", "alpha", "gamma", "saturation"}, where);
    ChannelHyper c;
    // Files written before the logistic shape existed have no "saturation": Hill.
    if (ch.at(name).contains("saturation")) {
      const nlohmann::json& s = ch.at(name).at("saturation");
      const auto shape = s.is_string() ? parse_saturation(s.get<std::string>()) : std::nullopt;
      if (!shape) {
        throw InputError(where + ": saturation `" +
                         (s.is_string() ? s.get<std::string>() : json_excerpt(s)) +
                         "`; expected one of: hill, logistic");
      }
      c.saturation = *shape;
    }
    c.theta = number_at(ch.at(name), "theta", where);
    // A logistic channel has no α: the key may be left out.
    c.alpha = c.saturation == SaturationShape::Logistic && !ch.at(name).contains("alpha")
                  ? kUnusedAlpha
                  : number_at(ch.at(name), "alpha", where);
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
                                  {"gamma", h.channels[c].gamma},
                                  {"saturation", saturation_name(h.channels[c].saturation)}};
  }
  return j;
}

}  // namespace mmm
