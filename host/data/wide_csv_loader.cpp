#include "host/data/wide_csv_loader.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "host/common/errors.hpp"
#include "host/data/cell_values.hpp"
#include "host/data/channel_detection.hpp"
#include "host/data/date_column.hpp"

namespace mmm {
namespace {

const std::vector<std::string> kDateCandidates = {"date", "week_start", "week",
                                                  "ds",   "time",       "date_week"};
const std::vector<std::string> kKpiCandidates = {"revenue", "kpi", "sales", "y", "conversions"};
// Long headers (hundreds of columns) would drown the one-line error; the start is enough.
constexpr std::size_t kMaxListedColumns = 40;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join(const std::vector<std::string>& items, std::size_t limit = SIZE_MAX) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > limit) out += ", … (" + std::to_string(items.size() - limit) + " more)";
  return out;
}

std::string columns_are(const CsvTable& t) {
  return "; columns are: " + join(t.header, kMaxListedColumns);
}

int find_exact(const CsvTable& t, const std::string& name) {
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    if (t.header[j] == name) return static_cast<int>(j);
  }
  return -1;
}

// Candidate order is priority order: a file with both `date` and `week` uses `date`.
int find_auto(const CsvTable& t, const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates) {
    for (std::size_t j = 0; j < t.header.size(); ++j) {
      if (lower(t.header[j]) == c) return static_cast<int>(j);
    }
  }
  return -1;
}

/// What channel auto-detection needs to know of a column, from one parsing pass (parsing
/// 17-digit numbers is what loading a long file costs).
struct ColumnScan {
  /// Most filled cells look like numbers (NaN/inf included): the column is spend. Such a
  /// column with a few bad cells is a channel with bad input — reading it reports the cell —
  /// not a text column to skip silently; mostly-text columns are skipped.
  bool mostly_numeric = false;
  bool all_zero = true;   ///< every filled cell is the number 0
  bool negative = false;  ///< some cell is a negative number
};

ColumnScan scan_column(const CsvTable& t, int col) {
  ColumnScan scan;
  std::size_t filled = 0, numeric = 0;
  for (const auto& row : t.rows) {
    double x = 0.0;
    const ParsedCell p = parse_number_cell(row[col], x);
    if (p == ParsedCell::kEmpty) continue;
    ++filled;
    if (p != ParsedCell::kNotNumber) ++numeric;
    scan.all_zero = scan.all_zero && p == ParsedCell::kOk && x == 0.0;
    scan.negative = scan.negative || (p == ParsedCell::kOk && x < 0.0);
  }
  scan.mostly_numeric = filled > 0 && 2 * numeric > filled;
  return scan;
}

// An auto-detection candidate as read before its role is known: empty cells 0 (counted), a
// negative value kept (it is what tells a control from spend), anything else bad an error.
Eigen::VectorXd read_candidate_column(const CsvTable& t, int col, long* empty_cells) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(t.rows.size()));
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    double x = 0.0;
    const ParsedCell p = parse_number_cell(t.rows[r][col], x);
    if (p == ParsedCell::kEmpty) {
      x = 0.0;
      ++*empty_cells;
    } else if (p != ParsedCell::kOk) {
      read_spend_column(t, col, empty_cells, true);  // throws the cell's error
    }
    v[static_cast<Eigen::Index>(r)] = x;
  }
  return v;
}

// The rows of the segment of the table's first row (all rows without segment columns), with
// their line numbers: one regular series of dates for the value rules of auto-detection.
CsvTable first_segment_rows(const CsvTable& t, const std::vector<std::string>& segments) {
  std::vector<int> cols;
  for (const std::string& name : segments) {
    const int j = find_exact(t, name);
    if (j >= 0) cols.push_back(j);
  }
  CsvTable out;
  out.path = t.path;
  out.header = t.header;
  out.header_line = t.header_line;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    bool same = true;
    for (int j : cols) same = same && t.rows[r][j] == t.rows[0][j];
    if (!same) continue;
    out.rows.push_back(t.rows[r]);
    out.line_numbers.push_back(t.line_numbers[r]);
  }
  return out;
}

// Gives each column at most one role, so a column cannot be both spend and control.
class Roles {
 public:
  explicit Roles(const CsvTable& t) : t_(t), roles_(t.header.size()) {}

