// Per-segment hyperparameters (SPEC §9, `--per-segment-hyperparameters`): each segment's term
// of the pooled loss adds up to the pooled loss at the shared fit, the block-coordinate search
// never worsens a segment's term and is reproducible, the pipeline keeps the per-segment
// result only when the pooled loss does not rise, and a model.json refit restores it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "host/common/thread_pool.hpp"
#include "host/data/segmented_loader.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/segments/segment_hyper_search.hpp"
#include "host/segments/segment_pipeline.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "tests/cli_runner.hpp"

namespace mmm {
namespace {

using test::CliResult;
using test::describe;
using test::read_text;
using test::run_mmm;
using test::TempDir;
namespace fs = std::filesystem;

// Simulated long data written to `dir`: S segments, each with its own θ, α, γ.
std::string simulate_to(const TempDir& dir, int S, int weeks, double hyper_spread,
                        std::uint64_t seed = 5) {
  SimulationOptions o;
  o.weeks = weeks;
  o.channels = 3;
  o.noise = 0.03;
  o.seed = seed;
  const std::string path = dir / "seg.csv";
  write_segment_simulation(simulate_segments(o, S, 0.3, hyper_spread), path);
  return path;
}

SegmentProblem problem_of(const std::string& path, Pooling pooling,
                          const std::vector<int>& global_columns = {}) {
  ColumnSelection sel;
  sel.segments = {"segment"};
  const SegmentedData data = load_segmented_csv(path, sel);
  PoolingPenalties pen;
  pen.global_columns = global_columns;
  return make_segment_problem(data, pooling, pen);
}

std::vector<double> some_hyper(int C) {
  std::vector<double> h;
  for (int c = 0; c < C; ++c) h.insert(h.end(), {0.3 + 0.1 * c, 1.5, 20000.0 + 5000.0 * c});
  return h;
}

// At the shared fit each segment's β_s is exactly what segment_term solves for (β_g fixed), so
// the terms add up to the pooled ridge objective (RSS plus the segment penalties, computed
// here from the pooled solution) over Σ TSS, plus under none the loss's sign penalty: the
// search optimizes the pieces of what the re-solve minimizes.
TEST(SegmentHyperparameters, TermsAddUpToThePooledObjectiveAtTheSharedFit) {
  TempDir dir;
  const std::string path = simulate_to(dir, 5, 60, 0.0);
  for (Pooling pooling : {Pooling::kNone, Pooling::kPartial, Pooling::kComplete}) {
    for (const std::vector<int>& globals : {std::vector<int>{}, std::vector<int>{1}}) {
      const SegmentProblem p = problem_of(path, pooling, globals);
      const std::vector<double> h = some_hyper(p.channels());
      const SegmentDesign d = build_segment_design(p, h.data(), nullptr);
      const SegmentFit f = fit_segment_design(p, d, pooling, nullptr);
      ASSERT_TRUE(std::isfinite(f.loss));
      double tss = 0.0, sum = 0.0, objective = 0.0, sign = 0.0;
      for (const SegmentGram& g : d.blocks) tss += g.yy;
      const double mu =
          pooling == Pooling::kPartial ? p.penalties.lambda_segment : p.penalties.lambda;
      for (int s = 0; s < p.count(); ++s) {
        double neg = 0.0;
        // Partial: the floor is the segment's own value at this point, so no sign term.
        if (pooling == Pooling::kPartial)
          segment_term(p, s, h.data(), d.scale, f.solution.global, tss, 0.0, &neg);
        sum += segment_term(p, s, h.data(), d.scale, f.solution.global, tss, neg);
        objective += f.solution.rss[s];
        for (int j = 0; j < p.parameters(); ++j) {
          const bool global = std::count(globals.begin(), globals.end(), j) > 0;
          if (global || pooling == Pooling::kComplete) continue;
          const double gap = f.solution.segment(j, s) -
                             (pooling == Pooling::kPartial ? f.solution.global[j] : 0.0);
          objective += mu * gap * gap;
        }
        for (int c = 0; c < p.channels() && pooling == Pooling::kNone; ++c)
          sign += std::pow(std::min(f.solution.segment(c, s), 0.0), 2);
      }
      const double expected = objective / tss + p.penalty_weight * sign / p.count();
      EXPECT_NEAR(sum, expected, 1e-10 * expected)
          << pooling_name(pooling) << " with " << globals.size() << " global columns";
      // The RSS part alone is the pooled fit's 1 − R².
      EXPECT_NEAR(f.solution.rss.sum() / tss, 1.0 - f.r2_pooled, 1e-12);
    }
  }
}

// A partial-pooling problem on simulated data fitted at some_hyper: the start of a search.
struct SharedFit {
  explicit SharedFit(const std::string& path)
      : problem(problem_of(path, Pooling::kPartial)),
        hyper(some_hyper(problem.channels())),
        design(build_segment_design(problem, hyper.data(), nullptr)),
        fit(fit_segment_design(problem, design, Pooling::kPartial, nullptr)),
        space(default_search_space(problem.max_spend)) {}
  SegmentProblem problem;
  std::vector<double> hyper;
  SegmentDesign design;
  SegmentFit fit;
  SearchSpace space;
};

TEST(SegmentHyperparameters, SearchNeverWorsensASegmentAndIsReproducible) {
  TempDir dir;
  const SharedFit start(simulate_to(dir, 6, 80, 0.5));
  const SegmentProblem& p = start.problem;
  const int C = p.channels();
  const std::vector<double>& h = start.hyper;
  const SegmentDesign& d = start.design;
  const SegmentFit& f = start.fit;
  const SearchSpace& space = start.space;
  SegmentHyperSearchOptions o;
  o.budget = 300;
  ThreadPool pool(2);
  int last_progress = 0;
  const SegmentHyperSearch a =
      search_segment_hyperparameters(p, space, h, d, f, o, &pool, [&](int done) {
        EXPECT_GE(done, last_progress);
        last_progress = done;
      });
  EXPECT_EQ(last_progress, p.count());
  const SegmentHyperSearch b = search_segment_hyperparameters(p, space, h, d, f, o, nullptr);
  ASSERT_EQ(a.hyper3c.size(), static_cast<size_t>(p.count() * 3 * C));
  EXPECT_EQ(a.hyper3c, b.hyper3c) << "threads must not change any segment's result";
  EXPECT_EQ(a.evaluations, b.evaluations);
  EXPECT_GE(a.evaluations, static_cast<long>(p.count()) * o.budget);
  int improved = 0;
  for (int s = 0; s < p.count(); ++s) {
    EXPECT_LE(a.term_best[s], a.term_shared[s]) << "segment " << s;
    improved += a.term_best[s] < 0.99 * a.term_shared[s];
    // The reported term is the term of the returned point.
    double tss = 0.0;
    for (const SegmentGram& g : d.blocks) tss += g.yy;
    EXPECT_NEAR(segment_term(p, s, &a.hyper3c[static_cast<size_t>(s) * 3 * C], d.scale,
                             f.solution.global, tss),
                a.term_best[s], 1e-12);
  }
  EXPECT_GE(improved, p.count() / 2) << "segments with their own transforms should gain";
}

TEST(SegmentHyperparameters, ShrinkagePullsTowardTheSharedPoint) {
  TempDir dir;
  const SharedFit start(simulate_to(dir, 4, 80, 0.5));
  const SegmentProblem& p = start.problem;
  const int C = p.channels();
  const std::vector<double>& h = start.hyper;
  const SegmentDesign& d = start.design;
  const SegmentFit& f = start.fit;
  const SearchSpace& space = start.space;
  std::vector<double> u0(space.dimension());
  std::vector<ChannelHyper> shared;
  for (int c = 0; c < C; ++c) shared.push_back({h[3 * c], h[3 * c + 1], h[3 * c + 2]});
  space.encode(shared, u0.data());
  // Mean squared shift of every segment's search point from the shared one.
  auto shift = [&](double rho) {
    SegmentHyperSearchOptions o;
    o.budget = 300;
    o.shrinkage = rho;
    const SegmentHyperSearch r = search_segment_hyperparameters(p, space, h, d, f, o, nullptr);
    double sum = 0.0;
    for (int s = 0; s < p.count(); ++s) {
      std::vector<ChannelHyper> own;
      for (int c = 0; c < C; ++c) {
        const double* x = &r.hyper3c[static_cast<size_t>(s) * 3 * C + 3 * c];
        own.push_back({x[0], x[1], x[2]});
      }
      std::vector<double> u(space.dimension());
      space.encode(own, u.data());
      for (size_t k = 0; k < u.size(); ++k) sum += (u[k] - u0[k]) * (u[k] - u0[k]);
    }
    return sum / (p.count() * space.dimension());
  };
  const double free = shift(0.0), pulled = shift(0.3), pinned = shift(1e6);
  EXPECT_GT(free, 0.05);
  EXPECT_LT(pulled, 0.7 * free);
  EXPECT_LT(pinned, 1e-6) << "a prohibitive shrinkage keeps the shared point";
}

FitOptions segment_options(const std::string& path) {
  FitOptions o;
  o.data_path = path;
  o.columns.segments = {"segment"};
  o.budget = 400;
  o.bootstrap = 0;
  o.quiet = true;
  o.threads = 2;
  return o;
}

// Per-segment ROI error against the truth file written next to the data.
double roi_error(const SegmentReport& r, const std::string& truth_path) {
  const auto truth = nlohmann::json::parse(read_text(truth_path));
  double err = 0.0;
  int n = 0;
  for (int s = 0; s < r.problem.count(); ++s) {
    for (int c = 0; c < r.problem.channels(); ++c) {
      const double t = truth["segment_truth"][r.data.names[s]]["channels"]
                            [r.data.segments[0].channels[c]]["roi"];
      err += std::abs(r.channels[s][c].roi - t) / t;
      ++n;
    }
  }
  return err / n;
}

TEST(SegmentHyperparameters, PipelineLowersTheLossAndRecoversPerSegmentRoiBetter) {
  TempDir dir;
  const std::string path = simulate_to(dir, 8, 104, 0.6, 7);
  const SegmentReport shared = run_segment_fit(segment_options(path));
  FitOptions o = segment_options(path);
  o.per_segment_hyperparameters = true;
  o.segment_budget = 600;
  const SegmentReport own = run_segment_fit(o);
  EXPECT_EQ(shared.hyper_stride, 0);
  ASSERT_EQ(own.hyper_stride, 3 * own.problem.channels());
  EXPECT_EQ(own.shared_loss, shared.fit.loss) << "the same shared search comes first";
  EXPECT_LT(own.fit.loss, 0.95 * shared.fit.loss);
  EXPECT_GT(own.segment_search_evaluations, 8L * 600);
  // Segment 0 and 1 now differ in their transforms; the GLOBAL set stays the shared one.
  EXPECT_NE(own.segment_hyper(0, 0).theta, own.segment_hyper(1, 0).theta);
  EXPECT_EQ(own.hyperparameters.channels[0].theta, shared.hyperparameters.channels[0].theta);
  const std::string truth = dir / "seg.truth.json";
  EXPECT_LT(roi_error(own, truth), roi_error(shared, truth));
}

TEST(SegmentHyperparameters, ModelJsonRefitRestoresPerSegmentAndGlobalChannels) {
  TempDir dir;
  const std::string data = simulate_to(dir, 4, 70, 0.5);
  const std::string out1 = dir / "o1", out2 = dir / "o2";
  const std::vector<std::string> base = {"fit",     "--data",   data,    "--segments",
                                         "segment", "--budget", "200",   "--bootstrap",
                                         "0",       "--quiet",  "--json"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--out", out1, "--per-segment-hyperparameters", "--segment-budget",
                           "200", "--global-channels", "tv"});
  const CliResult first = run_mmm(args);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const auto m1 = nlohmann::json::parse(read_text(dir / "o1/model.json"));
  ASSERT_TRUE(m1["config"]["per_segment_hyperparameters"].get<bool>());
  ASSERT_TRUE(m1["segment_coefficients"]["seg_02"].contains("hyperparameters"));

