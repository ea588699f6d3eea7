#include "host/data/channel_long_loader.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "host/common/errors.hpp"
#include "host/data/cell_values.hpp"
#include "host/data/date_column.hpp"

namespace mmm {
namespace {

constexpr std::size_t kMaxListedColumns = 40;
const std::vector<std::string> kDateNames = {"date", "week_start", "week",
                                             "ds",   "time",       "date_week"};
const std::vector<std::string> kKpiNames = {"revenue", "kpi", "sales", "y", "conversions"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string join(const std::vector<std::string>& items, std::size_t limit = kMaxListedColumns) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += ", … (" + std::to_string(items.size() - limit) + " more)";
  return out;
}

std::string number_text(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);  // reads back as the same double
  return buf;
}

std::string short_number(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// The column named `named` exactly, else the first of `candidates` (any case); -1 if none.
int find_column(const CsvTable& t, const std::string& named,
                const std::vector<std::string>& candidates) {
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    if (!named.empty() && t.header[j] == named) return static_cast<int>(j);
  }
  if (!named.empty()) return -1;
  for (const std::string& c : candidates) {
    for (std::size_t j = 0; j < t.header.size(); ++j) {
      if (lower(t.header[j]) == c) return static_cast<int>(j);
    }
  }
  return -1;
}

int require_column(const CsvTable& t, const std::string& named,
                   const std::vector<std::string>& candidates, const std::string& role,
                   const std::string& flag) {
  const int j = find_column(t, named, candidates);
  if (j >= 0) return j;
  const std::string looked =
      named.empty() ? "looked for " + join(candidates) + ", any case" : "named by " + flag;
  throw InputError(t.path + ": no " + role + " column `" +
                   (named.empty() ? upper(candidates[0]) : named) + "` (" + looked +
                   "); channel-long data (--format long) has one row per date, channel, geo and "
                   "product with SPEND and REVENUE; columns are: " +
                   join(t.header));
}

struct LongColumns {
  int date = -1, kpi = -1, channel = -1, geo = -1, product = -1, spend = -1;
  std::vector<int> controls;
};

LongColumns find_columns(const CsvTable& t, const ColumnSelection& sel,
                         std::vector<std::string>& notices) {
  LongColumns c;
  c.date = require_column(t, sel.date_column, kDateNames, "date", "--date-col");
  c.kpi = require_column(t, sel.kpi_column, kKpiNames, "KPI", "--kpi-col");
  c.channel = require_column(t, "", {"channel", "channel_code"}, "channel", "");
  c.spend = require_column(t, "", {"spend"}, "spend", "");
  c.geo = find_column(t, "", {"geo", "geo_code"});
  c.product = find_column(t, "", {"product", "product_code"});
  for (const std::string& name : sel.controls) {
    const int j = find_column(t, name, {});
    if (j < 0) {
      throw InputError(t.path + ": no control column `" + name +
                       "`; columns are: " + join(t.header));
    }
    c.controls.push_back(j);
  }
  std::vector<int> used = {c.date, c.kpi, c.channel, c.spend, c.geo, c.product};
  used.insert(used.end(), c.controls.begin(), c.controls.end());
  std::vector<std::string> ignored;
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    bool in_use = false;
    for (int u : used) in_use = in_use || u == static_cast<int>(j);
    if (in_use) continue;
    ignored.push_back(t.header[j].empty() ? "column " + std::to_string(j + 1) : t.header[j]);
  }
  std::string msg = "channel-long data: date `" + t.header[c.date] + "`, channel `" +
                    t.header[c.channel] + "`, geo " +
                    (c.geo >= 0 ? "`" + t.header[c.geo] + "`" : "(none: GLOBAL)") + ", product " +
                    (c.product >= 0 ? "`" + t.header[c.product] + "`" : "(none: ALL)") +
                    ", spend `" + t.header[c.spend] + "`, KPI `" + t.header[c.kpi] + "`";
  if (!ignored.empty()) msg += "; ignoring " + join(ignored) + " (add controls with --controls)";
  notices.push_back(msg);
  return c;
}

