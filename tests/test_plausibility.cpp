// The plausibility checks (host/diagnostics/plausibility) on constructed fits: each warning
// fires on a fit degenerate in its one way, with the figures it reports, and every check is
// silent on a plausible fit. Also the significance rule (host/diagnostics/significance).

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/diagnostics/plausibility.hpp"
#include "host/diagnostics/significance.hpp"

namespace mmm {
namespace {

/// A plausible fit: baseline 70% of the KPI, media 30%, interior hyperparameters, tight
/// intervals, positive CV R², half the channels at the allocation limit.
FitFigures good() {
  FitFigures f;
  f.mean_baseline = 7000.0;
  f.mean_kpi = 10000.0;
  f.total_media = 3000.0 * 104;
  f.total_kpi = 10000.0 * 104;
  for (const char* name : {"tv", "search", "radio", "print"}) {
    ChannelFigures c;
    c.name = name;
    c.roi = 2.0;
    c.roi_lower = 1.5;
    c.roi_upper = 2.6;
    c.theta = 0.4;
    c.alpha = 1.5;
    c.gamma = 3000.0;
    c.search_u = {0.3, -1.2, 4.8};  // 4.8 is 0.2 from the edge: still inside
    c.max_adstock = 8000.0;
    c.mean_nonzero_adstock = 4000.0;
    f.channels.push_back(c);
  }
  f.fold_r2 = {0.6, 0.41, 0.02};
  f.allocation = {{"tv", 1000, 1300},
                  {"search", 1000, 700},
                  {"radio", 1000, 1100},
                  {"print", 0, 0},
                  {"ooh", 500, 450}};
  f.change_limit = 0.3;
  return f;
}

double figure(const Diagnostic& d, const std::string& name) {
  for (const auto& [key, value] : d.figures)
    if (key == name) return value;
  ADD_FAILURE() << d.code << " has no figure " << name;
  return NAN;
}

TEST(Plausibility, SilentOnAPlausibleFit) {
  const std::vector<Diagnostic> all = plausibility_checks(good());
  for (const Diagnostic& d : all) ADD_FAILURE() << d.code << ": " << d.message;
  EXPECT_TRUE(all.empty());
}

TEST(Plausibility, SilentWhenFiguresAreMissing) {
  // No bootstrap, no search, CV skipped: NaN and empty figures raise nothing.
  FitFigures f = good();
  for (ChannelFigures& c : f.channels) {
    c.roi_lower = c.roi_upper = NAN;
    c.search_u = {NAN, NAN, NAN};
  }
  f.fold_r2.clear();
  EXPECT_TRUE(plausibility_checks(f).empty());
}

TEST(Plausibility, NegativeBaseline) {
  FitFigures f = good();
  f.mean_baseline = -9998807.0;
  f.mean_kpi = 157434.0;
  const auto d = check_baseline(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "negative_baseline");
  EXPECT_EQ(figure(d[0], "mean_baseline"), -9998807.0);
  EXPECT_EQ(figure(d[0], "mean_kpi"), 157434.0);
  EXPECT_NE(d[0].message.find("-9998807"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].message.find("157434"), std::string::npos) << d[0].message;
  EXPECT_TRUE(check_baseline(good()).empty());
}

TEST(Plausibility, MediaAboveKpi) {
  FitFigures f = good();
  f.total_media = 75.81 * f.total_kpi;
  const auto d = check_media_share(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "media_above_kpi");
  EXPECT_DOUBLE_EQ(figure(d[0], "media_share"), 75.81);
  EXPECT_NE(d[0].message.find("7581%"), std::string::npos) << d[0].message;
  f.total_media = f.total_kpi;  // exactly 100% is not above
  EXPECT_TRUE(check_media_share(f).empty());
}

TEST(Plausibility, HyperparameterAtTheBoxEdge) {
  FitFigures f = good();
  f.channels[1].search_u = {-4.95, 0.0, 5.0};  // θ at the lower edge, γ at the upper
  f.channels[3].search_u = {0.0, 4.9, 0.0};    // α exactly 0.1 from the upper edge
  const auto d = check_box_edges(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "hyperparameter_at_bound");
  EXPECT_EQ(d[0].channel, "search");
  ASSERT_EQ(d[0].figures.size(), 4u);
  EXPECT_EQ(figure(d[0], "theta"), 0.4);
  EXPECT_EQ(figure(d[0], "theta_coordinate"), -4.95);
  EXPECT_EQ(figure(d[0], "gamma"), 3000.0);
  EXPECT_EQ(figure(d[0], "gamma_coordinate"), 5.0);
  EXPECT_EQ(d[0].message,
            "`search`: theta 0.4 (lower), gamma 3000 (upper) at the edge of the search box: the "
            "box, not the data, sets them");
  EXPECT_EQ(d[1].channel, "print");
  EXPECT_EQ(figure(d[1], "alpha_coordinate"), 4.9);
  f.channels[1].search_u = {-4.89, 4.89, 0.0};  // 0.11 from the edge: inside
  f.channels[3].search_u = {0.0, 0.0, 0.0};
  EXPECT_TRUE(check_box_edges(f).empty());
}

TEST(Plausibility, WideIntervalAndEstimateOutsideIt) {
  FitFigures f = good();
  // display of the seed-1 simulation: ROI 0.181 in [−3.795, 3.500].
  f.channels[0].roi = 0.181;
  f.channels[0].roi_lower = -3.795;
  f.channels[0].roi_upper = 3.5;
  f.channels[2].roi = 3.0;  // above its own interval [1.5, 2.6]
  const auto d = check_intervals(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "wide_interval");
  EXPECT_EQ(d[0].channel, "tv");
  EXPECT_EQ(figure(d[0], "roi_lower"), -3.795);
  EXPECT_EQ(d[1].code, "estimate_outside_interval");
  EXPECT_EQ(d[1].channel, "radio");
  EXPECT_EQ(figure(d[1], "roi"), 3.0);
  // An ROI of ~0 (a zeroed channel) is not compared with its width.
  f = good();
  f.channels[0].roi = 0.0;
  f.channels[0].roi_lower = 0.0;
  f.channels[0].roi_upper = 1.0;
  EXPECT_TRUE(check_intervals(f).empty());
  // Width exactly 4 × ROI is not "wider".
  f.channels[0].roi = 1.0;
  f.channels[0].roi_lower = 0.0;
  f.channels[0].roi_upper = 4.0;
  EXPECT_TRUE(check_intervals(f).empty());
}

TEST(Plausibility, MostChannelsAtTheAllocationLimit) {
  FitFigures f = good();
  f.allocation[4].recommended = 350.0;  // ooh −30%: now 3 of 4 spending channels at ±30%
  const auto d = check_allocation_limit(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "allocation_at_limit");
  EXPECT_EQ(figure(d[0], "channels_at_limit"), 3.0);
  EXPECT_EQ(figure(d[0], "channels_allocated"), 4.0);  // print has no spend
  EXPECT_NE(d[0].message.find("the limit, not the model, decides this plan"), std::string::npos);
  EXPECT_NE(d[0].message.find("±30%"), std::string::npos) << d[0].message;
  // Exactly half (the good fit: 2 of 4) is not most.
  EXPECT_TRUE(check_allocation_limit(good()).empty());
}

TEST(Plausibility, NegativeOutOfSampleR2) {
  FitFigures f = good();
  f.fold_r2 = {0.5, -0.25, -1.75, 0.1};
  const auto d = check_cv_folds(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "negative_cv_r2");
  EXPECT_EQ(figure(d[0], "folds_negative"), 2.0);
  EXPECT_EQ(figure(d[0], "folds"), 4.0);
  EXPECT_EQ(figure(d[0], "worst_r2"), -1.75);
}

TEST(Plausibility, GammaFarOutsideTheSpendRange) {
  FitFigures f = good();
  f.channels[0].gamma = 80001.0;  // > 10 × max adstock 8000
  f.channels[3].gamma = 39.0;     // < 1% of mean nonzero adstock 4000
  const auto d = check_gamma_range(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "gamma_above_spend");
  EXPECT_EQ(d[0].channel, "tv");
  EXPECT_EQ(figure(d[0], "max_adstock"), 8000.0);
  EXPECT_EQ(d[1].code, "gamma_below_spend");
  EXPECT_EQ(d[1].channel, "print");
  EXPECT_EQ(figure(d[1], "mean_nonzero_adstock"), 4000.0);
  f.channels[0].gamma = 80000.0;  // exactly 10 ×: inside
  f.channels[3].gamma = 40.0;     // exactly 1%: inside
  EXPECT_TRUE(check_gamma_range(f).empty());
}

TEST(Plausibility, TrialsThatDisagree) {
  FitFigures f = good();
  EXPECT_TRUE(check_trial_spread(f).empty());  // one trial: nothing to compare
  const double roi = f.channels[1].roi;
  f.channels[1].trial_roi_min = 0.8 * roi;
  f.channels[1].trial_roi_max = 1.2 * roi;  // range 0.4 × ROI: agree
  EXPECT_TRUE(check_trial_spread(f).empty());
  f.channels[1].trial_roi_max = 1.4 * roi;  // range 0.6 × ROI: disagree
  const auto d = check_trial_spread(f);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "trials_disagree");
  EXPECT_EQ(d[0].channel, f.channels[1].name);
  EXPECT_DOUBLE_EQ(figure(d[0], "trial_roi_max"), 1.4 * roi);
}

TEST(Plausibility, AllChecksInOrder) {
  FitFigures f = good();
  f.mean_baseline = -1.0;
  f.fold_r2 = {-0.1};
  const auto d = plausibility_checks(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "negative_baseline");
  EXPECT_EQ(d[1].code, "negative_cv_r2");
}

TEST(Significance, NonpositiveShareCountsFiniteDrawsOnly) {
  Eigen::VectorXd draws(6);
  draws << 1.0, 0.0, -2.0, NAN, 3.0, 4.0;
  EXPECT_DOUBLE_EQ(nonpositive_share(draws), 2.0 / 5.0);
  EXPECT_EQ(nonpositive_share(Eigen::VectorXd::Constant(3, NAN)), 0.0);
}

TEST(Significance, LowerBoundAboveZeroAndAVisibleShareOfTheEstimate) {
  EXPECT_TRUE(is_significant(2.0, 0.5, 0.0));
  EXPECT_TRUE(is_significant(2.0, 0.021, 0.04));
  EXPECT_FALSE(is_significant(2.0, 0.0, 0.0));    // interval touches 0
  EXPECT_FALSE(is_significant(2.0, 0.019, 0.0));  // lower bound under 1% of the ROI
  EXPECT_FALSE(is_significant(2.0, 1e-12, 0.0));  // "above 0" by rounding only
  EXPECT_FALSE(is_significant(2.0, 0.5, 0.05));   // 5% of resamples zero the channel
  EXPECT_FALSE(is_significant(2.0, NAN, 0.0));    // no bootstrap
  EXPECT_FALSE(is_significant(-1.0, -2.0, 0.5));
}

}  // namespace
}  // namespace mmm
