#include "host/io/segment_compare.hpp"

#include <cmath>
#include <limits>

#include "host/common/errors.hpp"
#include "host/io/csv_writer.hpp"
#include "host/io/model_json.hpp"

namespace mmm {
namespace {

double value_of(const nlohmann::json& perf, const std::string& channel, const std::string& metric) {
  // A channel or metric the model lacks is an empty cell, not an error: older models and
  // channels without spend in a segment have gaps.
  const auto ch = perf.is_object() ? perf.find(channel) : perf.end();
  if (ch == perf.end() || !ch->is_object()) return std::numeric_limits<double>::quiet_NaN();
  const auto v = ch->find(metric);
  return v != ch->end() && v->is_number() ? v->get<double>()
                                          : std::numeric_limits<double>::quiet_NaN();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < 40; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > 40) out += ", …";
  return out;
}

}  // namespace

const std::vector<std::string>& comparison_metrics() {
  static const std::vector<std::string> metrics = {"roas",         "roas_lower", "roas_upper",
                                                   "contribution", "spend",      "marginal_roi",
                                                   "efficiency",   "coef"};
  return metrics;
}

SegmentComparison compare_segments(const nlohmann::json& model, const std::string& source,
                                   const std::vector<std::string>& segments,
                                   const std::string& metric) {
  bool known = false;
  for (const std::string& m : comparison_metrics()) known = known || m == metric;
  if (!known) {
    throw InputError("invalid --metric `" + metric +
                     "`; expected one of: " + joined(comparison_metrics()));
  }
  check_model_format_version(model, source);
  if (!model.is_object() || !model.contains("segment_coefficients") ||
      !model.contains("segments") || !model.contains("global_performance")) {
    throw InputError(source + ": not a segmented model (no `segments`); fit with --segments");
  }
  SegmentComparison out;
  out.metric = metric;
  const std::vector<std::string> all =
      model_strings(model_field(model, "segments", source), source, "segments");
  const nlohmann::json& coefficients = model_field(model, "segment_coefficients", source);
  out.segments = segments.empty() ? all : segments;
  std::vector<const nlohmann::json*> performance;
  for (const std::string& s : out.segments) {
    if (!coefficients.is_object() || !coefficients.contains(s)) {
      throw InputError(source + ": no segment `" + s + "`; segments are: " + joined(all));
    }
    const std::string path = "segment_coefficients." + s;
    performance.push_back(&model_field(model_field(coefficients, s, source, "segment_coefficients"),
                                       "performance", source, path));
  }
  const nlohmann::json& config = model_field(model, "config", source);
  out.channels =
      model_strings(model_field(config, "channels", source, "config"), source, "config.channels");
  const nlohmann::json& global = model_field(model, "global_performance", source);
  for (const std::string& c : out.channels) {
    std::vector<double> row;
    for (const nlohmann::json* perf : performance) row.push_back(value_of(*perf, c, metric));
    row.push_back(value_of(global, c, metric));
    out.values.push_back(row);
  }
  out.segments.push_back("GLOBAL");
  return out;
}

std::string comparison_csv(const SegmentComparison& cmp) {
  std::vector<std::string> header = {"CHANNEL"};
  header.insert(header.end(), cmp.segments.begin(), cmp.segments.end());
  header.push_back("BEST_SEGMENT");
  CsvWriter w(header);
  for (size_t c = 0; c < cmp.channels.size(); ++c) {
    w.cell(cmp.channels[c]);
    int best = -1;
    for (size_t s = 0; s < cmp.segments.size(); ++s) {
      const double v = cmp.values[c][s];
      w.cell(v);
      if (s + 1 < cmp.segments.size() && std::isfinite(v) &&
          (best < 0 || v > cmp.values[c][best])) {
        best = static_cast<int>(s);
      }
    }
    w.cell(best >= 0 ? cmp.segments[best] : std::string()).end_row();
  }
  return w.text();
}

}  // namespace mmm
