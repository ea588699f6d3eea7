// A segmented fit divided among a job's ranks (docs/distributed.md), with the ranks as threads
// of one process (thread_communicator.hpp): the shared search's candidates, the per-segment
// searches and the bootstrap resamples, each against one process, exactly.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/common/thread_pool.hpp"
#include "host/data/segmented_loader.hpp"
#include "host/segments/segment_bootstrap.hpp"
#include "host/segments/segment_hyper_search.hpp"
#include "host/segments/segment_pipeline.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "tests/cli_runner.hpp"
#include "tests/thread_communicator.hpp"

namespace mmm {
namespace {

using test::run_ranks;
using test::TempDir;

std::string simulate_segments_to(const TempDir& dir, int S) {
  SimulationOptions o;
  o.weeks = 70;
  o.channels = 3;
  o.noise = 0.05;
  o.seed = 11;
  const std::string path = dir / "seg.csv";
  write_segment_simulation(simulate_segments(o, S, 0.3, 0.4), path);
  return path;
}

SegmentProblem partial_problem(const std::string& path) {
  ColumnSelection sel;
  sel.segments = {"segment"};
  return make_segment_problem(load_segmented_csv(path, sel), Pooling::kPartial, PoolingPenalties{});
}

/// Same values, NaN equal to NaN.
void expect_same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const std::string& what) {
  ASSERT_EQ(a.rows(), b.rows()) << what;
  ASSERT_EQ(a.cols(), b.cols()) << what;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (std::isnan(a(i))) {
      EXPECT_TRUE(std::isnan(b(i))) << what << " " << i;
    } else {
      EXPECT_EQ(a(i), b(i)) << what << " " << i;
    }
  }
}

TEST(SegmentBootstrap, ThreadRanksGiveOneProcessResamples) {
  TempDir dir;
  const SegmentProblem problem = partial_problem(simulate_segments_to(dir, 4));
  const std::vector<double> hyper = {0.3, 1.5, 20000.0, 0.4, 1.5, 25000.0, 0.5, 1.5, 30000.0};
  SegmentBootstrapOptions bo;
  bo.resamples = 23;
  const SegmentBootstrap one = bootstrap_segments(problem, hyper.data(), bo, nullptr);
  ASSERT_EQ(one.global_draws.rows(), 23);
  EXPECT_LT(one.global_roi_lower[0], one.global_roi_upper[0]);
  for (int ranks : {2, 3, 30}) {  // 30 > 23 resamples: seven ranks compute none
    const auto got = run_ranks<SegmentBootstrap>(ranks, [&](const Communicator& c) {
      ThreadPool pool(1);
      return bootstrap_segments(problem, hyper.data(), bo, &pool, {}, c);
    });
    for (const SegmentBootstrap& b : got) {
      EXPECT_EQ(b.failed, one.failed);
      expect_same(b.global_draws, one.global_draws, "draws");
      expect_same(b.roi_lower, one.roi_lower, "roi_lower");
      expect_same(b.roi_upper, one.roi_upper, "roi_upper");
      expect_same(b.coef_lower, one.coef_lower, "coef_lower");
      expect_same(b.coef_upper, one.coef_upper, "coef_upper");
      expect_same(b.global_roi_lower, one.global_roi_lower, "global_roi_lower");
      expect_same(b.global_coef_upper, one.global_coef_upper, "global_coef_upper");
    }
  }
}

TEST(SegmentHyperparameters, ThreadRanksGiveOneProcessSearches) {
  TempDir dir;
  const SegmentProblem problem = partial_problem(simulate_segments_to(dir, 5));
  const std::vector<double> hyper = {0.3, 1.5, 20000.0, 0.4, 1.5, 25000.0, 0.5, 1.5, 30000.0};
  const SegmentDesign design = build_segment_design(problem, hyper.data(), nullptr);
  const SegmentFit fit = fit_segment_design(problem, design, Pooling::kPartial, nullptr);
  const SearchSpace space = default_search_space(problem.max_spend);
  SegmentHyperSearchOptions so;
  so.budget = 120;
  const SegmentHyperSearch one =
      search_segment_hyperparameters(problem, space, hyper, design, fit, so, nullptr);
  EXPECT_EQ(one.evaluations, 5L * 121);
  for (int ranks : {2, 3}) {
    const auto got = run_ranks<SegmentHyperSearch>(ranks, [&](const Communicator& c) {
      return search_segment_hyperparameters(problem, space, hyper, design, fit, so, nullptr, {}, c);
    });
    for (const SegmentHyperSearch& h : got) {
      EXPECT_EQ(h.hyper3c, one.hyper3c);
      EXPECT_EQ(h.term_shared, one.term_shared);
      EXPECT_EQ(h.term_best, one.term_best);
      EXPECT_EQ(h.evaluations, one.evaluations);
    }
  }
}

// The whole pipeline: the shared search (candidates divided), per-segment searches and the
// bootstrap; every rank ends with one process's report.
TEST(SegmentPipeline, ThreadRanksGiveOneProcessFit) {
  TempDir dir;
  FitOptions o;
  o.data_path = simulate_segments_to(dir, 4);
  o.columns.segments = {"segment"};
  o.budget = 150;
  o.bootstrap = 9;
  o.per_segment_hyperparameters = true;
  o.segment_budget = 90;
  o.quiet = true;
  o.threads = 1;
  const SegmentReport one = run_segment_fit(o);
  ASSERT_TRUE(one.bootstrapped);
  EXPECT_EQ(one.segment_search_evaluations, 4L * 91);  // 4 segments, 90 + the shared point
  for (int ranks : {2, 3}) {
    const auto got = run_ranks<SegmentReport>(ranks, [&](const Communicator& c) {
      FitOptions mine = o;
      mine.communicator = &c;
      return run_segment_fit(mine);
    });
    for (const SegmentReport& r : got) {
      EXPECT_EQ(r.search.best, one.search.best) << ranks << " ranks";
      EXPECT_EQ(r.search.best_loss, one.search.best_loss);
      EXPECT_EQ(r.search.evaluations, one.search.evaluations);
      EXPECT_EQ(r.hyper3c, one.hyper3c);
      EXPECT_EQ(r.fit.loss, one.fit.loss);
      EXPECT_EQ(r.segment_search_evaluations, one.segment_search_evaluations);
      expect_same(r.bootstrap.global_draws, one.bootstrap.global_draws, "draws");
      expect_same(r.bootstrap.roi_lower, one.bootstrap.roi_lower, "roi_lower");
      for (int s = 0; s < one.problem.count(); ++s) {
        for (int c = 0; c < one.problem.channels(); ++c)
          EXPECT_EQ(r.channels[s][c].roi, one.channels[s][c].roi);
      }
    }
  }
}

}  // namespace
}  // namespace mmm
