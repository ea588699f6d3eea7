#include "host/io/sweep_files.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "host/common/errors.hpp"
#include "host/common/input_file.hpp"
#include "host/data/csv_table.hpp"
#include "host/io/json_file.hpp"

namespace mmm {

nlohmann::json sweep_state_json(const SweepCheckpoint& cp, const SweepStateRun& run) {
  nlohmann::json bounds = nlohmann::json::array();
  for (size_t c = 0; c < cp.bounds.size(); ++c) {
    const ChannelBounds& b = cp.bounds[c];
    bounds.push_back({{"channel", cp.channels[c]},
                      {"theta", {b.theta.lo, b.theta.hi}},
                      {"alpha", {b.alpha.lo, b.alpha.hi}},
                      {"gamma", {b.gamma_fraction.lo, b.gamma_fraction.hi}}});
  }
  nlohmann::json min_loss = nlohmann::json::array();
  for (double v : cp.summary.min_loss) {
    min_loss.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
  }
  // Exact sums (LossSum::hex), so a resumed sweep continues them bit for bit.
  nlohmann::json sum_loss = nlohmann::json::array();
  for (const LossSum& v : cp.summary.sum_loss) sum_loss.push_back(v.hex());
  return {{"format", "mmm sweep state"},
          {"version", 2},
          {"design", cp.design},
          {"seed", cp.seed},
          {"n", cp.n},
          {"grid_points", cp.grid_points},
          {"top", cp.top},
          {"ridge_lambda", cp.ridge_lambda},
          {"data",
           {{"path", run.data_path},
            {"fingerprint", cp.data_fingerprint},
            {"rows", run.rows},
            {"channels", cp.channels},
            {"controls", cp.controls}}},
          {"bounds", bounds},
          {"all", cp.all},
          {"next_index", cp.next_index},
          {"complete", run.complete},
          {"failed", cp.failed},
          {"seconds", cp.seconds},
          {"summary",
           {{"bins", cp.summary.bins},
            {"count", cp.summary.count},
            {"min_loss", min_loss},
            {"sum_loss", sum_loss}}},
          {"backend", run.backend}};
}

namespace {

constexpr const char* kParameterNames[3] = {"theta", "alpha", "gamma"};

// Integers (and vectors of them) go through json_integer: the fuzzer's 4.3e25 in
// summary.count reached get<std::int64_t>() before.
template <typename T>
struct IsIntegerVector : std::false_type {};
template <typename T>
struct IsIntegerVector<std::vector<T>> : std::is_integral<T> {};

template <typename T>
T json_get(const nlohmann::json& j, const std::string& key, const std::string& source) {
  const auto malformed = [&] {
    return InputError(source + ": missing or malformed `" + key + "`");
  };
  try {
    const nlohmann::json& v = j.at(key);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      T out{};
      if (!json_integer(v, out)) throw malformed();
      return out;
    } else if constexpr (IsIntegerVector<T>::value) {
      if (!v.is_array()) throw malformed();
      T out(v.size());
      for (size_t i = 0; i < v.size(); ++i)
        if (!json_integer(v[i], out[i])) throw malformed();
      return out;
    } else {
      return v.get<T>();
    }
  } catch (const nlohmann::json::exception&) {
    throw malformed();
  }
}

Interval interval_at(const nlohmann::json& j, const std::string& key, const std::string& source) {
  const auto v = json_get<std::vector<double>>(j, key, source);
  if (v.size() != 2) throw InputError(source + ": `" + key + "` must be [lo, hi]");
  return {v[0], v[1]};
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty() || text.find_first_of("xX") != std::string::npos) return false;  // no hex
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(out);
}

bool parse_index(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text.c_str(), &end, 10);
  return end == text.c_str() + text.size() && errno == 0;
}

int column_of(const CsvTable& t, const std::string& name, const std::string& why) {
  for (size_t j = 0; j < t.header.size(); ++j) {
    if (t.header[j] == name) return static_cast<int>(j);
  }
  throw InputError(t.path + ":" + std::to_string(t.header_line) + ": no column `" + name + "`" +
                   why);
}

