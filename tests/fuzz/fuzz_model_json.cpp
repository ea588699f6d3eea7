// libFuzzer target: a segmented model.json as `mmm compare` (every metric), `mmm predict
// --new-segment` (on a fixed, valid market file with channels tv and search) and `mmm predict
// --plan` (a fixed plan for segment seg_01; a single-market model reads it too) read it.

#include <sstream>

#include "host/data/csv_table.hpp"
#include "host/io/json_file.hpp"
#include "host/io/segment_compare.hpp"
#include "host/scenarios/model_plan.hpp"
#include "host/segments/new_segment.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

/// 20 weeks of a market with the columns a model fitted on tv and search names.
const std::string& market_file() {
  static const std::string path = [] {
    std::ostringstream csv;
    csv << "date,tv,search,revenue\n";
    // 2021-01-04 is a Monday; weeks are written out so no date library is needed here.
    const char* dates[] = {"2021-01-04", "2021-01-11", "2021-01-18", "2021-01-25", "2021-02-01",
                           "2021-02-08", "2021-02-15", "2021-02-22", "2021-03-01", "2021-03-08",
                           "2021-03-15", "2021-03-22", "2021-03-29", "2021-04-05", "2021-04-12",
                           "2021-04-19", "2021-04-26", "2021-05-03", "2021-05-10", "2021-05-17"};
    for (int w = 0; w < 20; ++w) {
      csv << dates[w] << ',' << 100 + 10 * (w % 7) << ',' << 50 + 5 * (w % 3) << ','
          << 1000 + 20 * w << '\n';
    }
    const std::string text = csv.str();
    return mmm::fuzz::write_file("market.csv", reinterpret_cast<const std::uint8_t*>(text.data()),
                                 text.size());
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string market = market_file();
  const std::string path = mmm::fuzz::write_file("model.json", data, size);
  mmm::fuzz::expect_input_error_or_success([&] {
    const nlohmann::json model = mmm::read_json_file(path, "model file");
    for (const std::string& metric : mmm::comparison_metrics()) {
      mmm::fuzz::expect_input_error_or_success(
          [&] { (void)mmm::comparison_csv(mmm::compare_segments(model, path, {}, metric)); });
    }
    mmm::fuzz::expect_input_error_or_success([&] {
      static const mmm::CsvTable plan = mmm::parse_csv_text(
          "date,segment,tv,search\n2021-05-24,seg_01,120,55\n2021-05-31,seg_01,0,60\n", "plan.csv");
      (void)mmm::predict_model_plan(model, path, plan, 0.9);
    });
    (void)mmm::prediction_csv(mmm::predict_new_segment(model, path, market, 0.9));
  });
  return 0;
}
