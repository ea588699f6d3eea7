#include "host/io/saved_model.hpp"

#include <algorithm>
#include <cmath>

#include "host/common/errors.hpp"
#include "host/io/model_json.hpp"

namespace mmm {
namespace {

/// model_field, with the hint that matters for these keys: they were added with the scenario
/// commands, so an older model.json has to be refitted (or its fit rerun) to get them.
const nlohmann::json& scenario_field(const nlohmann::json& parent, const std::string& key,
                                     const std::string& source, const std::string& path) {
  if (parent.is_object() && !parent.contains(key)) {
    throw InputError(source + ": missing key `" + (path.empty() ? key : path + "." + key) +
                     "`; this model.json was written by an mmm without `mmm optimize`/`mmm "
                     "predict --plan`: run `mmm fit` again (e.g. with --hyperparameters " +
                     source + ") to write one that has it");
  }
  return model_field(parent, key, source, path);
}

ChannelResponse read_response(const nlohmann::json& j, const std::string& source,
                              const std::string& path) {
  ChannelResponse r;
  r.name = model_string(model_field(j, "name", source, path), source, path + ".name");
  const std::string shape =
      model_string(model_field(j, "shape", source, path), source, path + ".shape");
  if (shape != "hill" && shape != "log") {
    throw InputError(source + ": `" + path + ".shape` is `" + shape +
                     "`; expected `hill` or `log`");
  }
  r.shape = shape == "log" ? ResponseShape::Log : ResponseShape::Hill;
  const auto num = [&](const char* key) {
    return model_number(model_field(j, key, source, path), source, path + "." + key);
  };
  // Written before the logistic shape existed: a media curve without "saturation" is Hill.
  if (j.is_object() && j.contains("saturation")) {
    const std::string text = model_string(j.at("saturation"), source, path + ".saturation");
    const auto shape = parse_saturation(text);
    if (!shape) {
      throw InputError(source + ": `" + path + ".saturation` is `" + text +
                       "`; expected hill or logistic");
    }
    r.hyper.saturation = *shape;
  }
  r.hyper.theta = num("theta");
  r.hyper.alpha = num("alpha");
  r.hyper.gamma = num("gamma");
  r.log_b = num("log_b");
  r.coef = num("coef");
  r.coef_lower = num("coef_lower");
  r.coef_upper = num("coef_upper");
  r.mean_weekly_spend = num("mean_weekly_spend");
  r.max_weekly_spend = num("max_weekly_spend");
  if (!(r.hyper.theta >= 0.0 && r.hyper.theta < 1.0)) {
    throw InputError(source + ": `" + path + ".theta` is " + std::to_string(r.hyper.theta) +
                     "; expected 0 ≤ θ < 1");
  }
  return r;
}

/// `kind_channels` (an object keyed by channel name): each must be one of `columns`; flow
/// channels must also have their fitted spend in `history.spend` (the responses' order).
void read_kind_channels(const nlohmann::json& kinds, const std::string& source, SavedModel& m) {
  if (!kinds.is_object()) {
    throw InputError(source + ": `kind_channels` must be an object keyed by channel name");
  }
  for (auto it = kinds.begin(); it != kinds.end(); ++it) {
    // Not a structured binding: C++17 lambdas cannot capture one (clang refuses).
    const std::string name = it.key();
    const nlohmann::json& j = it.value();
    const std::string path = "kind_channels." + name;
    SavedKindChannel k;
    k.name = name;
    const std::string kind =
        model_string(model_field(j, "kind", source, path), source, path + ".kind");
    const auto parsed = parse_channel_kind(kind);
    if (!parsed || *parsed == ChannelKind::Media) {
      throw InputError(source + ": `" + path + ".kind` is `" + kind +
                       "`; expected `flow` or `stock`");
    }
    k.kind = *parsed;
    const auto num = [&](const char* key) {
      return model_number(model_field(j, key, source, path), source, path + "." + key);
    };
    k.b = num("b");
    if (k.kind == ChannelKind::Flow) {
      k.lambda = num("lambda");
      if (!(k.lambda >= 0.0 && k.lambda < 1.0)) {
        throw InputError(source + ": `" + path + ".lambda` is " + std::to_string(k.lambda) +
                         "; expected 0 ≤ λ < 1");
      }
    } else {
      k.mu = num("mu");
    }
    const auto col = std::find(m.columns.begin(), m.columns.end(), name);
    if (col == m.columns.end()) {
      throw InputError(source + ": `" + path + "` is not one of `columns`");
    }
    k.column = static_cast<size_t>(col - m.columns.begin());
    if (k.kind == ChannelKind::Flow) {
      for (size_t c = m.media.size(); c < m.responses.size(); ++c)
        if (m.responses[c].name == name) k.history = static_cast<Eigen::Index>(c);
      if (k.history < 0) {
        throw InputError(source + ": flow channel `" + name +
                         "` has no curve in `responses` (its fitted spend is needed)");
      }
    }
    m.kind_channels.push_back(k);
  }
  std::sort(
      m.kind_channels.begin(), m.kind_channels.end(),
      [](const SavedKindChannel& a, const SavedKindChannel& b) { return a.column < b.column; });
}

}  // namespace

SavedModel read_saved_model(const nlohmann::json& j, const std::string& source) {
  check_model_format_version(j, source);
  if (j.is_object() && (j.contains("segment_coefficients") || j.contains("segments"))) {
    throw InputError(source +
                     ": this is a segmented fit's model.json; `mmm optimize` and `mmm predict "
                     "--plan` take a single-market fit (segmented models: `mmm predict "
                     "--new-segment`)");
  }
  SavedModel m;
  m.source = source;
  const nlohmann::json& responses = scenario_field(j, "responses", source, "");
  if (!responses.is_array() || responses.empty()) {
    throw InputError(source + ": `responses` must be a non-empty array of channel curves");
  }
  for (size_t i = 0; i < responses.size(); ++i)
    m.responses.push_back(
        read_response(responses[i], source, "responses[" + std::to_string(i) + "]"));

  const nlohmann::json& alloc = model_field(j, "allocation", source);
  const nlohmann::json& cons = model_field(alloc, "conservative", source, "allocation");
  if (!cons.is_boolean())
    throw InputError(source + ": `allocation.conservative` must be true or false");
  m.conservative = cons.get<bool>();
  m.budget_change_limit =
      model_number(scenario_field(alloc, "budget_change_limit", source, "allocation"), source,
                   "allocation.budget_change_limit");
  const nlohmann::json& config = model_field(j, "config", source);
  m.ci = model_number(model_field(config, "ci", source, "config"), source, "config.ci");
  m.media =
      model_strings(model_field(config, "channels", source, "config"), source, "config.channels");
  m.user_controls =
      model_strings(model_field(config, "controls", source, "config"), source, "config.controls");
  if (m.media.size() > m.responses.size()) {
    throw InputError(source + ": " + std::to_string(m.media.size()) + " channels in `config` but " +
                     std::to_string(m.responses.size()) + " in `responses`");
  }
  for (size_t c = 0; c < m.media.size(); ++c) {
    if (m.responses[c].name != m.media[c]) {
      throw InputError(source + ": `responses[" + std::to_string(c) + "]` is `" +
                       m.responses[c].name + "`; expected channel `" + m.media[c] + "`");
    }
  }

  const nlohmann::json& history = scenario_field(j, "history", source, "");
  for (const std::string& d :
       model_strings(model_field(history, "dates", source, "history"), source, "history.dates")) {
    const auto date = parse_iso_date(d);
    if (!date)
      throw InputError(source + ": `history.dates` holds `" + d + "`; expected YYYY-MM-DD");
    m.dates.push_back(*date);
  }
  const nlohmann::json& spend = model_field(history, "spend", source, "history");
  m.spend.resize(static_cast<Eigen::Index>(m.dates.size()),
                 static_cast<Eigen::Index>(m.responses.size()));
  for (size_t c = 0; c < m.responses.size(); ++c) {
    const std::string path = "history.spend." + m.responses[c].name;
    const std::vector<double> v = model_numbers(
        model_field(spend, m.responses[c].name, source, "history.spend"), source, path);
    if (v.size() != m.dates.size()) {
      throw InputError(source + ": `" + path + "` has " + std::to_string(v.size()) +
                       " weeks; expected " + std::to_string(m.dates.size()) + " (history.dates)");
    }
    for (size_t t = 0; t < v.size(); ++t)
      m.spend(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(c)) = v[t];
  }
  const nlohmann::json& means = model_field(history, "control_means", source, "history");
  for (const std::string& name : m.user_controls) {
    m.user_control_means.push_back(
        model_number(model_field(means, name, source, "history.control_means"), source,
                     "history.control_means." + name));
  }

  m.columns = model_strings(model_field(j, "columns", source), source, "columns");
  const nlohmann::json& coefs = model_field(j, "coefficients", source);
  m.coef = model_numbers(model_field(coefs, "coef", source, "coefficients"), source,
                         "coefficients.coef");
  m.intercept = model_number(model_field(coefs, "intercept", source, "coefficients"), source,
                             "coefficients.intercept");
  if (m.coef.size() != m.columns.size()) {
    throw InputError(source + ": " + std::to_string(m.coef.size()) + " coefficients for " +
                     std::to_string(m.columns.size()) + " `columns`");
  }
  m.residual_sd = model_number(scenario_field(j, "residual_sd", source, ""), source, "residual_sd");
  if (j.contains("kind_channels")) read_kind_channels(j.at("kind_channels"), source, m);

  const nlohmann::json& draws = scenario_field(j, "bootstrap_draws", source, "");
  const nlohmann::json& coef_draws = model_field(draws, "coef", source, "bootstrap_draws");
  const nlohmann::json& icpt_draws = model_field(draws, "intercept", source, "bootstrap_draws");
  const nlohmann::json& hyper_draws = model_field(draws, "hyper", source, "bootstrap_draws");
  if (!coef_draws.is_array() || !icpt_draws.is_array() || !hyper_draws.is_array() ||
      icpt_draws.size() != coef_draws.size() ||
      (!hyper_draws.empty() && hyper_draws.size() != coef_draws.size())) {
    throw InputError(source +
                     ": `bootstrap_draws` must hold arrays `coef`, `intercept` (one per "
                     "coef row) and `hyper` (empty, or one per coef row)");
  }
  const size_t C = m.media.size(), P = m.columns.size();
  std::vector<std::vector<double>> kept_coef, kept_hyper;
  std::vector<double> kept_icpt;
  for (size_t b = 0; b < coef_draws.size(); ++b) {
    const std::string path = "bootstrap_draws.coef[" + std::to_string(b) + "]";
    const nlohmann::json& row = coef_draws[b];
    if (!row.is_array() || row.size() != P) {
      throw InputError(source + ": `" + path + "` must hold " + std::to_string(P) +
                       " numbers (one per `columns` entry)");
    }
    bool failed = icpt_draws[b].is_null();
    for (const auto& v : row) failed = failed || v.is_null();  // a failed resample
    if (failed) continue;
    kept_coef.push_back(model_numbers(row, source, path));
    kept_icpt.push_back(model_number(icpt_draws[b], source,
                                     "bootstrap_draws.intercept[" + std::to_string(b) + "]"));
    if (!hyper_draws.empty()) {
      const std::string hpath = "bootstrap_draws.hyper[" + std::to_string(b) + "]";
      std::vector<double> h = model_numbers(hyper_draws[b], source, hpath);
      if (h.size() != 3 * C) {
        throw InputError(source + ": `" + hpath + "` must hold " + std::to_string(3 * C) +
                         " numbers (θ, α, γ per channel)");
      }
      kept_hyper.push_back(std::move(h));
    }
  }
  const Eigen::Index B = static_cast<Eigen::Index>(kept_coef.size());
  m.draw_coef.resize(B, static_cast<Eigen::Index>(P));
  m.draw_intercept.resize(B);
  for (Eigen::Index b = 0; b < B; ++b) {
    m.draw_intercept[b] = kept_icpt[static_cast<size_t>(b)];
    for (size_t k = 0; k < P; ++k)
      m.draw_coef(b, static_cast<Eigen::Index>(k)) = kept_coef[static_cast<size_t>(b)][k];
  }
  if (!kept_hyper.empty()) {
    m.draw_hyper.resize(B, static_cast<Eigen::Index>(3 * C));
    for (Eigen::Index b = 0; b < B; ++b)
      for (size_t k = 0; k < 3 * C; ++k)
        m.draw_hyper(b, static_cast<Eigen::Index>(k)) = kept_hyper[static_cast<size_t>(b)][k];
  }
  return m;
}

std::vector<double> media_hyper3c(const SavedModel& m) {
  std::vector<double> h;
  for (size_t c = 0; c < m.media.size(); ++c) {
    h.push_back(m.responses[c].hyper.theta);
    h.push_back(m.responses[c].hyper.alpha);
    h.push_back(m.responses[c].hyper.gamma);
  }
  return h;
}

std::vector<SaturationShape> media_saturation(const SavedModel& m) {
  std::vector<SaturationShape> shapes;
  for (size_t c = 0; c < m.media.size(); ++c) shapes.push_back(m.responses[c].hyper.saturation);
  return shapes;
}

}  // namespace mmm