  args = base;
  args.insert(args.end(), {"--out", out2, "--hyperparameters", dir / "o1/model.json"});
  const CliResult second = run_mmm(args);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  const auto m2 = nlohmann::json::parse(read_text(dir / "o2/model.json"));
  EXPECT_EQ(m2["global_channels"], m1["global_channels"]);
  EXPECT_EQ(m2["segment_coefficients"]["seg_02"]["hyperparameters"],
            m1["segment_coefficients"]["seg_02"]["hyperparameters"]);
  const double a = m1["metrics"]["loss"], b = m2["metrics"]["loss"];
  EXPECT_NEAR(a, b, 1e-10 * a);
  const double ca = m1["segment_coefficients"]["seg_03"]["coef"][1];
  const double cb = m2["segment_coefficients"]["seg_03"]["coef"][1];
  EXPECT_NEAR(ca, cb, 1e-8 * std::abs(ca));

  // Searching again on top of a per-segment model is refused, before any output.
  args.push_back("--per-segment-hyperparameters");
  args[args.size() - 4] = dir / "o3";  // the --out value
  const CliResult third = run_mmm(args);
  EXPECT_EQ(third.exit_code, 2) << describe(third);
  EXPECT_NE(third.err.find("already holds per-segment hyperparameters"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "o3"));
}

TEST(SegmentHyperparameters, BadUse) {
  TempDir dir;
  const std::string data = simulate_to(dir, 2, 60, 0.0);
  const std::string wide = dir / "wide.csv";
  ASSERT_EQ(run_mmm({"simulate", "--weeks", "60", "--out", wide, "--quiet"}).exit_code, 0);
  CliResult r =
      run_mmm({"fit", "--data", wide, "--out", dir / "o", "--per-segment-hyperparameters"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--per-segment-hyperparameters needs --segments"), std::string::npos)
      << r.err;
  r = run_mmm({"fit", "--data", data, "--segments", "segment", "--out", dir / "o",
               "--per-segment-hyperparameters", "--segment-budget", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid --segment-budget 0"), std::string::npos) << r.err;
  r = run_mmm({"fit", "--data", data, "--segments", "segment", "--out", dir / "o",
               "--per-segment-hyperparameters", "--segment-shrinkage", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid --segment-shrinkage"), std::string::npos) << r.err;
  r = run_mmm({"simulate", "--segment-hyper-spread", "0.5", "--out", wide});
  EXPECT_EQ(r.exit_code, 2);
  r = run_mmm({"simulate", "--segments", "2", "--segment-hyper-spread", "-1", "--out", wide});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(SegmentHyperparameters, SimulatorSpreadKeepsTheCoefficientDraws) {
  SimulationOptions o;
  o.weeks = 30;
  o.channels = 3;
  const SegmentSimulation shared = simulate_segments(o, 3, 0.3, 0.0);
  const SegmentSimulation own = simulate_segments(o, 3, 0.3, 0.5);
  bool differs = false;
  for (int s = 0; s < 3; ++s) {
    for (int c = 0; c < 3; ++c) {
      const ChannelTruth& a = shared.segments[s].truth[c];
      const ChannelTruth& b = own.segments[s].truth[c];
      EXPECT_EQ(a.coef, b.coef);
      EXPECT_EQ(a.hyper.theta, shared.global[c].hyper.theta);
      EXPECT_GE(b.hyper.alpha, 0.5);
      EXPECT_LE(b.hyper.alpha, 3.0);
      EXPECT_LE(b.hyper.theta, 0.95);
      differs = differs || b.hyper.gamma != a.hyper.gamma;
    }
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace mmm
