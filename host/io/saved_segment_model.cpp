#include "host/io/saved_segment_model.hpp"

#include "host/common/errors.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/model_json.hpp"

namespace mmm {
namespace {

/// model_field, with the hint for the keys `mmm predict --plan` added to segmented models: an
/// older model.json has to be refitted to get them.
const nlohmann::json& plan_field(const nlohmann::json& parent, const std::string& key,
                                 const std::string& source, const std::string& path) {
  if (parent.is_object() && !parent.contains(key)) {
    throw InputError(source + ": missing key `" + path + "." + key +
                     "`; this segmented model.json was written by an mmm without `mmm predict "
                     "--plan` for segments: run `mmm fit --segments …` again (e.g. with "
                     "--hyperparameters " +
                     source + ") to write one that has it");
  }
  return model_field(parent, key, source, path);
}

}  // namespace

bool is_segmented_model(const nlohmann::json& j) {
  return j.is_object() && j.contains("segments") && j.contains("segment_coefficients");
}

SegmentIndex read_segment_index(const nlohmann::json& j, const std::string& source) {
  SegmentIndex index;
  const nlohmann::json& config = model_field(j, "config", source);
  index.columns = model_strings(model_field(config, "segment_columns", source, "config"), source,
                                "config.segment_columns");
  index.names = model_strings(model_field(j, "segments", source), source, "segments");
  if (index.columns.empty() || index.names.empty()) {
    throw InputError(source + ": `config.segment_columns` and `segments` must not be empty");
  }
  return index;
}

SavedModel read_segment_saved_model(const nlohmann::json& j, const std::string& source,
                                    const std::string& segment) {
  check_model_format_version(j, source);
  const std::string path = "segment_coefficients." + segment;
  const nlohmann::json& seg = model_field(model_field(j, "segment_coefficients", source), segment,
                                          source, "segment_coefficients");
  SavedModel m;
  m.source = source + " (segment " + segment + ")";
  const nlohmann::json& config = model_field(j, "config", source);
  m.media =
      model_strings(model_field(config, "channels", source, "config"), source, "config.channels");
  m.user_controls =
      model_strings(model_field(config, "controls", source, "config"), source, "config.controls");
  const nlohmann::json& boot = model_field(j, "bootstrap", source);
  m.ci = model_number(model_field(boot, "ci", source, "bootstrap"), source, "bootstrap.ci");

  // The segment's own θ, α, γ when the fit had them, else the shared ones.
  const Hyperparameters hyper =
      seg.contains("hyperparameters")
          ? hyperparameters_from_json(seg.at("hyperparameters"), source, m.media)
          : hyperparameters_from_json(model_field(j, "hyperparameters", source), source, m.media);
  m.columns = model_strings(model_field(j, "columns", source), source, "columns");
  m.coef = model_numbers(model_field(seg, "coef", source, path), source, path + ".coef");
  m.intercept =
      model_number(model_field(seg, "intercept", source, path), source, path + ".intercept");
  if (m.coef.size() != m.columns.size() || m.columns.size() < m.media.size()) {
    throw InputError(source + ": `" + path + ".coef` has " + std::to_string(m.coef.size()) +
                     " numbers for " + std::to_string(m.columns.size()) + " `columns`");
  }
  for (size_t c = 0; c < m.media.size(); ++c) {
    ChannelResponse r;
    r.name = m.media[c];
    r.hyper = hyper.channels[c];
    r.coef = r.coef_lower = r.coef_upper = m.coef[c];
    m.responses.push_back(r);
  }

  const nlohmann::json& history = plan_field(seg, "history", source, path);
  const std::string hpath = path + ".history";
  for (const std::string& d :
       model_strings(model_field(history, "dates", source, hpath), source, hpath + ".dates")) {
    const auto date = parse_iso_date(d);
    if (!date)
      throw InputError(source + ": `" + hpath + ".dates` holds `" + d + "`; expected YYYY-MM-DD");
    m.dates.push_back(*date);
  }
  if (m.dates.empty()) throw InputError(source + ": `" + hpath + ".dates` is empty");
  const nlohmann::json& spend = model_field(history, "spend", source, hpath);
  m.spend.resize(static_cast<Eigen::Index>(m.dates.size()),
                 static_cast<Eigen::Index>(m.media.size()));
  for (size_t c = 0; c < m.media.size(); ++c) {
    const std::string cpath = hpath + ".spend." + m.media[c];
    const std::vector<double> v =
        model_numbers(model_field(spend, m.media[c], source, hpath + ".spend"), source, cpath);
    if (v.size() != m.dates.size()) {
      throw InputError(source + ": `" + cpath + "` has " + std::to_string(v.size()) +
                       " periods; expected " + std::to_string(m.dates.size()) + " (its dates)");
    }
    for (size_t t = 0; t < v.size(); ++t)
      m.spend(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(c)) = v[t];
  }
  const nlohmann::json& means = model_field(history, "control_means", source, hpath);
  for (const std::string& name : m.user_controls) {
    m.user_control_means.push_back(
        model_number(model_field(means, name, source, hpath + ".control_means"), source,
                     hpath + ".control_means." + name));
  }
  m.residual_sd =
      model_number(plan_field(seg, "residual_sd", source, path), source, path + ".residual_sd");

  const std::string dpath = path + ".bootstrap_draws";
  const nlohmann::json& draws = plan_field(seg, "bootstrap_draws", source, path);
  const nlohmann::json& coef = model_field(draws, "coef", source, dpath);
  const nlohmann::json& icpt = model_field(draws, "intercept", source, dpath);
  if (!coef.is_array() || !icpt.is_array() || coef.size() != icpt.size()) {
    throw InputError(source + ": `" + dpath +
                     "` must hold arrays `coef` and `intercept` of the same length");
  }
  const Eigen::Index B = static_cast<Eigen::Index>(coef.size());
  const Eigen::Index P = static_cast<Eigen::Index>(m.columns.size());
  m.draw_coef.resize(B, P);
  m.draw_intercept.resize(B);
  for (Eigen::Index b = 0; b < B; ++b) {
    const std::string rpath = dpath + ".coef[" + std::to_string(b) + "]";
    const std::vector<double> row = model_numbers(coef[static_cast<size_t>(b)], source, rpath);
    if (static_cast<Eigen::Index>(row.size()) != P) {
      throw InputError(source + ": `" + rpath + "` must hold " + std::to_string(P) +
                       " numbers (one per `columns` entry)");
    }
    for (Eigen::Index k = 0; k < P; ++k) m.draw_coef(b, k) = row[static_cast<size_t>(k)];
    m.draw_intercept[b] = model_number(icpt[static_cast<size_t>(b)], source,
                                       dpath + ".intercept[" + std::to_string(b) + "]");
  }
  return m;
}

}  // namespace mmm
