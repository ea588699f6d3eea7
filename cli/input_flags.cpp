#include "cli/input_flags.hpp"

#include "host/common/errors.hpp"
#include "host/data/channel_long.hpp"
#include "host/data/date_format.hpp"

namespace mmm::cli {

void add_input_flags(CLI::App& app, InputFlags& f) {
  f.date_format_opt = app.add_option(
      "--date-format", f.date_format,
      "how the date cells are written, e.g. %d/%m/%Y, %m/%d/%Y, %Y%m%d, %d.%m.%Y (%Y, %m, %d and "
      "literal characters; the whole cell must match; default ISO YYYY-MM-DD)");
  f.missing_controls_opt = app.add_option(
      "--missing-controls", f.missing_controls,
      "what an empty control cell means: error (default) | zero | ffill (the previous period's "
      "value) | mean (the column's mean); spend and KPI cells are not affected");
  f.format_opt = app.add_option(
      "--format", f.format,
      "wide (default: a row per period) | long (channel-long warehouse data: a row per date, "
      "channel, geo and product with SPEND and REVENUE, pivoted to keys CHANNEL_GEO_PRODUCT)");
  f.min_spend_opt = app.add_option(
      "--min-spend", f.min_spend,
      "with --format long: drop channel keys whose total spend is under this (default 1000)");
  f.geo_level_opt = app.add_option(
      "--geo-level", f.geo_level,
      "with --format long: GLOBAL (default: geos summed) | GEO (a channel key per geo)");
  f.product_level_opt = app.add_option(
      "--product-level", f.product_level,
      "with --format long: PRODUCT (default: a channel key per product) | GLOBAL (products "
      "summed)");
  f.long_revenue_opt = app.add_option(
      "--long-revenue", f.long_revenue,
      "with --format long: row (each row's REVENUE is its own: summed) | market (a geo and "
      "product's revenue repeated on its channel rows: counted once)");
}

void apply_input_flags(const InputFlags& f, ColumnSelection& c) {
  if (f.date_format_opt->count() > 0) c.date_format = f.date_format;
  if (!c.date_format.empty()) DateFormat::compile(c.date_format, "--date-format");
  if (f.missing_controls_opt->count() > 0) {
    c.missing_controls = parse_missing_controls(f.missing_controls, "--missing-controls");
  }
  if (f.format_opt->count() > 0) {
    c.channel_long = parse_input_format(f.format, "--format") == InputFormat::Long;
  }
  ChannelLongOptions& lo = c.long_options;
  if (f.min_spend_opt->count() > 0) lo.min_spend = f.min_spend;
  if (f.geo_level_opt->count() > 0) lo.geo_level = f.geo_level;
  if (f.product_level_opt->count() > 0) lo.product_level = f.product_level;
  if (f.long_revenue_opt->count() > 0) {
    lo.revenue = parse_long_revenue(f.long_revenue, "--long-revenue");
  }
  if (!c.channel_long) {
    for (const CLI::Option* opt :
         {f.min_spend_opt, f.geo_level_opt, f.product_level_opt, f.long_revenue_opt}) {
      if (opt->count() > 0) throw InputError(opt->get_name() + " needs --format long");
    }
    const ChannelLongOptions defaults;
    if (lo.min_spend != defaults.min_spend || lo.geo_level != defaults.geo_level ||
        lo.product_level != defaults.product_level || lo.revenue != defaults.revenue) {
      throw InputError(
          "config: [data] min_spend/geo_level/product_level/long_revenue need format = \"long\" "
          "(or --format long)");
    }
  }
}

}  // namespace mmm::cli
