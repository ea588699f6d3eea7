// Channel-long warehouse data (host/data/channel_long_loader.hpp, SPEC §3 `--format long`):
// composite keys at the chosen grain, revenue and spend added up per date, the minimum-spend
// filter, and every error naming file, line, column and value.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/common/errors.hpp"
#include "host/data/channel_long_loader.hpp"
#include "host/data/input_loader.hpp"

namespace mmm {
namespace {

// Lines: header 1; two dates × channels tv, search × geos US, UK; product shoes.
const char* const kLong =
    "DATE,CHANNEL,GEO,PRODUCT,SPEND,IMPRESSIONS,REVENUE\n"
    "2021-01-04,tv,US,shoes,1000,50,300\n"
    "2021-01-04,tv,UK,shoes,500,20,200\n"
    "2021-01-04,search,US,shoes,700,90,150\n"
    "2021-01-04,search,UK,shoes,300,40,50\n"
    "2021-01-11,tv,US,shoes,1100,50,310\n"
    "2021-01-11,tv,UK,shoes,400,20,190\n"
    "2021-01-11,search,US,shoes,800,90,160\n"
    "2021-01-11,search,UK,shoes,200,40,40\n";

CsvTable table(const std::string& text) { return parse_csv_text(text, "w.csv"); }

ColumnSelection long_selection() {
  ColumnSelection s;
  s.channel_long = true;
  s.long_options.revenue = LongRevenue::Row;
  return s;
}

std::string error_of(const std::string& text, const ColumnSelection& sel) {
  try {
    pivot_channel_long(table(text), sel);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

void expect_contains(const std::string& msg, const std::vector<std::string>& pieces) {
  for (const std::string& p : pieces) {
    EXPECT_NE(msg.find(p), std::string::npos) << "`" << p << "` missing from: " << msg;
  }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(ChannelLongLoader, GlobalGeoSumsTheGeosIntoOneKeyPerChannelAndProduct) {
  const CsvTable t = table(kLong);
  ColumnSelection sel = long_selection();
  sel.long_options.min_spend = 0;
  const Dataset d = load_input("w.csv", &t, sel);
  ASSERT_EQ(d.channels, (std::vector<std::string>{"tv_GLOBAL_shoes", "search_GLOBAL_shoes"}));
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.spend(0, 0), 1500);
  EXPECT_EQ(d.spend(1, 0), 1500);
  EXPECT_EQ(d.spend(0, 1), 1000);
  EXPECT_EQ(d.spend(1, 1), 1000);
  EXPECT_EQ(d.kpi[0], 700);  // every row's revenue, summed
  EXPECT_EQ(d.kpi[1], 700);
  EXPECT_EQ(d.dates[1].to_string(), "2021-01-11");
  ASSERT_EQ(d.channel_codes.size(), 2u);
  EXPECT_EQ(d.channel_codes[1].channel, "search");
  EXPECT_EQ(d.channel_codes[1].geo, "GLOBAL");
  EXPECT_EQ(d.channel_codes[1].product, "shoes");
  bool ignored = false;
  for (const std::string& n : d.notices)
    ignored = ignored || n.find("ignoring IMPRESSIONS") != std::string::npos;
  EXPECT_TRUE(ignored);
}

TEST(ChannelLongLoader, GeoLevelKeepsAKeyPerGeoAndProductLevelCanSum) {
  const CsvTable t = table(kLong);
  ColumnSelection sel = long_selection();
  sel.long_options.min_spend = 0;
  sel.long_options.geo_level = "GEO";
  sel.long_options.product_level = "GLOBAL";
  const Dataset d = load_input("w.csv", &t, sel);
  EXPECT_EQ(d.channels,
            (std::vector<std::string>{"tv_US_ALL", "tv_UK_ALL", "search_US_ALL", "search_UK_ALL"}));
  EXPECT_EQ(d.spend(1, 1), 400);
  EXPECT_EQ(d.channel_codes[1].geo, "UK");
  EXPECT_EQ(d.channel_codes[1].product, "ALL");
}

TEST(ChannelLongLoader, MinimumSpendDropsKeysAndSaysWhich) {
  const CsvTable t = table(kLong);
  ColumnSelection sel = long_selection();
  sel.long_options.geo_level = "GEO";
  sel.long_options.min_spend = 1000;  // search_UK has 500 in all, tv_UK 900
  const Dataset d = load_input("w.csv", &t, sel);
  EXPECT_EQ(d.channels, (std::vector<std::string>{"tv_US_shoes", "search_US_shoes"}));
  bool said = false;
  for (const std::string& n : d.notices) {
    said = said || (n.find("tv_UK_shoes (900)") != std::string::npos &&
                    n.find("search_UK_shoes (500)") != std::string::npos &&
                    n.find("--min-spend 1000") != std::string::npos);
  }
  EXPECT_TRUE(said);
  // The KPI is still the whole market's.
  EXPECT_EQ(d.kpi[0], 700);
  sel.long_options.min_spend = 1e9;
  expect_contains(error_of(kLong, sel), {"w.csv", "under --min-spend 1e+09", "--channels"});
  // Named keys are kept whatever their spend.
  sel.channels = {"search_UK_shoes"};
  const Dataset named = load_input("w.csv", &t, sel);
  EXPECT_EQ(named.channels, std::vector<std::string>{"search_UK_shoes"});
  sel.channels = {"radio_GLOBAL_shoes"};
  expect_contains(error_of(kLong, sel), {"no channel key `radio_GLOBAL_shoes`", "tv_US_shoes"});
}

TEST(ChannelLongLoader, RepeatedMarketRevenueIsAskedAboutThenCountedOnce) {
  // The market's revenue (per date, geo, product) on each of its channel rows.
  const std::string repeated =
      "date,channel,geo,product,spend,revenue\n"
      "2021-01-04,tv,US,p,1000,500\n"
      "2021-01-04,search,US,p,700,500\n"
      "2021-01-11,tv,US,p,1100,520\n"
      "2021-01-11,search,US,p,800,520\n";
  ColumnSelection sel;
  sel.channel_long = true;
  sel.long_options.min_spend = 0;
  expect_contains(error_of(repeated, sel), {"w.csv:2:6", "(column `revenue`)", "value `500`",
                                            "--long-revenue market", "--long-revenue row"});
  sel.long_options.revenue = LongRevenue::Market;
  const CsvTable t = table(repeated);
  const Dataset d = load_input("w.csv", &t, sel);
  EXPECT_EQ(d.kpi[0], 500);
  EXPECT_EQ(d.kpi[1], 520);
  sel.long_options.revenue = LongRevenue::Row;
  EXPECT_EQ(load_input("w.csv", &t, sel).kpi[0], 1000);
  // Market revenue must then agree on the rows of a market.
  sel.long_options.revenue = LongRevenue::Market;
  expect_contains(error_of(replaced(repeated, "700,500", "700,501"), sel),
                  {"w.csv:3:6", "value `501`", "as on line 2: `500`"});
}

TEST(ChannelLongLoader, ErrorsNameFileLineColumnAndValue) {
  const ColumnSelection sel = long_selection();
  expect_contains(error_of(replaced(kLong, "700,90", "abc,90"), sel),
                  {"w.csv:4:5", "(column `SPEND`)", "value `abc`", "expected a number"});
  expect_contains(error_of(replaced(kLong, "700,90", "-7,90"), sel),
                  {"w.csv:4:5", "value `-7`", "spend ≥ 0"});
  expect_contains(error_of(replaced(kLong, "150\n", "\n"), sel),
                  {"w.csv:4:7", "(column `REVENUE`)", "may not have empty cells"});
  // The same date, channel, geo and product twice.
  expect_contains(error_of(replaced(kLong, "2021-01-11,tv,UK", "2021-01-11,tv,US"), sel),
                  {"w.csv:7:1", "(column `DATE`)", "channel `tv`, geo `US`", "already on line 6"});
  // A series without a row for a date.
  std::string missing = kLong;
  missing.erase(missing.find("2021-01-11,search,UK"));
  expect_contains(error_of(missing, sel),
                  {"w.csv",
                   "channel `search`, geo `UK`, product `shoes` has no row for date "
                   "2021-01-11",
                   "line 6", "SPEND 0"});
  expect_contains(error_of(replaced(kLong, "tv,UK", ",UK"), sel),
                  {"w.csv:3:2", "(column `CHANNEL`)", "a name (not empty)"});
  expect_contains(error_of(replaced(kLong, "SPEND", "COST"), sel),
                  {"w.csv", "no spend column `SPEND`", "COST"});
  expect_contains(error_of(replaced(kLong, "2021-01-11,tv,US", "2021-01-1,tv,US"), sel),
                  {"w.csv:6:1", "value `2021-01-1`", "ISO 8601"});
}

TEST(ChannelLongLoader, DatesMayComeInAnyOrderButMustBeRegular) {
  std::string text = "date,channel,spend,revenue\n";
  for (const char* date : {"2021-01-18", "2021-01-04", "2021-01-11"}) {
    text += std::string(date) + ",tv,2000,100\n";
    text += std::string(date) + ",radio,3000,100\n";
  }
  ColumnSelection sel = long_selection();
  const CsvTable t = table(text);
  const Dataset d = load_input("w.csv", &t, sel);
  EXPECT_EQ(d.dates[0].to_string(), "2021-01-04");
  EXPECT_EQ(d.channels, (std::vector<std::string>{"tv_GLOBAL_ALL", "radio_GLOBAL_ALL"}));
  std::string gap = "date,channel,spend,revenue\n";
  for (const char* date : {"2021-01-25", "2021-01-04", "2021-01-11"}) {
    gap += std::string(date) + ",tv,2000,100\n" + date + ",radio,3000,100\n";
  }
  expect_contains(error_of(gap, sel),
                  {"w.csv:2:1", "value `2021-01-25`", "7 days apart", "14 days after"});
}

TEST(ChannelLongLoader, ControlsHaveOneValuePerDate) {
  std::string text = "date,channel,spend,price,revenue\n";
  for (const char* date : {"2021-01-04", "2021-01-11", "2021-01-18"}) {
    text += std::string(date) + ",tv,2000,1.5,100\n";
    text += std::string(date) + ",radio,3000,1.5,100\n";
  }
  ColumnSelection sel = long_selection();
  sel.controls = {"price"};
  const CsvTable t = table(text);
  EXPECT_EQ(load_input("w.csv", &t, sel).control_values(1, 0), 1.5);
  expect_contains(error_of(replaced(text, "3000,1.5", "3000,1.6"), sel),
                  {"w.csv:3:4", "(column `price`)", "value `1.6`", "one value per date", "line 2"});
  // Empty on every row of a date: the --missing-controls policy.
  std::string gap = replaced(replaced(text, "2021-01-11,tv,2000,1.5", "2021-01-11,tv,2000,"),
                             "2021-01-11,radio,3000,1.5", "2021-01-11,radio,3000,");
  expect_contains(error_of(gap, sel), {"w.csv:4:4", "--missing-controls"});
  sel.missing_controls = MissingControls::Ffill;
  const CsvTable g = table(gap);
  EXPECT_EQ(load_input("w.csv", &g, sel).control_values(1, 0), 1.5);
}

TEST(ChannelLongLoader, ParsesTheRevenueSetting) {
  EXPECT_EQ(parse_long_revenue("row", "--long-revenue"), LongRevenue::Row);
  EXPECT_EQ(parse_long_revenue("market", "--long-revenue"), LongRevenue::Market);
  try {
    parse_long_revenue("sum", "--long-revenue");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    expect_contains(e.what(), {"invalid --long-revenue `sum`", "row", "market"});
  }
}

TEST(ChannelLongLoader, ParsesTheInputFormat) {
  EXPECT_EQ(parse_input_format("wide", "--format"), InputFormat::Wide);
  EXPECT_EQ(parse_input_format("long", "--format"), InputFormat::Long);
  for (const char* bad : {"Long", "", "csv", " wide"}) {
    try {
      parse_input_format(bad, "format");
      ADD_FAILURE() << "accepted `" << bad << "`";
    } catch (const InputError& e) {
      expect_contains(e.what(), {"invalid format `" + std::string(bad) + "`", "wide or long"});
    }
  }
}

}  // namespace
}  // namespace mmm
