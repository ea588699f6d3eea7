// `mmm report` and `mmm fit --report` end to end: the page joins the fit's output set, the two
// ways give the same page, bad inputs exit 2 naming file and key, and a real browser (headless
// Chromium) draws every chart without a JavaScript error and reads the model's numbers back.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.hpp"

namespace mmm::test {
namespace {

using nlohmann::json;

constexpr const char* kInjected = "</script><b>x";

/// One single-market fit with --report, and one segmented fit whose first channel is named
/// like markup, shared by the tests of this file.
class CliReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CliResult sim = run_mmm(
        {"simulate", "--weeks", "104", "--channels", "4", "--seed", "5", "--out", *dir_ / "d.csv"});
    ASSERT_EQ(sim.exit_code, 0) << describe(sim);
    fit_ = new CliResult(
        run_mmm({"fit", "--data", *dir_ / "d.csv", "--out", res(), "--budget", "200", "--bootstrap",
                 "10", "--nested-budget", "0", "--report", "--quiet"}));
    const CliResult seg = run_mmm({"simulate", "--segments", "3", "--weeks", "104", "--channels",
                                   "3", "--seed", "9", "--out", *dir_ / "s.csv"});
    ASSERT_EQ(seg.exit_code, 0) << describe(seg);
    std::string text = read_text(*dir_ / "s.csv");
    const std::size_t tv = text.find(",tv,");
    ASSERT_NE(tv, std::string::npos);
    text.replace(tv + 1, 2, kInjected);
    write_text(*dir_ / "s_injected.csv", text);
    seg_fit_ = new CliResult(
        run_mmm({"fit", "--data", *dir_ / "s_injected.csv", "--segments", "segment", "--out",
                 seg_res(), "--budget", "150", "--bootstrap", "5", "--report", "--quiet"}));
  }
  static void TearDownTestSuite() {
    delete fit_;
    delete seg_fit_;
    delete dir_;
  }
  static std::string res() { return *dir_ / "res"; }
  static std::string seg_res() { return *dir_ / "seg"; }
  static TempDir* dir_;
  static CliResult* fit_;
  static CliResult* seg_fit_;
};
TempDir* CliReport::dir_ = nullptr;
CliResult* CliReport::fit_ = nullptr;
CliResult* CliReport::seg_fit_ = nullptr;

bool has_chromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

/// Runs headless Chromium on `page` (a file URL may carry a #fragment) with `mode`
/// ("--dump-dom" or "--screenshot=FILE"); returns stdout.
std::string chromium(const TempDir& dir, const std::string& url, const std::string& mode) {
  const std::string command =
      "timeout 180 chromium --headless=new --no-sandbox --disable-gpu --no-first-run "
      "--disable-extensions --user-data-dir=" +
      shell_quote(dir / "chromium-profile") +
      " --virtual-time-budget=5000 --window-size=1280,4200 " + shell_quote(mode) + " " +
      shell_quote(url) + " 2>/dev/null";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

/// The page's self-check: the JSON text of <pre id="selftest"> in a DOM dump.
json selftest(const std::string& dom) {
  const std::string open = "<pre id=\"selftest\">";
  const std::size_t a = dom.find(open);
  const std::size_t b = dom.find("</pre>", a);
  if (a == std::string::npos || b == std::string::npos) return json();
  std::string text = dom.substr(a + open.size(), b - a - open.size());
  for (const auto& [entity, ch] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at))
      text.replace(at, entity.size(), ch);
  }
  return json::parse(text, nullptr, false);
}

double cell(const CsvFile& f, std::size_t row, const std::string& column) {
  return std::stod(f.rows.at(row).at(static_cast<std::size_t>(f.column(column))));
}

TEST_F(CliReport, FitReportJoinsTheOutputSetAsOneOfflinePage) {
  ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  const std::string page = read_text(res() + "/report.html");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(page, "Chart.js v3"));  // Debian's library, inline
  EXPECT_TRUE(contains(page, "Released under the MIT License"));
  EXPECT_TRUE(contains(page, "Permission is hereby granted"));
  EXPECT_FALSE(contains(page, "<script src"));
  EXPECT_FALSE(contains(page, "https://cdn"));
  EXPECT_GT(page.size(), 150000u);

  // A later run without --report removes the page of the earlier one: it is part of the set.
  TempDir dir;
  const std::string out = dir / "again";
  const std::vector<std::string> fit = {"fit",      "--data", *dir_ / "d.csv", "--out", out,
                                        "--budget", "100",    "--bootstrap",   "0",     "--quiet"};
  std::vector<std::string> with = fit;
  with.push_back("--report");
  const CliResult first = run_mmm(with);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_TRUE(contains(first.out, "report: " + out + "/report.html")) << first.out;
  EXPECT_TRUE(fs::exists(out + "/report.html"));
  const CliResult second = run_mmm(fit);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  EXPECT_FALSE(fs::exists(out + "/report.html"));
  EXPECT_TRUE(fs::exists(out + "/model.json"));
}

