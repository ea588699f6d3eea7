// Channel auto-detection in long (segmented) files follows the single table's rules
// (host/data/channel_detection.hpp): a control by name and an event dummy are controls, a
// per-segment time index is ignored, spend stays spend, and every choice is said.

#include <gtest/gtest.h>

#include <string>

#include "host/data/csv_table.hpp"
#include "host/data/segmented_loader.hpp"

namespace mmm {
namespace {

TEST(SegmentedDetection, ControlsDummiesAndCountersAreNotSpend) {
  std::string text = "date,geo,tv,ctrl_price,event,week_index,revenue\n";
  const char* dates[] = {"2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"};
  for (const char* geo : {"north", "south"}) {
    for (int w = 0; w < 5; ++w) {
      text += std::string(dates[w]) + "," + geo + "," + std::to_string(100 + 10 * w) + "," +
              std::to_string(3 + w % 2) + "," + (w == 2 ? "1" : "0") + "," + std::to_string(w + 1) +
              "," + std::to_string(1000 + 7 * w) + "\n";
    }
  }
  ColumnSelection sel;
  sel.segments = {"geo"};
  const SegmentedData data = build_segmented_data(parse_csv_text(text, "long.csv"), sel);
  ASSERT_EQ(data.count(), 2);
  EXPECT_EQ(data.segments[0].channels, std::vector<std::string>({"tv"}));
  EXPECT_EQ(data.segments[1].controls, std::vector<std::string>({"ctrl_price", "event"}));
  std::string notices;
  for (const std::string& n : data.notices) notices += n + "\n";
  EXPECT_NE(notices.find("column `ctrl_price` is a control, not spend"), std::string::npos)
      << notices;
  EXPECT_NE(notices.find("column `event` is a control"), std::string::npos) << notices;
  EXPECT_NE(notices.find("column `week_index` is not used as spend"), std::string::npos) << notices;
}

TEST(SegmentedDetection, ExplicitControlsLeaveDetectedOnesOutWithAHint) {
  const std::string text =
      "date,geo,tv,ctrl_a,ctrl_b,revenue\n"
      "2024-01-01,a,100,3,7,1000\n2024-01-08,a,120,4,6,1010\n2024-01-15,a,90,3,8,990\n"
      "2024-01-01,b,80,5,7,800\n2024-01-08,b,70,4,9,790\n2024-01-15,b,95,5,6,820\n";
  ColumnSelection sel;
  sel.segments = {"geo"};
  sel.controls = {"ctrl_a"};
  const SegmentedData data = build_segmented_data(parse_csv_text(text, "long.csv"), sel);
  EXPECT_EQ(data.segments[0].channels, std::vector<std::string>({"tv"}));
  EXPECT_EQ(data.segments[0].controls, std::vector<std::string>({"ctrl_a"}));
  std::string notices;
  for (const std::string& n : data.notices) notices += n + "\n";
  EXPECT_NE(notices.find("`ctrl_b` is not used as spend: a control by its name (add it to "
                         "--controls to use it)"),
            std::string::npos)
      << notices;
}

}  // namespace
}  // namespace mmm
