#include "host/io/config_file.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "host/common/errors.hpp"
#include "host/common/input_file.hpp"
#include "host/common/thread_pool.hpp"
#include "host/data/channel_long.hpp"
#include "host/data/date_format.hpp"
#include "host/features/saturation.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {
namespace {

// toml++ 3.3 (Debian's) reaches __builtin_unreachable, i.e. undefined behaviour, when it asks
// whether a non-ASCII character is whitespace (is_non_ascii_horizontal_whitespace), and it
// asks that wherever its tokenizer, not TOML's grammar, puts the character: outside strings,
// but also after a quote it does not take as one (`0.1"x…`, `""="""…`), found one after the
// other by tests/fuzz/fuzz_config_toml. No scanner short of toml++'s own tokenizer predicts
// them all, so a config is ASCII: non-ASCII text goes in a basic string as a \uXXXX escape
// ("t\u00e9l\u00e9" for télé), which TOML defines and toml++ decodes without that path.
// Control characters other than tab, CR and LF are refused too (TOML allows none).
void refuse_non_ascii_and_control_bytes(const std::string& text, const std::string& path) {
  long line = 1, column = 0;
  for (const char c : text) {
    const unsigned char ch = static_cast<unsigned char>(c);
    ++column;
    if (ch == '\n') {
      ++line;
      column = 0;
      continue;
    }
    auto where = [&] { return path + ":" + std::to_string(line) + ":" + std::to_string(column); };
    if (ch >= 0x80) {
      throw InputError(where() +
                       ": a non-ASCII character; a config is ASCII: write non-ASCII text as "
                       "\\uXXXX escapes in a double-quoted string (\"t\\u00e9l\\u00e9\" for "
                       "t\u00e9l\u00e9)");
    }
    if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
      throw InputError(where() + ": a control character (byte " + std::to_string(ch) +
                       "); TOML allows only tab, CR and LF");
    }
  }
}

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

// A relative path in a config names a file beside the config, wherever the program is run
// from (a config and its data move together); an absolute one is kept.
std::string beside_config(const std::string& config_path, const std::string& value) {
  const std::filesystem::path p(value);
  if (value.empty() || p.is_absolute()) return value;
  const std::filesystem::path folder = std::filesystem::path(config_path).parent_path();
  return folder.empty() ? value : (folder / p).lexically_normal().string();
}

std::string where(const std::string& path, const toml::node& node, const std::string& key) {
  return path + ":" + std::to_string(node.source().begin.line) + ": `" + key + "`";
}

template <typename T>
T get(const std::string& path, const toml::node& node, const std::string& key,
      const char* expected) {
  // value<T>() converts true/false to 1/0; a number key takes only a number.
  if (node.is_boolean() && !std::is_same_v<T, bool>) {
    throw InputError(where(path, node, key) + ": value " +
                     (node.value_or(false) ? "true" : "false") + "; expected " + expected);
  }
  if constexpr (std::is_same_v<T, double>) {
    if (auto v = node.value<double>()) {
      if (!std::isfinite(*v)) {
        throw InputError(where(path, node, key) + ": value " + std::to_string(*v) +
                         " is not finite; expected " + expected);
      }
      return *v;
    }
  } else {
    if (auto v = node.value<T>()) return *v;
  }
  throw InputError(where(path, node, key) + ": expected " + expected);
}

// value<bool>() would accept 0/1; a boolean key takes only true or false.
bool get_bool(const std::string& path, const toml::node& node, const std::string& key) {
  if (const auto* b = node.as_boolean()) return b->get();
  throw InputError(where(path, node, key) + ": expected true or false");
}