TEST_F(CliReport, ReportCommandGivesTheSamePageAsFitReport) {
  ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  const std::string out = *dir_ / "same.html";
  const CliResult r = run_mmm({"report", "--model", res() + "/model.json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "wrote " + out)) << r.out;
  EXPECT_EQ(read_text(out), read_text(res() + "/report.html"));

  // Without --out: report.html beside the model.
  TempDir dir;
  for (const auto& name : file_names(res())) fs::copy_file(res() + "/" + name, dir / name);
  fs::remove(dir / "report.html");
  const CliResult beside = run_mmm({"report", "--model", dir / "model.json", "--quiet"});
  ASSERT_EQ(beside.exit_code, 0) << describe(beside);
  EXPECT_TRUE(beside.out.empty());
  EXPECT_TRUE(fs::exists(dir / "report.html"));
}

TEST_F(CliReport, MissingOrInvalidInputsExit2NamingFileAndKey) {
  ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  TempDir dir;
  for (const auto& name : file_names(res())) fs::copy_file(res() + "/" + name, dir / name);
  fs::remove(dir / "cv_folds.csv");
  CliResult r = run_mmm({"report", "--model", dir / "model.json", "--out", dir / "r.html"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "error: report: `" + (dir / "cv_folds.csv") + "` is missing"))
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "r.html"));

  json model = json::parse(read_text(dir / "model.json"));
  model.erase("metrics");
  write_text(dir.path() / "model.json", model.dump());
  r = run_mmm({"report", "--model", dir / "model.json", "--out", dir / "r.html"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "key `metrics` is missing")) << r.err;

  r = run_mmm({"report", "--model", dir / "nothing.json", "--out", dir / "r.html"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "nothing.json")) << r.err;

  r = run_mmm({"report", "--model", res() + "/model.json", "--out", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "is a folder")) << r.err;
}

TEST_F(CliReport, WithoutChartJsBothCommandsExit2NamingThePackage) {
  ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  TempDir dir;
  ::setenv("MMM_CHARTJS", "/nonexistent/chart.min.js", 1);
  const CliResult report =
      run_mmm({"report", "--model", res() + "/model.json", "--out", dir / "r.html"});
  const CliResult fit = run_mmm({"fit", "--data", *dir_ / "d.csv", "--out", dir / "out", "--budget",
                                 "50", "--report", "--quiet"});
  ::unsetenv("MMM_CHARTJS");
  EXPECT_EQ(report.exit_code, 2) << describe(report);
  EXPECT_TRUE(contains(report.err, "/nonexistent/chart.min.js")) << report.err;
  EXPECT_TRUE(contains(report.err, "libjs-chart.js")) << report.err;
  EXPECT_EQ(fit.exit_code, 2) << describe(fit);
  EXPECT_TRUE(contains(fit.err, "libjs-chart.js")) << fit.err;
  EXPECT_FALSE(fs::exists(dir / "out"));  // refused before the fit, nothing written
}

