// bagged_transforms: each channel's median θ, α and (on the log scale) γ over the nested
// bootstrap's resamples, failed resamples left out.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "host/bootstrap/bagged_transforms.hpp"

namespace mmm {
namespace {

TEST(BaggedTransforms, OddCountTakesTheMiddleValueOfEachParameter) {
  Eigen::MatrixXd h(3, 6);
  // Channel 0 then channel 1; each column's middle value differs from its row's.
  h << 0.1, 2.0, 100.0, 0.9, 1.0, 5.0,  //
      0.5, 0.7, 400.0, 0.2, 3.0, 50.0,  //
      0.3, 1.5, 10.0, 0.4, 2.0, 500.0;
  const std::vector<double> m = bagged_transforms(h);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_DOUBLE_EQ(m[0], 0.3);
  EXPECT_DOUBLE_EQ(m[1], 1.5);
  EXPECT_NEAR(m[2], 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(m[3], 0.4);
  EXPECT_DOUBLE_EQ(m[4], 2.0);
  EXPECT_NEAR(m[5], 50.0, 1e-9);
}

TEST(BaggedTransforms, EvenCountAveragesTheMiddleTwoAndGammaOnTheLogScale) {
  Eigen::MatrixXd h(4, 3);
  h << 0.1, 1.0, 10.0,  //
      0.2, 2.0, 40.0,   //
      0.6, 3.0, 90.0,   //
      0.8, 4.0, 1000.0;
  const std::vector<double> m = bagged_transforms(h);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m[0], 0.4);
  EXPECT_DOUBLE_EQ(m[1], 2.5);
  EXPECT_NEAR(m[2], 60.0, 1e-9);  // √(40 · 90), not their mean 65
}

TEST(BaggedTransforms, FailedResamplesAreLeftOut) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd h(4, 3);
  h << nan, nan, nan,  //
      0.2, 2.0, 20.0,  //
      0.9, 9.0, 0.0,   // γ = 0 has no logarithm: not a usable draw
      0.4, 1.0, 5.0;
  const std::vector<double> m = bagged_transforms(h);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m[0], 0.3);
  EXPECT_DOUBLE_EQ(m[1], 1.5);
  EXPECT_NEAR(m[2], 10.0, 1e-9);
}

TEST(BaggedTransforms, NoUsableResampleGivesNothing) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd h(2, 3);
  h << nan, 1.0, 2.0,  //
      0.5, nan, 3.0;
  EXPECT_TRUE(bagged_transforms(h).empty());
  EXPECT_TRUE(bagged_transforms(Eigen::MatrixXd(0, 3)).empty());
}

}  // namespace
}  // namespace mmm
