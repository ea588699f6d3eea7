#pragma once
// How channel-long warehouse data (SPEC §3, `--format long`) is pivoted to the wide table the
// model reads: one row per date × channel × geo × product becomes one spend column per
// composite key CHANNEL_GEO_PRODUCT at the chosen grain. The loader is channel_long_loader.hpp.

#include <string>

namespace mmm {

/// The default minimum total spend of a composite key (SPEC §3): keys under it are dropped.
constexpr double kDefaultMinSpend = 1000.0;

/// How REVENUE rows add up to the KPI of a date.
enum class LongRevenue {
  /// Not said: each row's own revenue, summed, unless every (date, geo, product) repeats one
  /// value on all its channel rows, which is then an error asking which it is.
  Unspecified,
  Row,     ///< each row's own revenue (attributed per channel): the KPI is the sum of all rows
  Market,  ///< the (date, geo, product)'s revenue repeated on each channel row: counted once
};

struct ChannelLongOptions {
  /// "GLOBAL" (all geos summed into one key part `GLOBAL`) or "GEO" (a key per geo).
  std::string geo_level = "GLOBAL";
  /// "PRODUCT" (a key per product) or "GLOBAL" (all products summed into the key part `ALL`).
  std::string product_level = "PRODUCT";
  /// Keys whose total spend over all dates is below this are dropped (found automatically).
  double min_spend = kDefaultMinSpend;
  LongRevenue revenue = LongRevenue::Unspecified;
};

/// "row" or "market" → the setting; InputError naming `source` otherwise.
LongRevenue parse_long_revenue(const std::string& text, const std::string& source);

/// The input table's shape: a row per period, or channel-long rows to pivot.
enum class InputFormat { Wide, Long };

/// "wide" or "long" → the format; InputError naming `source` (a flag, a config key's place, a
/// Python option) otherwise. One rule for `--format`, `[data] format` and Python's `format`.
InputFormat parse_input_format(const std::string& text, const std::string& source);

}  // namespace mmm