TEST_F(CliReport, ChromiumDrawsEveryChartAndReadsBackTheModelsNumbers) {
  ASSERT_EQ(fit_->exit_code, 0) << describe(*fit_);
  if (!has_chromium()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  TempDir dir;
  const std::string dom = chromium(dir, "file://" + res() + "/report.html", "--dump-dom");
  const json s = selftest(dom);
  ASSERT_TRUE(s.is_object()) << dom.substr(0, 2000);
  EXPECT_EQ(s["errors"], json::array()) << s.dump();
  // fit, decomposition, ROI, budget plan, and one response curve per channel (4).
  EXPECT_EQ(s["expected"], 8) << s.dump();
  EXPECT_EQ(s["charts"], 8) << s.dump();
  EXPECT_EQ(s["drawn"], 8) << s.dump();
  EXPECT_EQ(s["canvases"], 8) << s.dump();
  // Values read back through the drawn points' pixel positions and the charts' scales.
  const CsvFile results = read_csv(res() + "/model_results.csv");
  const CsvFile decomposition = read_csv(res() + "/decomposition.csv");
  const CsvFile allocation = read_csv(res() + "/budget_allocation.csv");
  const double roi = cell(results, 0, "ROI");
  EXPECT_EQ(s["readback"]["roi"]["channel"], results.rows[0][1]);
  EXPECT_NEAR(s["readback"]["roi"]["value"].get<double>(), roi, 0.01 * std::fabs(roi) + 1e-9);
  const double actual = cell(decomposition, 0, "ACTUAL");
  EXPECT_EQ(s["readback"]["actual"]["date"], decomposition.rows[0][0]);
  EXPECT_NEAR(s["readback"]["actual"]["value"].get<double>(), actual, 0.01 * actual);
  const double recommended = cell(allocation, 0, "RECOMMENDED_SPEND");
  EXPECT_NEAR(s["readback"]["recommended"]["value"].get<double>(), recommended, 0.01 * recommended);
  // The warnings of the fit are on the page as text.
  const json model = json::parse(read_text(res() + "/model.json"));
  for (const json& d : model["diagnostics"]) {
    std::string message = d["message"].get<std::string>();
    EXPECT_TRUE(contains(dom, message.substr(0, 20))) << message;
  }

  // The screenshot is a PNG of the window's size with something drawn on it.
  const std::string png = dir / "report.png";
  chromium(dir, "file://" + res() + "/report.html", "--screenshot=" + png);
  const std::string image = read_text(png);
  ASSERT_GT(image.size(), 24u) << "no screenshot at " << png;
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(image[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(image[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(image[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(image[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);  // IHDR width
  EXPECT_EQ(be32(20), 4200u);  // IHDR height
  // A blank page of this size compresses to a few kilobytes; charts and tables do not.
  EXPECT_GT(image.size(), 100000u);
}

TEST_F(CliReport, FlowAndStockChannelsDrawTheirCurves) {
  TempDir dir;
  const CliResult sim =
      run_mmm({"simulate", "--weeks", "156", "--channels", "2", "--flow-channels", "1",
               "--stock-channels", "1", "--seed", "4", "--quiet", "--out", dir / "data.csv"});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  const std::string config = dir.write(
      "kinds.toml",
      "[channels.flow_1]\nkind = \"flow\"\n[channels.stock_1]\nkind = \"stock\"\nmu = 10\n");
  const CliResult fit =
      run_mmm({"fit", "--data", dir / "data.csv", "--config", config, "--out", dir / "res",
               "--budget", "100", "--bootstrap", "5", "--quiet", "--report"});
  ASSERT_EQ(fit.exit_code, 0) << describe(fit);
  if (!has_chromium()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  const json s = selftest(chromium(dir, "file://" + (dir / "res/report.html"), "--dump-dom"));
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["errors"], json::array()) << s.dump();
  // fit, decomposition, ROI, plan, 2 media curves, the flow and the stock curve.
  EXPECT_EQ(s["expected"], 8) << s.dump();
  EXPECT_EQ(s["drawn"], 8) << s.dump();
  EXPECT_GT(s["painted"]["curve:3"].get<double>(), 0.0) << s.dump();
}

TEST_F(CliReport, SegmentedReportPicksASegmentAndShowsMarkupNamesAsText) {
  ASSERT_EQ(seg_fit_->exit_code, 0) << describe(*seg_fit_);
  const std::string page = read_text(seg_res() + "/report.html");
  EXPECT_FALSE(contains(page, "<b>x"));
  if (!has_chromium()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  TempDir dir;
  const std::string dom =
      chromium(dir, "file://" + seg_res() + "/report.html#segment=seg_02", "--dump-dom");
  const json s = selftest(dom);
  ASSERT_TRUE(s.is_object()) << dom.substr(0, 2000);
  EXPECT_EQ(s["errors"], json::array()) << s.dump();
  EXPECT_EQ(s["view"], "seg_02");
  // fit, decomposition, ROI, plan, 3 curves, and the segment comparison.
  EXPECT_EQ(s["expected"], 8) << s.dump();
  EXPECT_EQ(s["drawn"], 8) << s.dump();
  EXPECT_EQ(s["canvases"], 8) << s.dump();
  const CsvFile results = read_csv(seg_res() + "/model_results.csv");
  const int segment = results.column("SEGMENT");
  std::size_t row = 0;
  while (row < results.rows.size() && results.rows[row][segment] != "seg_02") ++row;
  ASSERT_LT(row, results.rows.size());
  EXPECT_EQ(s["readback"]["roi"]["channel"], kInjected);
  const double roi = cell(results, row, "ROI");
  EXPECT_NEAR(s["readback"]["roi"]["value"].get<double>(), roi, 0.01 * std::fabs(roi) + 1e-6);
  // The name is text in the page, never an element.
  EXPECT_TRUE(contains(dom, "&lt;/script&gt;&lt;b&gt;x"));
  EXPECT_FALSE(contains(dom, "<b>x"));
  EXPECT_TRUE(contains(dom, "<option value=\"2\">seg_02</option>")) << "segment picker";
}

}  // namespace
}  // namespace mmm::test
