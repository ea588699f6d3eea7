// Robyn's objectives and the Pareto front (host/search/pareto) against direct computations on
// small data, and `mmm fit --objective pareto` through the CLI.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/search/pareto.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

TEST(Pareto, NrmseFromR2IsTheRmseOverTheRange) {
  // y = 1, 3, 5, 7 (var 5, range 6); a fit with residuals 1, −1, 1, −1: RSS 4, R² = 1 − 4/20.
  const double r2 = 1.0 - 4.0 / 20.0;
  EXPECT_NEAR(nrmse_from_r2(r2, 5.0, 6.0), std::sqrt(4.0 / 4.0) / 6.0, 1e-15);
  EXPECT_TRUE(std::isinf(nrmse_from_r2(0.5, 1.0, 0.0)));
}

TEST(Pareto, DecompRssdIsTheDistanceBetweenEffectAndSpendShares) {
  // Effects 3·2 = 6 and 1·2 = 2 (shares 0.75, 0.25) against spend shares 0.5, 0.5.
  const double coef[2] = {3.0, 1.0}, mean[2] = {2.0, 2.0};
  EXPECT_NEAR(decomp_rssd(coef, mean, {0.5, 0.5}), std::sqrt(0.0625 + 0.0625), 1e-15);
  // Effect shares equal to spend shares: 0.
  EXPECT_NEAR(decomp_rssd(coef, mean, {0.75, 0.25}), 0.0, 1e-15);
  // No positive effect: every effect share is 0.
  const double zero[2] = {0.0, 0.0};
  EXPECT_NEAR(decomp_rssd(zero, mean, {0.5, 0.5}), std::sqrt(0.5), 1e-15);
}

ParetoPoint point(double nrmse, double rssd) {
  ParetoPoint p;
  p.nrmse = nrmse;
  p.decomp_rssd = rssd;
  return p;
}

TEST(Pareto, FrontIsTheNonDominatedPointsByNrmse) {
  const std::vector<ParetoPoint> pts = {point(0.10, 0.50), point(0.12, 0.20), point(0.11, 0.60),
                                        point(0.20, 0.05), point(0.15, 0.30), point(INFINITY, 0.0),
                                        point(0.10, 0.55)};
  // Brute force: i is on the front unless some j is ≤ in both and < in one.
  std::vector<int> want;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!std::isfinite(pts[i].nrmse)) continue;
    bool dominated = false;
    for (size_t j = 0; j < pts.size(); ++j) {
      if (!std::isfinite(pts[j].nrmse)) continue;
      dominated =
          dominated || (pts[j].nrmse <= pts[i].nrmse && pts[j].decomp_rssd <= pts[i].decomp_rssd &&
                        (pts[j].nrmse < pts[i].nrmse || pts[j].decomp_rssd < pts[i].decomp_rssd));
    }
    if (!dominated) want.push_back(static_cast<int>(i));
  }
  EXPECT_EQ(pareto_front(pts), want);
  EXPECT_EQ(want, (std::vector<int>{0, 1, 3}));
  // Scaled to the front: (0, 1), (0.2, 0.333), (1, 0) → the middle one.
  EXPECT_EQ(choose_on_front(pts, want), 1);
  EXPECT_EQ(choose_on_front(pts, {}), -1);
}

}  // namespace

namespace test {
namespace {

TEST(ParetoCli, ObjectiveParetoWritesTheFrontAndFitsTheChosenModel) {
  TempDir dir;
  const CliResult sim = run_mmm(
      {"simulate", "--weeks", "104", "--channels", "4", "--seed", "2", "--out", dir / "d.csv"});
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  const CliResult r = run_mmm({"fit", "--data", dir / "d.csv", "--out", dir / "o", "--objective",
                               "pareto", "--budget", "600", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const CsvFile f = read_csv(dir / "o/pareto.csv");
  ASSERT_GE(f.rows.size(), 1u);
  int chosen = -1;
  double last_nrmse = -1, last_rssd = INFINITY;
  for (size_t i = 0; i < f.rows.size(); ++i) {
    const double nrmse = std::stod(f.rows[i][1]), rssd = std::stod(f.rows[i][2]);
    EXPECT_GT(nrmse, last_nrmse);  // ordered by NRMSE, RSSD falling: a front
    EXPECT_LT(rssd, last_rssd);
    last_nrmse = nrmse;
    last_rssd = rssd;
    if (f.rows[i][4] == "TRUE") chosen = static_cast<int>(i);
  }
  ASSERT_GE(chosen, 0);
  // The model is the chosen point: its θ, α, γ.
  const nlohmann::json m = nlohmann::json::parse(read_text(dir / "o/model.json"));
  EXPECT_EQ(m["search"]["objective"], "pareto");
  EXPECT_EQ(m["search"]["pareto_front"], f.rows.size());
  const double theta = m["hyperparameters"]["channels"]["tv"]["theta"];
  // (the CSV carries 12 significant digits)
  EXPECT_NEAR(theta, std::stod(f.rows[static_cast<size_t>(chosen)][f.column("tv_theta")]),
              1e-11 * theta);
  // With the nested bootstrap, each resample's model is chosen on its own front too.
  const CliResult nested = run_mmm({"fit", "--data", dir / "d.csv", "--out", dir / "n",
                                    "--objective", "pareto", "--evaluations", "300", "--bootstrap",
                                    "8", "--nested-evaluations", "60", "--quiet"});
  ASSERT_EQ(nested.exit_code, 0) << describe(nested);
  const nlohmann::json mn = nlohmann::json::parse(read_text(dir / "n/model.json"));
  EXPECT_EQ(mn["bootstrap"]["nested_selection"], "pareto_front");
  EXPECT_EQ(m["bootstrap"]["nested_selection"], "lowest_loss");
  // A plain fit into the same folder removes the pareto.csv it no longer writes.
  const CliResult plain = run_mmm({"fit", "--data", dir / "d.csv", "--out", dir / "o", "--budget",
                                   "200", "--bootstrap", "0", "--quiet"});
  ASSERT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_FALSE(fs::exists(dir / "o/pareto.csv"));
  // Bad values and combinations are input errors.
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--objective", "r2"}, {"--objective", "pareto", "--trials", "2"}}) {
    std::vector<std::string> args = {"fit", "--data", dir / "d.csv", "--out", dir / "bad"};
    args.insert(args.end(), extra.begin(), extra.end());
    EXPECT_EQ(run_mmm(args).exit_code, 2);
  }
}

}  // namespace
}  // namespace test
}  // namespace mmm
