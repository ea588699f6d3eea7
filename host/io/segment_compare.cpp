#include "host/io/segment_compare.hpp"

#include <cmath>
#include <limits>

#include "host/common/errors.hpp"
#include "host/io/csv_writer.hpp"

namespace mmm {
namespace {

double value_of(const nlohmann::json& perf, const std::string& channel, const std::string& metric) {
  if (!perf.contains(channel) || !perf[channel].contains(metric)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const nlohmann::json& v = perf[channel][metric];
  return v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
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
  if (!model.is_object() || !model.contains("segment_coefficients") ||
      !model.contains("segments") || !model.contains("global_performance")) {
    throw InputError(source + ": not a segmented model (no `segments`); fit with --segments");
  }
  SegmentComparison out;
  out.metric = metric;
  const std::vector<std::string> all = model["segments"].get<std::vector<std::string>>();
  out.segments = segments.empty() ? all : segments;
  for (const std::string& s : out.segments) {
    if (!model["segment_coefficients"].contains(s)) {
      throw InputError(source + ": no segment `" + s + "`; segments are: " + joined(all));
    }
  }
  out.channels = model["config"]["channels"].get<std::vector<std::string>>();
  for (const std::string& c : out.channels) {
    std::vector<double> row;
    for (const std::string& s : out.segments) {
      row.push_back(value_of(model["segment_coefficients"][s]["performance"], c, metric));
    }
    row.push_back(value_of(model["global_performance"], c, metric));
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