// A CHANNEL, GEO or PRODUCT cell: the text of a key part.
const std::string& key_part(const CsvTable& t, std::size_t r, int col) {
  const std::string& v = t.rows[r][col];
  if (v.empty()) throw_cell_error(t, r, col, "a name (not empty)");
  if (v.size() > kMaxColumnNameBytes) {
    throw_cell_error(t, r, col,
                     "a name of at most " + std::to_string(kMaxColumnNameBytes) + " bytes");
  }
  return v;
}

bool level_is(const std::string& level, const std::vector<std::string>& names) {
  for (const std::string& n : names)
    if (upper(level) == n) return true;
  return false;
}

/// The rows of one (channel, geo, product) as found in the file.
struct Series {
  std::string channel, geo, product;
  int key = -1;              ///< composite key it adds into
  std::vector<long> row_at;  ///< per date index, the data row (-1: none)
};

/// One (date, geo, product): what REVENUE rows say about it.
struct Market {
  std::size_t first_row = 0;
  double revenue = 0.0;
  int rows = 0;
  long differing_row = -1;  ///< first row whose revenue differs from first_row's
};

void check_long_options(const ChannelLongOptions& lo) {
  if (!level_is(lo.geo_level, {"GEO", "GLOBAL"})) {
    throw InputError("invalid --geo-level `" + lo.geo_level +
                     "`; expected GLOBAL (one key part for all geos, summed) or GEO (a key per "
                     "geo)");
  }
  if (!level_is(lo.product_level, {"PRODUCT", "GLOBAL", "ALL"})) {
    throw InputError("invalid --product-level `" + lo.product_level +
                     "`; expected PRODUCT (a key per product) or GLOBAL (all products summed)");
  }
  if (!(lo.min_spend >= 0.0) || !std::isfinite(lo.min_spend)) {
    throw InputError("invalid --min-spend " + short_number(lo.min_spend) +
                     ": expected a finite total spend ≥ 0");
  }
}

/// The dates of the rows and the distinct dates they fall on, in date order.
struct DateAxis {
  std::vector<Date> row_dates;                          ///< per data row
  std::vector<std::size_t> date_rows;                   ///< per distinct date, its first row
  std::unordered_map<std::int64_t, std::size_t> index;  ///< days since epoch → date index
  std::size_t index_of(std::size_t row) const {
    return index.at(row_dates[row].days_since_epoch());
  }
};

// Rows may come in any order; the distinct dates must be evenly spaced, since adstock and the
// seasonality controls assume one period per row of the pivoted table.
DateAxis date_axis(const CsvTable& t, int date_col, const std::string& date_format) {
  DateAxis a;
  a.row_dates = parse_date_cells(t, date_col, date_format, false);
  std::map<std::int64_t, std::size_t> first_row_of_date;
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    first_row_of_date.emplace(a.row_dates[r].days_since_epoch(), r);
  for (const auto& [days, row] : first_row_of_date) {
    a.index.emplace(days, a.date_rows.size());
    a.date_rows.push_back(row);
  }
  const auto days_of = [&](std::size_t d) {
    return a.row_dates[a.date_rows[d]].days_since_epoch();
  };
  for (std::size_t d = 2; d < a.date_rows.size(); ++d) {
    const std::int64_t step = days_of(1) - days_of(0);
    const std::int64_t gap = days_of(d) - days_of(d - 1);
    if (gap != step) {
      throw_cell_error(t, a.date_rows[d], date_col,
                       "dates " + std::to_string(step) + " days apart, the spacing of the first " +
                           "two dates (this one is " + std::to_string(gap) + " days after " +
                           a.row_dates[a.date_rows[d - 1]].to_string() +
                           "; no date may be missing)");
    }
  }
  return a;
}

