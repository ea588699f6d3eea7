// The empty-control-cell policies of --missing-controls (host/data/missing_controls.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/common/errors.hpp"
#include "host/data/missing_controls.hpp"

namespace mmm {
namespace {

Eigen::VectorXd column(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out[i++] = x;
  return out;
}

TEST(MissingControls, ParsesTheFourPolicies) {
  EXPECT_EQ(parse_missing_controls("error", "--missing-controls"), MissingControls::Error);
  EXPECT_EQ(parse_missing_controls("zero", "--missing-controls"), MissingControls::Zero);
  EXPECT_EQ(parse_missing_controls("ffill", "--missing-controls"), MissingControls::Ffill);
  EXPECT_EQ(parse_missing_controls("mean", "--missing-controls"), MissingControls::Mean);
  for (MissingControls p : {MissingControls::Error, MissingControls::Zero, MissingControls::Ffill,
                            MissingControls::Mean}) {
    EXPECT_EQ(parse_missing_controls(missing_controls_name(p), "x"), p);
  }
  try {
    parse_missing_controls("interpolate", "--missing-controls");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("error, zero, ffill, mean"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("`interpolate`"), std::string::npos);
  }
}

TEST(MissingControls, FillsByPolicy) {
  const std::vector<bool> empty = {false, true, false, true, true};
  Eigen::VectorXd v = column({2, 0, 5, 0, 0});
  EXPECT_EQ(fill_missing_controls(v, empty, MissingControls::Zero), -1);
  EXPECT_EQ(v, column({2, 0, 5, 0, 0}));
  v = column({2, 0, 5, 0, 0});
  EXPECT_EQ(fill_missing_controls(v, empty, MissingControls::Ffill), -1);
  EXPECT_EQ(v, column({2, 2, 5, 5, 5}));
  v = column({2, 0, 5, 0, 0});
  EXPECT_EQ(fill_missing_controls(v, empty, MissingControls::Mean), -1);
  EXPECT_EQ(v, column({2, 3.5, 5, 3.5, 3.5}));
}

TEST(MissingControls, ReportsTheCellAPolicyCannotFill) {
  Eigen::VectorXd v = column({0, 1, 2});
  EXPECT_EQ(fill_missing_controls(v, {true, false, false}, MissingControls::Ffill), 0);
  v = column({0, 0});
  EXPECT_EQ(fill_missing_controls(v, {true, true}, MissingControls::Mean), 0);
  v = column({1, 0});
  EXPECT_EQ(fill_missing_controls(v, {false, true}, MissingControls::Error), 1);
}

}  // namespace
}  // namespace mmm