  int claim(const std::string& name, const std::string& role, const std::string& flag) {
    const int j = find_exact(t_, name);
    if (j < 0)
      throw InputError(t_.path + ": no " + role + " column `" + name + "`" + columns_are(t_));
    claim_index(j, role, flag);
    return j;
  }

  void claim_index(int j, const std::string& role, const std::string& flag) {
    std::string& current = roles_[j];
    if (current == role) {
      throw InputError(t_.path + ": column `" + t_.header[j] + "` is listed twice in " + flag);
    }
    if (!current.empty()) {
      throw InputError(t_.path + ": column `" + t_.header[j] + "` is used as both the " + current +
                       " and a " + role + "; each column can have one role");
    }
    current = role;
  }

  bool free(int j) const { return roles_[j].empty(); }

 private:
  const CsvTable& t_;
  std::vector<std::string> roles_;
};

int resolve_key_column(const CsvTable& t, const std::string& named,
                       const std::vector<std::string>& candidates, const std::string& role,
                       const std::string& flag) {
  if (!named.empty()) {
    const int j = find_exact(t, named);
    if (j < 0)
      throw InputError(t.path + ": no " + role + " column `" + named + "`" + columns_are(t));
    return j;
  }
  const int j = find_auto(t, candidates);
  if (j < 0) {
    throw InputError(t.path + ": no " + role + " column found (looked for " + join(candidates) +
                     "); set " + flag + columns_are(t));
  }
  return j;
}

struct KeyColumns {
  int date;
  int kpi;
};

/// Finds (or checks) the date and KPI columns, gives them their roles, and says in `notices`
/// which of them were found automatically.
KeyColumns claim_key_columns(const CsvTable& t, const ColumnSelection& sel, Roles& roles,
                             std::vector<std::string>& notices) {
  const int date_col =
      resolve_key_column(t, sel.date_column, kDateCandidates, "date", "--date-col");
  roles.claim_index(date_col, "date", "--date-col");
  const int kpi_col = resolve_key_column(t, sel.kpi_column, kKpiCandidates, "KPI", "--kpi-col");
  roles.claim_index(kpi_col, "KPI", "--kpi-col");
  const std::string& date = t.header[date_col];
  const std::string& kpi = t.header[kpi_col];
  if (sel.date_column.empty() && sel.kpi_column.empty()) {
    notices.push_back("using date column `" + date + "` and KPI column `" + kpi +
                      "` (found automatically; set --date-col/--kpi-col to choose)");
  } else if (sel.date_column.empty()) {
    notices.push_back("using date column `" + date +
                      "` (found automatically; set --date-col to choose)");
  } else if (sel.kpi_column.empty()) {
    notices.push_back("using KPI column `" + kpi +
                      "` (found automatically; set --kpi-col to choose)");
  }
  return {date_col, kpi_col};
}

}  // namespace