double number_cell(const CsvTable& t, size_t row, int col, const std::string& expected) {
  double v = 0;
  const std::string& text = t.rows[row][col];
  if (!parse_double(text, v)) {
    throw InputError(
        cell_error_message(t.path, t.line_numbers[row], col + 1, t.header[col], text, expected));
  }
  return v;
}

}  // namespace

SweepCheckpoint read_sweep_checkpoint(const std::string& dir) {
  const std::string state_path = dir + "/sweep_state.json";
  require_regular_file(state_path, "sweep state");
  std::ifstream in(state_path);
  if (!in) {
    throw InputError("cannot --resume: no `" + state_path +
                     "` (run the sweep without --resume first)");
  }
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = parse_json_text(text.str(), state_path);
  SweepCheckpoint cp;
  cp.source = state_path;
  if (!j.is_object() || j.value("format", "") != "mmm sweep state") {
    throw InputError(state_path + ": not an mmm sweep state file");
  }
  cp.design = json_get<std::string>(j, "design", state_path);
  cp.seed = json_get<std::uint64_t>(j, "seed", state_path);
  cp.n = json_get<std::uint64_t>(j, "n", state_path);
  cp.grid_points = json_get<int>(j, "grid_points", state_path);
  cp.top = json_get<long>(j, "top", state_path);
  cp.ridge_lambda = json_get<double>(j, "ridge_lambda", state_path);
  const nlohmann::json data = j.value("data", nlohmann::json::object());
  cp.data_fingerprint = json_get<std::string>(data, "fingerprint", state_path);
  cp.channels = json_get<std::vector<std::string>>(data, "channels", state_path);
  cp.controls = json_get<std::vector<std::string>>(data, "controls", state_path);
  for (const auto& b : j.value("bounds", nlohmann::json::array())) {
    cp.bounds.push_back({interval_at(b, "theta", state_path), interval_at(b, "alpha", state_path),
                         interval_at(b, "gamma", state_path)});
  }
  cp.all = j.value("all", false);
  cp.next_index = json_get<std::uint64_t>(j, "next_index", state_path);
  cp.failed = json_get<std::uint64_t>(j, "failed", state_path);
  cp.seconds = json_get<double>(j, "seconds", state_path);
  const nlohmann::json s = j.value("summary", nlohmann::json::object());
  cp.summary.channels = static_cast<int>(cp.channels.size());
  cp.summary.bins = json_get<int>(s, "bins", state_path);
  cp.summary.count = json_get<std::vector<std::int64_t>>(s, "count", state_path);
  // Version 2 writes each sum exactly as hex; version 1 wrote doubles (read as the nearest sum).
  for (const auto& v : s.value("sum_loss", nlohmann::json::array())) {
    if (v.is_number()) {
      cp.summary.sum_loss.push_back(LossSum::from_value(v.get<double>()));
      continue;
    }
    try {
      cp.summary.sum_loss.push_back(LossSum::from_hex(v.is_string() ? v.get<std::string>() : ""));
    } catch (const std::invalid_argument&) {
      throw InputError(state_path + ": `summary.sum_loss` holds " + v.dump() +
                       "; expected numbers or 32-hex-digit strings");
    }
  }
  for (const auto& v : s.value("min_loss", nlohmann::json::array())) {
    cp.summary.min_loss.push_back(v.is_number() ? v.get<double>()
                                                : std::numeric_limits<double>::infinity());
  }
  const size_t cells = static_cast<size_t>(cp.summary.channels) * 3 * std::max(cp.summary.bins, 0);
  if (cp.summary.count.size() != cells || cp.summary.sum_loss.size() != cells ||
      cp.summary.min_loss.size() != cells) {
    throw InputError(state_path + ": `summary` arrays do not match channels × 3 × bins");
  }

  // A sweep stopped before its first chunk (or whose every fit failed) has a header-only top
  // file, which the CSV reader rightly rejects as data; here it just means an empty top-K.
  const std::string top_path = dir + "/sweep_top.csv";
  require_regular_file(top_path, "sweep top file");
  std::ifstream top_in(top_path, std::ios::binary);
  if (!top_in) throw InputError("cannot --resume: no `" + top_path + "`");
  std::stringstream top_text;
  top_text << top_in.rdbuf();
  const std::string body = top_text.str();
  const size_t eol = body.find('\n');
  if (eol == std::string::npos || body.find_first_not_of("\r\n", eol) == std::string::npos) {
    return cp;
  }
  const CsvTable t = parse_csv_text(body, top_path);
  const int ci = column_of(t, "index", ""), cl = column_of(t, "loss", "");
  // A candidate appears at most once in a top-K; a repeated index (an edited or concatenated
  // file) would otherwise enter the resumed top-K twice.
  std::map<std::uint64_t, long> line_of;
  for (size_t row = 0; row < t.rows.size(); ++row) {
    std::uint64_t index = 0;
    if (!parse_index(t.rows[row][ci], index)) {
      throw InputError(cell_error_message(t.path, t.line_numbers[row], ci + 1, "index",
                                          t.rows[row][ci], "a candidate index ≥ 0"));
    }
    const auto [it, fresh] = line_of.emplace(index, static_cast<long>(t.line_numbers[row]));
    if (!fresh) {
      throw InputError(cell_error_message(
          t.path, t.line_numbers[row], ci + 1, "index", t.rows[row][ci],
          "a candidate index not already on line " + std::to_string(it->second)));
    }
    cp.top_indices.push_back(index);
    cp.top_losses.push_back(number_cell(t, row, cl, "a finite loss"));
  }
  return cp;
}