// Integer keys are range-checked here: a silent wrap of 3e9 to a negative int is worse than an
// error.
std::int64_t get_int(const std::string& path, const toml::node& node, const std::string& key,
                     std::int64_t lo, std::int64_t hi) {
  const std::int64_t v = get<std::int64_t>(path, node, key, "an integer");
  if (v < lo || v > hi) {
    throw InputError(where(path, node, key) + ": value " + std::to_string(v) +
                     " is out of range; expected an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  }
  return v;
}

std::vector<std::string> strings(const std::string& path, const toml::node& node,
                                 const std::string& key) {
  const toml::array* arr = node.as_array();
  if (!arr) throw InputError(where(path, node, key) + ": expected an array of column names");
  std::vector<std::string> out;
  for (const auto& item : *arr)
    out.push_back(get<std::string>(path, item, key, "a column name (string)"));
  return out;
}

Interval interval(const std::string& path, const toml::node& node, const std::string& key) {
  const toml::array* arr = node.as_array();
  if (!arr || arr->size() != 2) throw InputError(where(path, node, key) + ": expected [lo, hi]");
  Interval iv{get<double>(path, (*arr)[0], key, "a number"),
              get<double>(path, (*arr)[1], key, "a number")};
  if (!(iv.lo <= iv.hi)) throw InputError(where(path, node, key) + ": expected lo ≤ hi");
  return iv;
}

const toml::table& section(const std::string& path, const toml::node& node,
                           const std::string& name) {
  const toml::table* t = node.as_table();
  if (!t) throw InputError(where(path, node, name) + ": expected a [" + name + "] table");
  return *t;
}

void read_channel_section(const std::string& path, const std::string& name, const toml::table& t,
                          ConfigFile& c) {
  ChannelBounds b;
  bool has_bounds = false;
  ChannelKindSpec spec;
  const toml::node* kind_node = nullptr;
  const toml::node* mu_node = nullptr;
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (key == "kind") {
      const std::string text = get<std::string>(path, v, key, "media, flow or stock");
      const auto kind = parse_channel_kind(text);
      if (!kind) {
        throw InputError(where(path, v, key) + ": value `" + text + "` in [channels." + name +
                         "]; expected media, flow or stock");
      }
      spec.kind = *kind;
      spec.origin = where(path, v, key);
      kind_node = &v;
      continue;
    }
    if (key == "mu") {
      spec.mu = get<double>(path, v, key, "a number > 0 (touches per unit per period)");
      if (!(spec.mu > 0.0) || !std::isfinite(spec.mu)) {
        throw InputError(where(path, v, key) + ": value " + std::to_string(spec.mu) +
                         " in [channels." + name + "]; expected a finite number > 0");
      }
      mu_node = &v;
      continue;
    }
    if (key == "saturation") {
      const std::string text = get<std::string>(path, v, key, "\"hill\" or \"logistic\"");
      const auto shape = parse_saturation(text);
      if (!shape) {
        throw InputError(where(path, v, key) + ": value `" + text + "` in [channels." + name +
                         "]; expected hill or logistic");
      }
      c.channel_saturation[name] = *shape;
      continue;
    }
    has_bounds = true;
    if (key == "theta") {
      b.theta = interval(path, v, key);
      if (b.theta.lo < 0 || b.theta.hi >= 1)
        throw InputError(where(path, v, key) + ": θ bounds must lie in [0, 1)");
    } else if (key == "alpha") {
      b.alpha = interval(path, v, key);
      if (b.alpha.lo <= 0) throw InputError(where(path, v, key) + ": α bounds must be > 0");
    } else if (key == "gamma") {
      b.gamma_fraction = interval(path, v, key);
      b.gamma_given = true;
      if (b.gamma_fraction.lo < 0)
        throw InputError(where(path, v, key) + ": γ fractions must be ≥ 0");
    } else {
      throw InputError(where(path, v, key) + ": unknown key in [channels." + name +
                       "]; expected kind, mu, theta, alpha, gamma or saturation");
    }
  }
  if (mu_node && spec.kind != ChannelKind::Stock) {
    throw InputError(where(path, *mu_node, "mu") + ": [channels." + name +
                     "] is not a stock channel; mu (touches per unit) needs kind = \"stock\"");
  }
  if (has_bounds && spec.kind != ChannelKind::Media) {
    throw InputError(where(path, *kind_node, "kind") + ": [channels." + name + "] is a " +
                     kind_name(spec.kind) +
                     " channel; theta/alpha/gamma bounds apply to media channels only");
  }
  if (has_bounds) c.bounds[name] = b;
  if (kind_node) c.kinds[name] = spec;
}

}  // namespace