// The KPI of each date: its rows' revenue, summed, or each market's once (LongRevenue).
std::vector<double> kpi_per_date(const CsvTable& t, int kpi_col, const Eigen::VectorXd& revenue,
                                 const std::vector<Market>& markets, const DateAxis& axis,
                                 LongRevenue mode) {
  auto line_of = [&](std::size_t row) { return std::to_string(t.line_numbers[row]); };
  bool repeated = false, any_shared = false;
  const Market* example = nullptr;
  for (const Market& m : markets) {
    if (m.rows < 2) continue;
    any_shared = true;
    if (m.differing_row >= 0) {
      if (mode == LongRevenue::Market) {
        const std::size_t r = static_cast<std::size_t>(m.differing_row);
        throw_cell_error(t, r, kpi_col,
                         "the same revenue on every channel row of its date, geo and product "
                         "(--long-revenue market), as on line " +
                             line_of(m.first_row) + ": `" + t.rows[m.first_row][kpi_col] + "`");
      }
      repeated = false;
      example = nullptr;
      break;
    }
    if (m.revenue != 0.0) {
      repeated = true;
      if (!example) example = &m;
    }
  }
  if (mode == LongRevenue::Unspecified && any_shared && repeated && example) {
    throw_cell_error(
        t, example->first_row, kpi_col,
        "revenue per row; but every date, geo and product has the same " + t.header[kpi_col] +
            " on all its channel rows, so summing would count it once per channel: pass "
            "--long-revenue market if it is the market's revenue repeated on each row (counted "
            "once), or --long-revenue row if each row's revenue is its own (summed)");
  }
  std::vector<double> kpi(axis.date_rows.size(), 0.0);
  if (mode == LongRevenue::Market) {
    for (const Market& m : markets) kpi[axis.index_of(m.first_row)] += m.revenue;
  } else {
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      kpi[axis.index_of(r)] += revenue[static_cast<Eigen::Index>(r)];
    }
  }
  return kpi;
}

// A control has one value per date: the same on every row of the date (or empty there). Its
// text goes into the wide table's column `first_col + k`; a date without one is left empty
// for the --missing-controls policy, or is the error when that policy is `error`.
void fill_controls(const CsvTable& t, const std::vector<int>& controls, const DateAxis& axis,
                   MissingControls policy, std::size_t first_col, CsvTable& w) {
  auto line_of = [&](std::size_t row) { return std::to_string(t.line_numbers[row]); };
  const std::size_t D = axis.date_rows.size();
  for (std::size_t k = 0; k < controls.size(); ++k) {
    const int col = controls[k];
    std::vector<long> source(D, -1);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      double x = 0.0;
      const ParsedCell p = parse_number_cell(t.rows[r][col], x);
      if (p == ParsedCell::kEmpty) continue;
      if (p != ParsedCell::kOk) read_control_column(t, col, MissingControls::Zero, nullptr);
      const std::size_t d = axis.index_of(r);
      if (source[d] < 0) {
        source[d] = static_cast<long>(r);
        w.rows[d][first_col + k] = t.rows[r][col];
        continue;
      }
      const std::size_t first_row = static_cast<std::size_t>(source[d]);
      double first = 0.0;
      parse_number_cell(t.rows[first_row][col], first);
      if (x != first) {
        throw_cell_error(t, r, col,
                         "one value per date: line " + line_of(first_row) + " gives date " +
                             axis.row_dates[r].to_string() + " the value `" +
                             t.rows[first_row][col] + "`");
      }
    }
    for (std::size_t d = 0; d < D && policy == MissingControls::Error; ++d) {
      if (source[d] < 0) {
        throw_cell_error(t, axis.date_rows[d], col,
                         "a number on some row of date " +
                             axis.row_dates[axis.date_rows[d]].to_string() +
                             " (a control may be empty only with --missing-controls zero, ffill "
                             "or mean)");
      }
    }
  }
}

}  // namespace

