// The HTML report's data (host/report): what report_payload gathers from a fit's files, how the
// page escapes user-named values, and how Chart.js is found.

#include <gtest/gtest.h>

#include <map>

#include "host/common/errors.hpp"
#include "host/report/chartjs_library.hpp"
#include "host/report/report_file.hpp"
#include "host/report/report_page.hpp"
#include "host/report/report_payload.hpp"
#include "tests/test_files.hpp"

namespace mmm {
namespace {

using nlohmann::json;
using test::contains;
using test::input_error;

/// A fit's files in memory, as small as the report accepts: two channels, four weeks.
std::map<std::string, std::string> single_fit_files() {
  return {{"decomposition.csv",
           "DATE,ACTUAL,PREDICTED,BASELINE,tv,search\n"
           "2024-01-01,100,98,50,20,28\n2024-01-08,110,112,52,25,35\n"
           "2024-01-15,120,118,54,30,34\n2024-01-22,90,95,49,18,28\n"},
          {"cv_folds.csv",
           "FOLD,TRAIN_START,TRAIN_END,TEST_START,TEST_END,R2,RMSE,MAE,MAPE,NRMSE\n"
           "1,2024-01-01,2024-01-08,2024-01-15,2024-01-15,0.5,1,1,0.05,0.1\n"
           "2,2024-01-01,2024-01-15,2024-01-22,2024-01-22,-0.2,1,1,0.07,0.1\n"
           "MEAN,,,,,0.15,1,1,0.06,0.1\nSTD,,,,,0.4,0,0,0.01,0\n"
           "IN_SAMPLE,2024-01-01,2024-01-22,,,0.9,1,1,0.02,0.1\n"},
          {"model_results.csv",
           "CHANNEL_KEY,CHANNEL_CODE,ROI,ROI_CI_LOWER,ROI_CI_UPPER,IS_SIGNIFICANT,MARGINAL_ROI,"
           "CURRENT_SPEND\n"
           "tv,tv,2.5,1.5,3.5,TRUE,1.2,10\nsearch,search,0.8,,,FALSE,0.4,40\n"},
          {"budget_allocation.csv",
           "CHANNEL,CURRENT_SPEND,RECOMMENDED_SPEND,CONTRIBUTION_CURRENT,CONTRIBUTION_RECOMMENDED,"
           "LIFT\n"
           "tv,10,13,23,26,3\nsearch,40,37,31,30,-1\nTOTAL,50,50,54,56,2\n"},
          {"response_curves.csv",
           "CHANNEL,SPEND,PREDICTED_REVENUE,PREDICTED_REVENUE_CI_LOWER,PREDICTED_REVENUE_CI_UPPER,"
           "MARGINAL_ROI_AT_SPEND,EFFICIENCY_ZONE\n"
           "tv,0,0,0,0,3,EFFICIENT\ntv,20,40,30,50,0.5,DIMINISHING\n"
           "search,0,0,0,0,2,EFFICIENT\nsearch,80,60,50,70,0.1,SATURATED\n"}};
}

json single_model() {
  return {{"format", "mmm-model"},
          {"version", "0.1.0"},
          {"config", {{"kpi_col", "revenue"}, {"budget", 500}, {"channels", {"tv", "search"}}}},
          {"bootstrap", {{"ci", 0.9}, {"resamples", 20}}},
          {"metrics", {{"r2", 0.82}, {"cv_mape", 0.0673}, {"loss", 0.18}, {"rows", 4}}},
          {"diagnostics", {{{"code", "wide_interval"}, {"message", "ROI of `tv` is wide"}}}},
          {"hyperparameters",
           {{"channels", {{"tv", {{"theta", 0.5}, {"alpha", 2.0}, {"gamma", 100.0}}}}}}},
          {"search", {{"evaluations", 500}, {"trials", json::array({json::object()})}}}};
}

ReportSource memory_source(const std::map<std::string, std::string>& files) {
  return [files](const std::string& name) -> std::optional<std::string> {
    const auto it = files.find(name);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ReportPayload, GathersEveryChartsDataOfASingleFit) {
  const json p =
      report_payload(single_model(), "res/model.json", memory_source(single_fit_files()));
  EXPECT_FALSE(p["segmented"].get<bool>());
  EXPECT_EQ(p["kpi"], "revenue");
  EXPECT_DOUBLE_EQ(p["ci"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(p["fit"]["r2"].get<double>(), 0.82);
  ASSERT_EQ(p["views"].size(), 1u);
  const json& v = p["views"][0];
  EXPECT_EQ(v["dates"], json({"2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"}));
  EXPECT_DOUBLE_EQ(v["actual"][1].get<double>(), 110.0);
  EXPECT_DOUBLE_EQ(v["predicted"][3].get<double>(), 95.0);
  EXPECT_DOUBLE_EQ(v["baseline"][2].get<double>(), 54.0);
  EXPECT_EQ(v["contributors"], json({"tv", "search"}));
  EXPECT_DOUBLE_EQ(v["contributions"][1][1].get<double>(), 35.0);
  // Only the numbered folds; MEAN, STD and IN_SAMPLE are summaries.
  ASSERT_EQ(v["folds"].size(), 2u);
  EXPECT_EQ(v["folds"][1]["test_start"], "2024-01-22");
  EXPECT_DOUBLE_EQ(v["folds"][1]["r2"].get<double>(), -0.2);
  ASSERT_EQ(v["roi"].size(), 2u);
  EXPECT_DOUBLE_EQ(v["roi"][0]["roi"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(v["roi"][0]["upper"].get<double>(), 3.5);
  EXPECT_TRUE(v["roi"][0]["significant"].get<bool>());
  EXPECT_TRUE(v["roi"][1]["lower"].is_null());  // no interval computed: null, not 0
  EXPECT_FALSE(v["roi"][1]["significant"].get<bool>());
  // The plan's TOTAL row is kept apart from the channels.
  ASSERT_EQ(v["allocation"].size(), 2u);
  EXPECT_DOUBLE_EQ(v["allocation"][0]["recommended"].get<double>(), 13.0);
  EXPECT_DOUBLE_EQ(v["allocation_total"]["lift"].get<double>(), 2.0);
  // Curves carry their band, zones, and the plan's current and recommended spend.
  ASSERT_EQ(v["curves"].size(), 2u);
  const json& search = v["curves"][1];
  EXPECT_EQ(search["channel"], "search");
  EXPECT_EQ(search["spend"], json({0.0, 80.0}));
  EXPECT_DOUBLE_EQ(search["upper"][1].get<double>(), 70.0);
  EXPECT_EQ(search["zone"], json({"EFFICIENT", "SATURATED"}));
  EXPECT_DOUBLE_EQ(search["current"].get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(search["recommended"].get<double>(), 37.0);
  EXPECT_EQ(p["warnings"], json({"ROI of `tv` is wide"}));
  EXPECT_FALSE(p.contains("segment_roas"));
}

TEST(ReportPayload, FlowAndStockChannelsGetTheirCurvesAndBands) {
  auto files = single_fit_files();
  files["flow_curves.csv"] =
      "CHANNEL,SPEND,MEAN,LOWER,UPPER,MARGINAL\nflow_1,0,0,0,0,2\nflow_1,50,30,25,36,0.3\n";
  files["stock_curves.csv"] =
      "CHANNEL,UNITS,MEAN,SD_TOUCH,SD_TOTAL,LOWER_1SD,UPPER_1SD,LOWER_2SD,UPPER_2SD,LOWER_3SD,"
      "UPPER_3SD,MARGINAL\nstock_1,0,0,0,0,0,0,0,0,0,0,9\nstock_1,4,20,1,2,19,21,18,22,17,23,1\n";
  files["budget_allocation.csv"] =
      "CHANNEL,CURRENT_SPEND,RECOMMENDED_SPEND,CONTRIBUTION_CURRENT,CONTRIBUTION_RECOMMENDED,"
      "LIFT\ntv,10,13,23,26,3\nsearch,40,37,31,30,-1\nflow_1,20,26,5,6,1\nTOTAL,70,76,59,62,3\n";
  const json p = report_payload(single_model(), "model.json", memory_source(files));
  const json& kinds = p["views"][0]["kind_curves"];
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0]["channel"], "flow_1");
  EXPECT_EQ(kinds[0]["kind"], "flow");
  EXPECT_DOUBLE_EQ(kinds[0]["upper"][1].get<double>(), 36.0);
  EXPECT_DOUBLE_EQ(kinds[0]["recommended"].get<double>(), 26.0);  // flow channels are allocated
  EXPECT_EQ(kinds[1]["kind"], "stock");
  EXPECT_EQ(kinds[1]["x_label"], "active units");
  EXPECT_EQ(kinds[1]["spend"], json({0.0, 4.0}));
  EXPECT_DOUBLE_EQ(kinds[1]["lower"][1].get<double>(), 18.0);  // ±2 SD
  EXPECT_DOUBLE_EQ(kinds[1]["upper"][1].get<double>(), 22.0);
  EXPECT_TRUE(kinds[1]["current"].is_null());  // units, not money: not in the plan
  // Without the files: no kind curves.
  EXPECT_EQ(report_payload(single_model(), "m.json",
                           memory_source(single_fit_files()))["views"][0]["kind_curves"],
            json::array());
}

TEST(ReportPayload, SaysInWordsHowFarToTrustTheFit) {
  const json p = report_payload(single_model(), "model.json", memory_source(single_fit_files()));
  const std::string all = p["summary"].dump();
  EXPECT_TRUE(contains(all, "R² is 0.82")) << all;
  EXPECT_TRUE(contains(all, "6.73% of the KPI")) << all;
  EXPECT_TRUE(contains(all, "1 of 2 channels have an ROI interval that excludes zero")) << all;
  EXPECT_TRUE(contains(all, "by 2 (3.7%)")) << all;
}

TEST(ReportPayload, ListsTheModelsSettingsWithoutTheTrials) {
  const json p = report_payload(single_model(), "model.json", memory_source(single_fit_files()));
  std::map<std::string, std::string> rows;
  for (const json& r : p["settings"]) rows[r[0].get<std::string>()] = r[1].get<std::string>();
  EXPECT_EQ(rows["config.budget"], "500");
  EXPECT_EQ(rows["config.channels"], "tv, search");
  EXPECT_EQ(rows["bootstrap.ci"], "0.9");
  EXPECT_EQ(rows["search.evaluations"], "500");
  EXPECT_EQ(rows.count("search.trials"), 0u);
  ASSERT_EQ(p["hyperparameters"].size(), 1u);
  EXPECT_DOUBLE_EQ(p["hyperparameters"][0]["gamma"].get<double>(), 100.0);
  // A model.json written before the logistic shape: its channels are Hill.
  EXPECT_EQ(p["hyperparameters"][0]["saturation"], "hill");
}

TEST(ReportPayload, HyperparametersCarryEachChannelsSaturation) {
  json model = single_model();
  model["hyperparameters"]["channels"]["tv"]["saturation"] = "logistic";
  const json p = report_payload(model, "model.json", memory_source(single_fit_files()));
  ASSERT_EQ(p["hyperparameters"].size(), 1u);
  EXPECT_EQ(p["hyperparameters"][0]["saturation"], "logistic");
}

TEST(ReportPayload, SegmentedFitGetsOneViewPerSegmentAndTheRoasComparison) {
  std::map<std::string, std::string> files = {
      {"decomposition.csv",
       "SEGMENT,DATE,ACTUAL,PREDICTED,BASELINE,tv\nGLOBAL,2024-01-01,30,29,20,9\n"
       "GLOBAL,2024-01-08,32,33,21,12\na,2024-01-01,10,9,6,3\na,2024-01-08,11,12,7,5\n"
       "b,2024-01-01,20,20,14,6\nb,2024-01-08,21,21,14,7\n"},
      {"cv_folds.csv",
       "SEGMENT,FOLD,TRAIN_START,TRAIN_END,TEST_START,TEST_END,R2,RMSE,MAE,MAPE,NRMSE\n"
       "GLOBAL,1,2024-01-01,2024-01-01,2024-01-08,2024-01-08,0.1,1,1,0.1,0.1\n"
       "a,1,2024-01-01,2024-01-01,2024-01-08,2024-01-08,0.2,1,1,0.1,0.1\n"},
      {"model_results.csv",
       "CHANNEL_CODE,ROI,ROI_CI_LOWER,ROI_CI_UPPER,IS_SIGNIFICANT,MARGINAL_ROI,CURRENT_SPEND,"
       "SEGMENT\n"
       "tv,1.5,1,2,TRUE,0.5,10,GLOBAL\ntv,2.5,2,3,TRUE,0.7,4,a\ntv,0.5,-1,2,FALSE,0.1,6,b\n"},
      {"budget_allocation.csv",
       "SEGMENT,CHANNEL,CURRENT_SPEND,RECOMMENDED_SPEND,CONTRIBUTION_CURRENT,"
       "CONTRIBUTION_RECOMMENDED,LIFT\n"
       "GLOBAL,tv,10,10,9,9,0\na,tv,4,5,3,4,1\nb,tv,6,5,6,5,-1\n"},
      {"response_curves.csv",
       "SEGMENT,CHANNEL,SPEND,PREDICTED_REVENUE,PREDICTED_REVENUE_CI_LOWER,"
       "PREDICTED_REVENUE_CI_UPPER,MARGINAL_ROI_AT_SPEND,EFFICIENCY_ZONE\n"
       "GLOBAL,tv,0,0,0,0,1,EFFICIENT\nGLOBAL,tv,10,9,8,10,0.5,DIMINISHING\n"
       "a,tv,0,0,0,0,1,EFFICIENT\na,tv,5,4,3,5,0.5,DIMINISHING\n"
       "b,tv,0,0,0,0,1,EFFICIENT\nb,tv,8,5,4,6,0.1,SATURATED\n"},
      {"segment_performance.csv",
       "SEGMENT,CHANNEL,SPEND,CONTRIBUTION,ROAS,GLOBAL_ROAS,EFFICIENCY,MARGINAL_ROI,"
       "COEFFICIENT_WEIGHT,ROAS_CI_LOWER,ROAS_CI_UPPER\n"
       "a,tv,40,100,2.5,1.5,1.6,0.7,3,2,3\nb,tv,60,30,0.5,1.5,0.3,0.1,1,-1,2\n"}};
  json model = single_model();
  model["segments"] = {"a", "b"};
  const json p = report_payload(model, "model.json", memory_source(files));
  EXPECT_TRUE(p["segmented"].get<bool>());
  ASSERT_EQ(p["views"].size(), 3u);
  EXPECT_EQ(p["views"][0]["name"], "GLOBAL");
  EXPECT_EQ(p["views"][2]["name"], "b");
  EXPECT_DOUBLE_EQ(p["views"][1]["actual"][1].get<double>(), 11.0);
  EXPECT_DOUBLE_EQ(p["views"][2]["roi"][0]["roi"].get<double>(), 0.5);
  EXPECT_EQ(p["views"][1]["folds"].size(), 1u);
  EXPECT_EQ(p["views"][2]["folds"].size(), 0u);
  EXPECT_DOUBLE_EQ(p["views"][2]["curves"][0]["recommended"].get<double>(), 5.0);
  EXPECT_EQ(p["segment_roas"]["segments"], json({"a", "b"}));
  EXPECT_DOUBLE_EQ(p["segment_roas"]["rows"][1]["roas"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(p["segment_roas"]["rows"][1]["lower"].get<double>(), -1.0);

  files.erase("segment_performance.csv");
  const std::string err =
      input_error([&] { report_payload(model, "r/model.json", memory_source(files)); });
  EXPECT_TRUE(contains(err, "`r/segment_performance.csv` is missing")) << err;
}

TEST(ReportPayload, MissingOrBadInputsNameTheFileAndTheKey) {
  const auto files = single_fit_files();
  for (const std::string name : {"decomposition.csv", "cv_folds.csv", "model_results.csv",
                                 "budget_allocation.csv", "response_curves.csv"}) {
    auto without = files;
    without.erase(name);
    const std::string err = input_error(
        [&] { report_payload(single_model(), "res/model.json", memory_source(without)); });
    EXPECT_TRUE(contains(err, "`res/" + name + "` is missing")) << err;
  }
  auto bad = files;
  bad["model_results.csv"] =
      "CHANNEL_CODE,ROI,ROI_CI_LOWER,ROI_CI_UPPER,IS_SIGNIFICANT,MARGINAL_ROI,CURRENT_SPEND\n"
      "tv,2.5,1,2,TRUE,1,1\nsearch,abc,1,2,TRUE,1,1\n";
  std::string err =
      input_error([&] { report_payload(single_model(), "m.json", memory_source(bad)); });
  EXPECT_TRUE(contains(err, "model_results.csv` line 3, column ROI: `abc` is not a number")) << err;
  bad = files;
  bad["response_curves.csv"] = "CHANNEL,SPEND\ntv,0\n";
  err = input_error([&] { report_payload(single_model(), "m.json", memory_source(bad)); });
  EXPECT_TRUE(contains(err, "response_curves.csv` has no column PREDICTED_REVENUE")) << err;

  json model = single_model();
  model.erase("config");
  err = input_error([&] { report_payload(model, "m.json", memory_source(files)); });
  EXPECT_TRUE(contains(err, "`m.json` key `config` is missing")) << err;
  model = single_model();
  model["diagnostics"] = "none";
  err = input_error([&] { report_payload(model, "m.json", memory_source(files)); });
  EXPECT_TRUE(contains(err, "key `diagnostics` is not an array")) << err;
  model = single_model();
  model["format"] = "other";
  err = input_error([&] { report_payload(model, "m.json", memory_source(files)); });
  EXPECT_TRUE(contains(err, "key `format` is not \"mmm-model\"")) << err;
}

TEST(ReportFile, FolderSourceReadsRegularFilesOnly) {
  test::TempDir dir;
  dir.write("cv_folds.csv", "FOLD\n1\n");
  std::filesystem::create_directory(dir.path() / "model_results.csv");
  const ReportSource read = folder_source(dir.path().string());
  EXPECT_EQ(read("cv_folds.csv").value(), "FOLD\n1\n");
  EXPECT_FALSE(read("decomposition.csv").has_value());
  EXPECT_FALSE(read("model_results.csv").has_value());  // a folder of that name
}

TEST(ReportFile, WholePageOrTheLibrarysErrorBeforeAnyFileIsRead) {
  test::TempDir dir;
  const std::string lib = dir.write("chart.js", "/*! Chart.js vX MIT */ var Chart;");
  const std::string page =
      fit_report_html(single_model(), "res/model.json", memory_source(single_fit_files()), lib);
  EXPECT_TRUE(contains(page, "/*! Chart.js vX MIT */ var Chart;"));
  EXPECT_TRUE(contains(page, "\"actual\":[100.0,110.0,120.0,90.0]")) << "the payload, inline";
  int reads = 0;
  const std::string err = input_error([&] {
    fit_report_html(
        single_model(), "m.json",
        [&reads](const std::string&) -> std::optional<std::string> {
          ++reads;
          return std::nullopt;
        },
        dir / "missing.js");
  });
  EXPECT_TRUE(contains(err, "libjs-chart.js")) << err;
  EXPECT_EQ(reads, 0);
}

TEST(ReportPage, EscapesUserNamedValuesForHtmlAndScript) {
  EXPECT_EQ(html_escape("</script><b>x & 'y' \"z\""),
            "&lt;/script&gt;&lt;b&gt;x &amp; &#39;y&#39; &quot;z&quot;");
  const json data = {{"channel", "</script><b>x"}, {"note", "a & b <!--"}};
  const std::string text = script_json(data);
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_EQ(text.find('&'), std::string::npos) << text;
  EXPECT_EQ(json::parse(text), data);  // the escapes are still the same JSON
  // Bytes that are not UTF-8 are replaced, not an exception.
  EXPECT_EQ(json::parse(script_json(json("a\xff"))).get<std::string>(), "a\xEF\xBF\xBD");
}

TEST(ReportPage, PutsLibraryDataAndScriptInlineAndNoUserTextAsMarkup) {
  const json p =
      report_payload(single_model(), "</script><b>x/model.json", memory_source(single_fit_files()));
  const std::string page = report_html(p, "/*! Chart.js vTEST MIT */ var Chart = {};");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(page, "/*! Chart.js vTEST MIT */ var Chart = {};"));
  EXPECT_TRUE(contains(page, "Permission is hereby granted, free of charge"));
  EXPECT_TRUE(contains(page, "<title>mmm report: &lt;/script&gt;&lt;b&gt;x/model.json</title>"));
  EXPECT_FALSE(contains(page, "<b>x"));
  // Four script elements (error catcher, Chart.js, data, drawing) and no other closing tag.
  std::size_t closes = 0;
  for (std::size_t at = page.find("</script"); at != std::string::npos;
       at = page.find("</script", at + 1))
    ++closes;
  EXPECT_EQ(closes, 4u);
  EXPECT_FALSE(contains(page, "src=\"http"));  // nothing loaded from the network
  EXPECT_FALSE(contains(page, "innerHTML"));
}

TEST(ChartJsLibrary, ReadsDebiansFileAndNamesThePackageWhenItIsMissing) {
  std::string err = input_error([] { read_chartjs("/nonexistent/chart.min.js"); });
  EXPECT_TRUE(contains(err, "/nonexistent/chart.min.js")) << err;
  EXPECT_TRUE(contains(err, "libjs-chart.js")) << err;
  test::TempDir dir;
  const std::string other = dir.write("other.js", "console.log(1);");
  err = input_error([&] { read_chartjs(other); });
  EXPECT_TRUE(contains(err, "is not Chart.js")) << err;
  const std::string closing = dir.write("closing.js", "/* Chart.js MIT */ '</SCRIPT>'");
  err = input_error([&] { read_chartjs(closing); });
  EXPECT_TRUE(contains(err, "</script")) << err;
  EXPECT_EQ(read_chartjs(dir.write("ok.js", "/* Chart.js MIT */ x")), "/* Chart.js MIT */ x");

  ::setenv("MMM_CHARTJS", other.c_str(), 1);
  EXPECT_EQ(chartjs_path(), other);
  ::unsetenv("MMM_CHARTJS");
  EXPECT_EQ(chartjs_path(), kChartJsPath);
  if (!std::filesystem::exists(kChartJsPath)) GTEST_SKIP() << "libjs-chart.js is not installed";
  const std::string js = read_chartjs(kChartJsPath);
  EXPECT_EQ(js.rfind("/*!", 0), 0u);  // the license header stays first
  EXPECT_TRUE(contains(js.substr(0, 200), "Released under the MIT License"));
}

}  // namespace
}  // namespace mmm