ConfigFile read_config_file(const std::string& path) {
  ConfigFile c;
  require_regular_file(path, "config");
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read config `" + path + "`");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  refuse_non_ascii_and_control_bytes(text, path);
  toml::table root;
  try {
    root = toml::parse(text, std::string(path));
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    if (!src.begin)
      throw InputError("cannot read config `" + path + "`: " + std::string(e.description()));
    throw InputError(path + ":" + std::to_string(src.begin.line) + ":" +
                     std::to_string(src.begin.column) + ": " + std::string(e.description()));
  }
  for (const auto& [sk, sv] : root) {
    const std::string s(sk.str());
    if (s == "channels") {
      for (const auto& [ck, cv] : section(path, sv, s)) {
        read_channel_section(path, std::string(ck.str()),
                             section(path, cv, "channels." + std::string(ck.str())), c);
      }
      continue;
    }
    static const std::set<std::string> kSections = {"data", "model",      "search", "bootstrap",
                                                    "cv",   "allocation", "run",    "segments"};
    if (!kSections.count(s)) {
      throw InputError(where(path, sv, s) +
                       ": unknown section; expected one of data, model, search, "
                       "bootstrap, cv, allocation, run, segments, channels");
    }
    for (const auto& [kk, v] : section(path, sv, s)) {
      const std::string k(kk.str());
      const std::string key = s + "." + k;
      if (key == "data.path")
        c.data_path = beside_config(path, get<std::string>(path, v, key, "a file path (string)"));
      else if (key == "data.date_col")
        c.date_col = get<std::string>(path, v, key, "a column name");
      else if (key == "data.kpi_col")
        c.kpi_col = get<std::string>(path, v, key, "a column name");
      else if (key == "data.channels")
        c.channels = strings(path, v, key);
      else if (key == "data.controls")
        c.controls = strings(path, v, key);
      else if (key == "data.date_format") {
        c.date_format = get<std::string>(path, v, key, "a date format such as %d/%m/%Y");
        DateFormat::compile(*c.date_format, where(path, v, key));
      } else if (key == "data.missing_controls")
        c.missing_controls = parse_missing_controls(
            get<std::string>(path, v, key, "error, zero, ffill or mean"), where(path, v, key));
      else if (key == "data.format") {
        c.format =
            parse_input_format(get<std::string>(path, v, key, "wide or long"), where(path, v, key));
      } else if (key == "data.min_spend") {
        const double x = get<double>(path, v, key, "a total spend ≥ 0");
        if (!(x >= 0)) throw InputError(where(path, v, key) + ": expected a total spend ≥ 0");
        c.min_spend = x;
      } else if (key == "data.geo_level")
        c.geo_level = get<std::string>(path, v, key, "GLOBAL or GEO");
      else if (key == "data.product_level")
        c.product_level = get<std::string>(path, v, key, "PRODUCT or GLOBAL");
      else if (key == "data.long_revenue")
        c.long_revenue = parse_long_revenue(get<std::string>(path, v, key, "row or market"),
                                            where(path, v, key));
      else if (key == "model.revenue_per_kpi")
        c.revenue_per_kpi = get<double>(path, v, key, "money per unit of the KPI");
      else if (key == "model.deseasonalize")
        c.deseasonalize = get_bool(path, v, key);
      else if (key == "allocation.conservative")
        c.conservative = get_bool(path, v, key);
      else if (key == "model.ridge_lambda") {
        if (v.is_string()) {
          const std::string text = get<std::string>(path, v, key, "a number > 0 or \"auto\"");
          if (text != "auto")
            throw InputError(where(path, v, key) + ": expected a number > 0 or \"auto\"");
          c.ridge_lambda_auto = true;
        } else {
          c.ridge_lambda = get<double>(path, v, key, "a number > 0 or \"auto\"");
        }
      } else if (key == "model.saturation") {
        const std::string text =
            get<std::string>(path, v, key, "\"hill\", \"logistic\" or \"auto\"");
        if (text != "auto" && !parse_saturation(text)) {
          throw InputError(where(path, v, key) + ": value `" + text +
                           "`; expected hill, logistic or auto");
        }
        c.saturation = text;
      } else if (key == "model.lambda_grid") {
        const toml::array* arr = v.as_array();
        if (!arr || arr->empty())
          throw InputError(where(path, v, key) + ": expected an array of numbers > 0");
        c.lambda_grid.emplace();
        for (const auto& item : *arr)
          c.lambda_grid->push_back(get<double>(path, item, key, "a number > 0"));
      } else if (key == "search.evaluations" || key == "search.budget")
        c.evaluations = get_int(path, v, key, 1, std::numeric_limits<std::int64_t>::max());
      else if (key == "search.population")
        c.population = static_cast<int>(get_int(path, v, key, 4, kMaxInt));
      else if (key == "search.seed")
        c.seed = static_cast<std::uint64_t>(
            get_int(path, v, key, 0, std::numeric_limits<std::int64_t>::max()));
      else if (key == "bootstrap.resamples")
        c.resamples = static_cast<int>(get_int(path, v, key, 0, kMaxInt));
      else if (key == "bootstrap.nested_evaluations" || key == "bootstrap.nested_budget")
        c.nested_evaluations = get_int(path, v, key, 0, std::numeric_limits<std::int64_t>::max());
      else if (key == "bootstrap.block_length")
        c.block_length = static_cast<int>(get_int(path, v, key, 1, kMaxInt));
      else if (key == "bootstrap.ci")
        c.ci = get<double>(path, v, key, "a level in (0, 1)");
      else if (key == "cv.train")
        c.cv_train = static_cast<int>(get_int(path, v, key, 1, kMaxCvWindowRows));
      else if (key == "cv.test")
        c.cv_test = static_cast<int>(get_int(path, v, key, 1, kMaxCvWindowRows));
      else if (key == "cv.step")
        c.cv_step = static_cast<int>(get_int(path, v, key, 1, kMaxCvWindowRows));
      else if (key == "allocation.budget_change_limit")
        c.budget_change_limit = get<double>(path, v, key, "a fraction");
      else if (key == "run.out")
        c.out = beside_config(path, get<std::string>(path, v, key, "a folder path (string)"));
      else if (key == "run.device")
        c.device = get<std::string>(path, v, key, "auto, cpu, cuda or cuda:N");
      else if (key == "segments.columns")
        c.segment_columns = strings(path, v, key);
      else if (key == "segments.global_channels")
        c.global_channels = strings(path, v, key);
      else if (key == "segments.per_segment_hyperparameters")
        c.per_segment_hyperparameters = get_bool(path, v, key);
      else if (key == "segments.segment_budget")
        c.segment_budget = get_int(path, v, key, 1, std::numeric_limits<std::int64_t>::max());
      else if (key == "segments.gamma")
        c.segment_gamma = get<std::string>(path, v, key, "\"shared\" or \"scaled\"");
      else if (key == "segments.segment_shrinkage")
        c.segment_shrinkage = get<double>(path, v, key, "a number ≥ 0");
      else if (key == "segments.pooling")
        c.pooling = get<std::string>(path, v, key, "none, complete or partial");
      else if (key == "segments.lambda_global" || key == "segments.lambda_segment") {
        const double x = get<double>(path, v, key, "a number > 0");
        if (!(x > 0)) throw InputError(where(path, v, key) + ": expected a number > 0");
        (k == "lambda_global" ? c.lambda_global : c.lambda_segment) = x;
      } else if (key == "run.threads")
        c.threads = static_cast<int>(get_int(path, v, key, 0, kMaxThreads));
      else
        throw InputError(where(path, v, key) + ": unknown key");
    }
  }
  return c;
}

}  // namespace mmm