Dataset build_dataset(const CsvTable& t, const ColumnSelection& sel) {
  Dataset ds;
  ds.source = t.path;
  Roles roles(t);

  const KeyColumns keys = claim_key_columns(t, sel, roles, ds.notices);
  const int date_col = keys.date, kpi_col = keys.kpi;
  ds.date_column = t.header[date_col];
  ds.kpi_column = t.header[kpi_col];

  for (const std::string& name : sel.segments) roles.claim(name, "segment", "--segments");
  std::vector<int> control_cols;
  for (const std::string& name : sel.controls) {
    control_cols.push_back(roles.claim(name, "control", "--controls"));
  }
  std::vector<int> channel_cols;
  // Spend columns already parsed to classify them (auto detection): values, empty cells.
  std::unordered_map<int, std::pair<Eigen::VectorXd, long>> parsed_spend;
  const bool auto_channels = sel.channels.empty();
  ds.dates = read_date_column(t, date_col, sel.date_format);
  if (!auto_channels) {
    for (const std::string& name : sel.channels) {
      channel_cols.push_back(roles.claim(name, "channel", "--channels"));
    }
  } else {
    std::vector<int> numeric;
    std::vector<std::string> numeric_names;
    for (std::size_t j = 0; j < t.header.size(); ++j) {
      const int c = static_cast<int>(j);
      if (!roles.free(c)) continue;
      if (t.header[j].empty()) {
        // Usually a pandas/R row index: numeric, but spending on "row 17" is not a channel.
        ds.notices.push_back("ignoring column " + std::to_string(j + 1) + ", which has no name");
        continue;
      }
      if (scan_column(t, c).mostly_numeric) {
        numeric.push_back(c);
        numeric_names.push_back(t.header[j]);
      } else {
        ds.notices.push_back("ignoring column `" + t.header[j] + "`: it is not numeric");
      }
    }
    // Event dummies, time indexes, controls by name and Robyn's exposure columns are not
    // spend (host/data/channel_detection.hpp); each decision is said.
    const bool spend_suffix = uses_spend_suffix(numeric_names);
    std::vector<std::string> auto_controls;
    for (int c : numeric) {
      long empty_cells = 0;
      Eigen::VectorXd values = read_candidate_column(t, c, &empty_cells);
      const ColumnDecision d = classify_column(t.header[c], values, ds.dates, spend_suffix);
      // Spend-looking but negative: a control the user did not name, or spend with a bad
      // cell; the error at its first negative cell says both.
      if (d.negative) read_spend_column(t, c, &empty_cells, true);
      if (d.role == ColumnRole::Spend) {
        channel_cols.push_back(c);
        parsed_spend.emplace(c, std::make_pair(std::move(values), empty_cells));
      } else if (d.role == ColumnRole::Control && sel.controls.empty()) {
        control_cols.push_back(c);
        auto_controls.push_back(t.header[c]);
        ds.notices.push_back("column `" + t.header[c] + "` is a control, not spend: " + d.reason);
      } else {
        ds.notices.push_back(
            "column `" + t.header[c] + "` is not used as spend: " + d.reason +
            (d.role == ColumnRole::Control ? " (add it to --controls to use it)" : ""));
      }
    }
    if (!auto_controls.empty()) {
      ds.notices.push_back("using controls " + join(auto_controls) +
                           " (found automatically; set --controls to choose)");
    }
  }

  ds.kpi = read_number_column(t, kpi_col, false, nullptr);

  const Eigen::Index rows = static_cast<Eigen::Index>(t.rows.size());
  std::vector<Eigen::VectorXd> spend_cols;
  std::vector<std::string> fill_details;
  for (int c : channel_cols) {
    long filled = 0;
    Eigen::VectorXd v;
    if (const auto it = parsed_spend.find(c); it != parsed_spend.end()) {
      v = std::move(it->second.first);
      filled = it->second.second;
    } else {
      v = read_spend_column(t, c, &filled, false);
    }
    if ((v.array() == 0.0).all() && !sel.allow_all_zero_channels) {
      if (!auto_channels) {
        throw InputError(t.path + ": channel `" + t.header[c] +
                         "` has zero spend in every period; remove it from --channels");
      }
      ds.notices.push_back("dropping channel `" + t.header[c] + "`: zero spend in every period");
      continue;
    }
    if (filled > 0) fill_details.push_back(t.header[c] + ": " + std::to_string(filled));
    ds.filled_missing_spend += filled;
    ds.channels.push_back(t.header[c]);
    spend_cols.push_back(std::move(v));
  }
  if (ds.channels.empty()) {
    throw InputError(t.path +
                     ": no spend columns found: every column other than the date, the KPI and "
                     "the controls is non-numeric or zero in every period; set --channels" +
                     columns_are(t));
  }
  if (auto_channels) {
    ds.notices.push_back("using channels " + join(ds.channels) +
                         " (found automatically; set --channels to choose)");
  }
  if (ds.filled_missing_spend > 0) {
    ds.notices.push_back("filled " + std::to_string(ds.filled_missing_spend) +
                         " empty spend cells with 0 (" + join(fill_details) + ")");
  }
  ds.spend.resize(rows, static_cast<Eigen::Index>(spend_cols.size()));
  for (std::size_t c = 0; c < spend_cols.size(); ++c) {
    ds.spend.col(static_cast<Eigen::Index>(c)) = spend_cols[c];
  }

  ds.control_values.resize(rows, static_cast<Eigen::Index>(control_cols.size()));
  std::vector<std::string> control_fills;
  for (std::size_t k = 0; k < control_cols.size(); ++k) {
    const int c = control_cols[k];
    long filled = 0;
    Eigen::VectorXd v = read_control_column(t, c, sel.missing_controls, &filled);
    if (filled > 0) control_fills.push_back(t.header[c] + ": " + std::to_string(filled));
    if (rows > 0 && (v.array() == v[0]).all()) {
      ds.notices.push_back("control `" + t.header[c] +
                           "` is constant; it carries no information and gets coefficient 0");
    }
    ds.controls.push_back(t.header[c]);
    ds.control_values.col(static_cast<Eigen::Index>(k)) = v;
  }
  if (!control_fills.empty()) {
    ds.notices.push_back("filled empty control cells by --missing-controls " +
                         missing_controls_name(sel.missing_controls) + " (" + join(control_fills) +
                         ")");
  }
  return ds;
}