std::vector<std::vector<ChannelHyper>> read_sweep_top(const std::string& path,
                                                      const std::vector<std::string>& channels,
                                                      int max_rows) {
  const CsvTable t = read_csv_file(path);
  // The file's channels are the prefixes of its `_theta` columns; they must be the data's.
  for (const auto& h : t.header) {
    const std::string suffix = "_theta";
    if (h.size() <= suffix.size() || h.compare(h.size() - suffix.size(), suffix.size(), suffix))
      continue;
    const std::string name = h.substr(0, h.size() - suffix.size());
    bool known = false;
    for (const auto& c : channels) known = known || c == name;
    if (!known) {
      throw InputError(path + ":" + std::to_string(t.header_line) + ": channel `" + name +
                       "` of the sweep is not a channel of the data; run the sweep on the same "
                       "data and --channels");
    }
  }
  const std::string why = " (the sweep's channels must match the data's)";
  std::vector<int> cols;
  for (const auto& c : channels) {
    for (const char* p : kParameterNames) cols.push_back(column_of(t, c + "_" + p, why));
  }
  std::vector<std::vector<ChannelHyper>> out;
  for (size_t row = 0; row < t.rows.size() && static_cast<int>(out.size()) < max_rows; ++row) {
    std::vector<ChannelHyper> hyper(channels.size());
    for (size_t c = 0; c < channels.size(); ++c) {
      hyper[c].theta = number_cell(t, row, cols[3 * c], "theta in [0, 1)");
      hyper[c].alpha = number_cell(t, row, cols[3 * c + 1], "alpha > 0");
      hyper[c].gamma = number_cell(t, row, cols[3 * c + 2], "gamma > 0 (spend units)");
      if (!(hyper[c].theta >= 0 && hyper[c].theta < 1)) {
        throw InputError(cell_error_message(t.path, t.line_numbers[row], cols[3 * c] + 1,
                                            t.header[cols[3 * c]], t.rows[row][cols[3 * c]],
                                            "theta in [0, 1)"));
      }
      if (!(hyper[c].alpha > 0)) {
        throw InputError(cell_error_message(t.path, t.line_numbers[row], cols[3 * c + 1] + 1,
                                            t.header[cols[3 * c + 1]], t.rows[row][cols[3 * c + 1]],
                                            "alpha > 0"));
      }
      if (!(hyper[c].gamma > 0)) {
        throw InputError(cell_error_message(t.path, t.line_numbers[row], cols[3 * c + 2] + 1,
                                            t.header[cols[3 * c + 2]], t.rows[row][cols[3 * c + 2]],
                                            "gamma > 0 (spend units)"));
      }
    }
    out.push_back(std::move(hyper));
  }
  return out;
}

}  // namespace mmm
