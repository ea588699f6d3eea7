// The library calls both front ends (the CLI and the Python module) share: the stop flag
// honoured at progress points, the fit-mode check, the optimize request, a spend plan and a
// data header from an already-built table.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "host/common/cancellation.hpp"
#include "host/common/errors.hpp"
#include "host/common/progress.hpp"
#include "host/curves/response_curves.hpp"
#include "host/data/csv_table.hpp"
#include "host/data/spend_plan.hpp"
#include "host/outputs/scenario_tables.hpp"
#include "host/pipeline/fit_options.hpp"
#include "host/scenarios/optimize_scenario.hpp"

namespace mmm {
namespace {

TEST(Cancellation, ProgressPointsThrowOnlyOnceTheInstalledFlagIsSet) {
  throw_if_cancelled();  // no scope: never throws
  std::atomic<bool> stop{false};
  {
    CancellationScope scope(&stop);
    ProgressBar bar("work", 10, false);
    bar.update(1);
    stop.store(true);
    EXPECT_THROW(bar.update(2), Cancelled);
    EXPECT_THROW(ProgressBar("next", 10, false), Cancelled);
    // Another thread has no flag installed: its progress points go on.
    std::thread other([] { EXPECT_NO_THROW(throw_if_cancelled()); });
    other.join();
  }
  EXPECT_NO_THROW(throw_if_cancelled());  // the scope ended
}

TEST(Cancellation, ScopesNestAndRestoreThePreviousFlag) {
  std::atomic<bool> outer{true}, inner{false};
  CancellationScope a(&outer);
  {
    CancellationScope b(&inner);
    EXPECT_NO_THROW(throw_if_cancelled());
  }
  EXPECT_THROW(throw_if_cancelled(), Cancelled);
}

TEST(FitMode, SegmentedFitsRefuseSingleMarketFeaturesAndTheReverse) {
  FitOptions o;
  o.columns.segments = {"region"};
  o = resolved_fit_options(o);
  EXPECT_NO_THROW(check_fit_mode(o));
  FitOptions bad = o;
  bad.block_length = 4;
  EXPECT_THROW(check_fit_mode(bad), InputError);
  bad = o;
  bad.objective = "cv";
  try {
    check_fit_mode(bad);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "--objective cv is not supported with --segments");
  }
  FitOptions single = resolved_fit_options(FitOptions{});
  EXPECT_NO_THROW(check_fit_mode(single));
  single.pooling = "none";
  EXPECT_THROW(check_fit_mode(single), InputError);
}

TEST(FitMode, SegmentedFitsAreHillOnly) {
  FitOptions o;
  o.columns.segments = {"region"};
  o = resolved_fit_options(o);
  o.saturation = "logistic";
  try {
    check_fit_mode(o);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("segmented fits are Hill only"), std::string::npos)
        << e.what();
  }
  o.saturation = "hill";
  o.channel_saturation["tv"] = SaturationShape::Logistic;
  EXPECT_THROW(check_fit_mode(o), InputError);
  FitOptions single = resolved_fit_options(FitOptions{});
  single.saturation = "logistic";
  EXPECT_NO_THROW(check_fit_mode(single));
}

TEST(FitMode, MediaSaturationAppliesTheDefaultThenEachChannel) {
  FitOptions o;
  o.saturation = "logistic";
  o.channel_saturation["search"] = SaturationShape::Hill;
  EXPECT_EQ(media_saturation(o, {"tv", "search", "radio"}),
            (std::vector<SaturationShape>{SaturationShape::Logistic, SaturationShape::Hill,
                                          SaturationShape::Logistic}));
  // Not given: logistic for the default estimator, Hill for --reference and segmented fits.
  EXPECT_EQ(media_saturation(FitOptions{}, {"tv"}),
            std::vector<SaturationShape>{SaturationShape::Logistic});
  FitOptions reference;
  reference.reference = true;
  EXPECT_EQ(media_saturation(reference, {"tv"}),
            std::vector<SaturationShape>{SaturationShape::Hill});
  FitOptions segmented;
  segmented.columns.segments = {"region"};
  EXPECT_EQ(media_saturation(segmented, {"tv"}),
            std::vector<SaturationShape>{SaturationShape::Hill});
  EXPECT_NO_THROW(check_fit_mode(resolved_fit_options(segmented)));
  o.channel_saturation["ooh"] = SaturationShape::Logistic;
  EXPECT_THROW(media_saturation(o, {"tv", "search"}), InputError);
  o.channel_saturation.clear();
  o.saturation = "s";
  EXPECT_THROW(media_saturation(o, {"tv"}), InputError);
  FitOptions checked = resolved_fit_options(FitOptions{});
  checked.saturation = "logistic";
  EXPECT_NO_THROW(check_fit_options(checked));
  checked.saturation = "Logistic";
  EXPECT_THROW(check_fit_options(checked), InputError);
}