ColumnSelection resolve_columns(const CsvTable& t, const ColumnSelection& sel,
                                std::vector<std::string>& notices) {
  ColumnSelection out = sel;
  Roles roles(t);
  const KeyColumns keys = claim_key_columns(t, sel, roles, notices);
  out.date_column = t.header[keys.date];
  out.kpi_column = t.header[keys.kpi];
  for (const std::string& name : sel.segments) roles.claim(name, "segment", "--segments");
  for (const std::string& name : sel.controls) roles.claim(name, "control", "--controls");
  if (!sel.channels.empty()) {
    for (const std::string& name : sel.channels) roles.claim(name, "channel", "--channels");
    return out;
  }
  std::vector<int> numeric;
  std::vector<std::string> numeric_names;
  std::vector<bool> negative;
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    const int c = static_cast<int>(j);
    if (!roles.free(c)) continue;
    if (t.header[j].empty()) {
      notices.push_back("ignoring column " + std::to_string(j + 1) + ", which has no name");
      continue;
    }
    // Bad cells are reported when the segments read the column.
    const ColumnScan scan = scan_column(t, c);
    if (!scan.mostly_numeric) {
      notices.push_back("ignoring column `" + t.header[j] + "`: it is not numeric");
      continue;
    }
    if (scan.all_zero) {
      notices.push_back("dropping channel `" + t.header[j] + "`: zero spend in every period");
      continue;
    }
    numeric.push_back(c);
    numeric_names.push_back(t.header[j]);
    negative.push_back(scan.negative);
  }
  // The single table's rules (host/data/channel_detection.hpp): controls by name, event
  // dummies, time indexes and exposure columns are not spend. Their value rules need one
  // series of regular dates, so they look at the first segment's rows.
  const CsvTable first = first_segment_rows(t, sel.segments);
  std::vector<Date> dates;
  try {
    dates = read_date_column(first, keys.date, sel.date_format);
  } catch (const InputError&) {
    // A bad date or segment cell is reported, with its segment's message, when the segments
    // are read; until then the day-of-year rule (the only one needing dates) is skipped.
  }
  const bool spend_suffix = uses_spend_suffix(numeric_names);
  std::vector<std::string> auto_controls;
  for (std::size_t i = 0; i < numeric.size(); ++i) {
    const int c = numeric[i];
    long empty_cells = 0;
    const ColumnDecision d = classify_column(
        t.header[c], read_candidate_column(first, c, &empty_cells), dates, spend_suffix);
    // Spend-looking but negative: the error at its first negative cell suggests --controls.
    if (d.negative || (d.role == ColumnRole::Spend && negative[i])) {
      long filled = 0;
      read_spend_column(t, c, &filled, true);
    }
    if (d.role == ColumnRole::Spend) {
      out.channels.push_back(t.header[c]);
    } else if (d.role == ColumnRole::Control && sel.controls.empty()) {
      out.controls.push_back(t.header[c]);
      auto_controls.push_back(t.header[c]);
      notices.push_back("column `" + t.header[c] + "` is a control, not spend: " + d.reason);
    } else {
      notices.push_back("column `" + t.header[c] + "` is not used as spend: " + d.reason +
                        (d.role == ColumnRole::Control ? " (add it to --controls to use it)" : ""));
    }
  }
  if (!auto_controls.empty()) {
    notices.push_back("using controls " + join(auto_controls) +
                      " (found automatically; set --controls to choose)");
  }
  if (out.channels.empty()) {
    throw InputError(t.path +
                     ": no spend columns found: every column other than the date, the KPI, the "
                     "segments and the controls is non-numeric or zero in every period; set "
                     "--channels" +
                     columns_are(t));
  }
  notices.push_back("using channels " + join(out.channels) +
                    " (found automatically; set --channels to choose)");
  return out;
}

Dataset load_wide_csv(const std::string& path, const ColumnSelection& selection) {
  return build_dataset(read_csv_file(path), selection);
}

}  // namespace mmm