PivotedTable pivot_channel_long(const CsvTable& t, const ColumnSelection& sel) {
  const ChannelLongOptions& lo = sel.long_options;
  check_long_options(lo);
  const bool per_geo = level_is(lo.geo_level, {"GEO"});
  const bool per_product = level_is(lo.product_level, {"PRODUCT"});
  PivotedTable out;
  const LongColumns c = find_columns(t, sel, out.notices);
  const DateAxis axis = date_axis(t, c.date, sel.date_format);
  const std::vector<Date>& row_dates = axis.row_dates;
  const std::vector<std::size_t>& date_rows = axis.date_rows;
  const std::size_t D = date_rows.size();
  auto line_of = [&](std::size_t row) { return std::to_string(t.line_numbers[row]); };
  long filled = 0;
  const Eigen::VectorXd spend = read_spend_column(t, c.spend, &filled, false);
  const Eigen::VectorXd revenue = read_number_column(t, c.kpi, false, nullptr);

  // Series (channel, geo, product) and composite keys, in order of first appearance.
  std::vector<Series> series;
  std::unordered_map<std::string, std::size_t> series_index;
  std::vector<std::string> keys;
  std::unordered_map<std::string, int> key_index;
  std::unordered_map<std::string, std::size_t> market_index;
  std::vector<Market> markets;  // in order of first row, so messages are deterministic
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& channel = key_part(t, r, c.channel);
    const std::string geo = c.geo >= 0 ? key_part(t, r, c.geo) : "GLOBAL";
    const std::string product = c.product >= 0 ? key_part(t, r, c.product) : "ALL";
    const std::string id = channel + '\x1f' + geo + '\x1f' + product;
    auto [it, inserted] = series_index.emplace(id, series.size());
    if (inserted) {
      Series s{channel, geo, product, -1, std::vector<long>(D, -1)};
      const std::string key =
          channel + "_" + (per_geo ? geo : "GLOBAL") + "_" + (per_product ? product : "ALL");
      auto [k, new_key] = key_index.emplace(key, static_cast<int>(keys.size()));
      if (new_key) {
        keys.push_back(key);
        out.codes.push_back({channel, per_geo ? geo : "GLOBAL", per_product ? product : "ALL"});
      }
      s.key = k->second;
      series.push_back(std::move(s));
    }
    const std::size_t d = axis.index_of(r);
    long& at = series[it->second].row_at[d];
    if (at >= 0) {
      throw_cell_error(t, r, c.date,
                       "one row per date, channel, geo and product: date " +
                           row_dates[r].to_string() + ", channel `" + channel + "`, geo `" + geo +
                           "`, product `" + product + "` is already on line " +
                           line_of(static_cast<std::size_t>(at)));
    }
    at = static_cast<long>(r);
    const auto mi =
        market_index.emplace(std::to_string(d) + '\x1f' + geo + '\x1f' + product, markets.size());
    if (mi.second) markets.emplace_back();
    Market& m = markets[mi.first->second];
    const double v = revenue[static_cast<Eigen::Index>(r)];
    if (m.rows++ == 0) {
      m.first_row = r;
      m.revenue = v;
    } else if (v != m.revenue && m.differing_row < 0) {
      m.differing_row = static_cast<long>(r);
    }
  }
  for (const Series& s : series) {
    for (std::size_t d = 0; d < D; ++d) {
      if (s.row_at[d] >= 0) continue;
      throw InputError(t.path + ": channel `" + s.channel + "`, geo `" + s.geo + "`, product `" +
                       s.product + "` has no row for date " + row_dates[date_rows[d]].to_string() +
                       " (that date's first row is " + row_word(t.path) + " " +
                       line_of(date_rows[d]) +
                       "); expected a row per date for every channel, geo and product: add one "
                       "with SPEND 0 for a period without spend");
    }
  }

  const std::vector<double> kpi = kpi_per_date(t, c.kpi, revenue, markets, axis, lo.revenue);

  // Spend per date and key, and each key's total.
  const std::size_t K = keys.size();
  std::vector<std::vector<double>> key_spend(K, std::vector<double>(D, 0.0));
  std::vector<double> totals(K, 0.0);
  for (const Series& s : series) {
    for (std::size_t d = 0; d < D; ++d) {
      const double x = spend[static_cast<Eigen::Index>(s.row_at[d])];
      key_spend[static_cast<std::size_t>(s.key)][d] += x;
      totals[static_cast<std::size_t>(s.key)] += x;
    }
  }
  for (std::size_t d = 0; d < D; ++d) {
    bool too_large = std::fabs(kpi[d]) > kMaxCellMagnitude;
    for (std::size_t k = 0; k < K; ++k)
      too_large = too_large || key_spend[k][d] > kMaxCellMagnitude;
    if (too_large) {
      throw InputError(t.path + ": the spend of a key or the " + t.header[c.kpi] + " of date " +
                       row_dates[date_rows[d]].to_string() +
                       " sums to more than 1e15; expected totals of magnitude at most 1e15");
    }
  }

  // Which keys become channels: the named ones, or those with enough spend.
  std::vector<std::size_t> kept;
  if (!sel.channels.empty()) {
    for (const std::string& name : sel.channels) {
      const auto it = key_index.find(name);
      if (it == key_index.end()) {
        throw InputError(t.path + ": no channel key `" + name +
                         "` (from --channels) in the channel-long data; keys are: " + join(keys));
      }
      kept.push_back(static_cast<std::size_t>(it->second));
    }
  } else {
    std::vector<std::string> dropped;
    for (std::size_t k = 0; k < K; ++k) {
      if (totals[k] > 0.0 && totals[k] >= lo.min_spend) {
        kept.push_back(k);
      } else {
        dropped.push_back(keys[k] + " (" + short_number(totals[k]) + ")");
      }
    }
    if (!dropped.empty()) {
      out.notices.push_back("dropping " + std::to_string(dropped.size()) +
                            " channel key(s) whose total spend is under --min-spend " +
                            short_number(lo.min_spend) + " (or 0): " + join(dropped));
    }
    if (kept.empty()) {
      throw InputError(t.path + ": every channel key's total spend is under --min-spend " +
                       short_number(lo.min_spend) + " (totals: " + join(dropped) +
                       "); lower --min-spend or name the keys with --channels");
    }
  }

  // The wide table: date, kept keys, controls, KPI; a row per date in date order.
  CsvTable& w = out.table;
  w.path = t.path;
  w.header_line = t.header_line;
  w.header.push_back(t.header[c.date]);
  std::vector<ChannelCode> codes;
  for (std::size_t k : kept) {
    w.header.push_back(keys[k]);
    codes.push_back(out.codes[k]);
    out.selection.channels.push_back(keys[k]);
  }
  out.codes = codes;
  for (int j : c.controls) w.header.push_back(t.header[j]);
  w.header.push_back(t.header[c.kpi]);
  for (std::size_t j = 1; j < w.header.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (w.header[i] == w.header[j]) {
        throw InputError(t.path + ": channel key `" + w.header[j] +
                         "` is also the name of a column; rename that column");
      }
    }
  }
  w.rows.assign(D, {});
  for (std::size_t d = 0; d < D; ++d) {
    std::vector<std::string>& row = w.rows[d];
    row.push_back(row_dates[date_rows[d]].to_string());
    for (std::size_t k : kept) row.push_back(number_text(key_spend[k][d]));
    row.resize(row.size() + c.controls.size());
    row.push_back(number_text(kpi[d]));
    w.line_numbers.push_back(t.line_numbers[date_rows[d]]);
  }
  fill_controls(t, c.controls, axis, sel.missing_controls, 1 + kept.size(), w);

  out.selection.date_column = t.header[c.date];
  out.selection.kpi_column = t.header[c.kpi];
  out.selection.controls = sel.controls;
  out.selection.missing_controls = sel.missing_controls;
  out.filled_spend = filled;
  out.notices.push_back("pivoted " + std::to_string(t.rows.size()) + " rows to " +
                        std::to_string(D) + " dates × " + std::to_string(kept.size()) +
                        " channel keys CHANNEL_GEO_PRODUCT (geo level " + upper(lo.geo_level) +
                        ", product level " + upper(lo.product_level) + "); KPI `" +
                        t.header[c.kpi] + "` " +
                        (lo.revenue == LongRevenue::Market ? "counted once per geo and product"
                                                           : "summed over the rows") +
                        " of each date");
  return out;
}

LongRevenue parse_long_revenue(const std::string& text, const std::string& source) {
  if (text == "row") return LongRevenue::Row;
  if (text == "market") return LongRevenue::Market;
  throw InputError("invalid " + source + " `" + text +
                   "`; expected row (each row's revenue, summed) or market (a geo and "
                   "product's revenue repeated on its channel rows, counted once)");
}

InputFormat parse_input_format(const std::string& text, const std::string& source) {
  if (text == "wide") return InputFormat::Wide;
  if (text == "long") return InputFormat::Long;
  throw InputError("invalid " + source + " `" + text + "`; expected wide or long");
}

}  // namespace mmm