ChannelResponse channel(const std::string& name, double gamma, double coef, double current) {
  ChannelResponse r;
  r.name = name;
  r.hyper = ChannelHyper{0.0, 1.0, gamma};
  r.coef = r.coef_lower = r.coef_upper = coef;
  r.mean_weekly_spend = current;
  r.max_weekly_spend = 2.0 * current;
  return r;
}

SavedModel two_channel_model() {
  SavedModel m;
  m.responses = {channel("tv", 1000.0, 5000.0, 1000.0), channel("radio", 1000.0, 2000.0, 1000.0)};
  m.media = {"tv", "radio"};
  m.dates = {Date{2024, 1, 1}, Date{2024, 1, 8}};
  m.spend = Eigen::MatrixXd::Constant(2, 2, 1000.0);
  return m;
}

TEST(OptimizeScenario, OneModeAtATimeAndTheTablesOfEach) {
  OptimizeRequest q;
  q.total_budget = 2400.0;
  q.target_roi = 1.0;
  EXPECT_THROW(check_optimize_request(q), InputError);
  q.target_roi = std::nan("");
  const OptimizeOutcome plan = run_optimize(two_channel_model(), q);
  ASSERT_EQ(plan.plans.size(), 1u);
  EXPECT_NEAR(
      plan.plans[0].channels[0].recommended_spend + plan.plans[0].channels[1].recommended_spend,
      2400.0, 1e-6);
  // tv's curve is steeper: it gets more than radio.
  EXPECT_GT(plan.plans[0].channels[0].recommended_spend,
            plan.plans[0].channels[1].recommended_spend);
  const auto tables = optimize_tables(plan);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].first, "budget_allocation.csv");
  EXPECT_EQ(tables[0].second, optimize_allocation_csv(plan.plans[0]));

  OptimizeRequest levels;
  levels.budget_levels = {"1800", "2200"};
  levels.budget_levels_given = true;
  const OptimizeOutcome two = run_optimize(two_channel_model(), levels);
  ASSERT_EQ(two.plans.size(), 2u);
  EXPECT_DOUBLE_EQ(two.plans[1].budget, 2200.0);
  EXPECT_EQ(optimize_tables(two).size(), 2u);
  levels.budget_levels = {"lots"};
  try {
    run_optimize(two_channel_model(), levels);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--budget-levels: `lots` is not a budget; expected a number ≥ 0 (spend per period "
              "of the model's data)");
  }
  OptimizeRequest window;
  window.window = "2024-01-08:2024-01-01";
  EXPECT_THROW(run_optimize(two_channel_model(), window), InputError);
}

CsvTable table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  CsvTable t;
  t.path = "DataFrame";
  t.header = std::move(header);
  t.rows = std::move(rows);
  for (size_t r = 0; r < t.rows.size(); ++r) t.line_numbers.push_back(static_cast<long>(r) + 2);
  return t;
}

TEST(SpendPlanTable, ABuiltTableIsReadAsTheFileWouldBe) {
  const CsvTable t =
      table({"date", "tv", "revenue"}, {{"2024-01-01", "10", "5"}, {"2024-01-08", "", "6"}});
  const SpendPlan p = build_spend_plan(t, "date", "revenue", {"tv"}, {});
  ASSERT_EQ(p.dates.size(), 2u);
  EXPECT_DOUBLE_EQ(p.spend(0, 0), 10.0);
  EXPECT_DOUBLE_EQ(p.spend(1, 0), 0.0);
  ASSERT_EQ(p.notices.size(), 1u);
  EXPECT_NE(p.notices[0].find("DataFrame: column `revenue`"), std::string::npos);
  const CsvTable bad = table({"date", "tv"}, {{"2024-01-01", "1o"}});
  try {
    build_spend_plan(bad, "date", "revenue", {"tv"}, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("DataFrame:2:2 (column `tv`)"), std::string::npos)
        << e.what();
  }
}

TEST(ColumnNames, DuplicatesAndOverLongNamesAreRefusedEmptyOnesMayRepeat) {
  EXPECT_NO_THROW(check_column_names(table({"", "", "tv"}, {})));
  try {
    check_column_names(table({"tv", "radio", "tv"}, {}));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "DataFrame:1: duplicate column name `tv` (columns 1 and 3)");
  }
  EXPECT_THROW(check_column_names(table({std::string(kMaxColumnNameBytes + 1, 'x')}, {})),
               InputError);
}

}  // namespace
}  // namespace mmm
