// The work split of a multi-rank job (host/distributed, docs/distributed.md): the pieces
// (index ranges, device per rank, byte buffers, divided values) and, with the ranks as threads
// (thread_communicator.hpp), the divided trials (with the Pareto record), bootstrap and nested
// bootstrap against one process, exactly. The sweep's division: test_distributed_sweep.cpp;
// the segmented fit's: test_distributed_segments.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/backend/cpu_evaluator.hpp"
#include "host/bootstrap/bootstrap.hpp"
#include "host/bootstrap/nested_bootstrap.hpp"
#include "host/common/philox.hpp"
#include "host/distributed/byte_buffer.hpp"
#include "host/distributed/communicator.hpp"
#include "host/distributed/divided_values.hpp"
#include "host/distributed/rank_device.hpp"
#include "host/distributed/work_split.hpp"
#include "host/features/controls.hpp"
#include "host/search/pareto_sharing.hpp"
#include "host/search/trials.hpp"
#include "tests/thread_communicator.hpp"

namespace mmm {
namespace {

using test::run_ranks;

TEST(WorkSplit, RangesCoverEveryIndexOnceInRankOrder) {
  for (std::uint64_t n = 0; n <= 25; ++n) {
    for (int ranks = 1; ranks <= 6; ++ranks) {
      std::uint64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const IndexRange range = rank_range(n, ranks, r);
        EXPECT_EQ(range.begin, next) << n << " " << ranks << " " << r;
        EXPECT_LE(range.size(), n / ranks + 1);
        EXPECT_GE(range.size(), n / ranks);
        next = range.end;
      }
      EXPECT_EQ(next, n);
    }
  }
  EXPECT_EQ(rank_range(10, 3, 0).end, 4u);
  EXPECT_EQ(rank_range(10, 3, 1).begin, 4u);
  EXPECT_EQ(rank_range(10, 3, 2).begin, 7u);
  const std::uint64_t big = 1ull << 40;
  EXPECT_EQ(rank_range(big, 64, 63).end, big);
  EXPECT_EQ(rank_range(big, 64, 1).begin, big / 64);
}

TEST(RankDevice, AutoTakesTheGpuOfTheLocalRank) {
  EXPECT_EQ(device_for_rank("auto", 4, 0, 2), "cuda:0");
  EXPECT_EQ(device_for_rank("auto", 4, 1, 2), "cuda:1");
  EXPECT_EQ(device_for_rank("auto", 4, 3, 2), "cuda:1");  // more ranks than GPUs: wraps
  EXPECT_EQ(device_for_rank("auto", 8, 5, 8), "cuda:5");
  EXPECT_EQ(device_for_rank("auto", 4, 2, 0), "auto");  // no GPU: auto takes the CPU
  EXPECT_EQ(device_for_rank("auto", 1, 0, 4), "auto");  // a single process: unchanged
  EXPECT_EQ(device_for_rank("cpu", 4, 1, 2), "cpu");    // explicit choices stay
  EXPECT_EQ(device_for_rank("cuda:1", 4, 0, 2), "cuda:1");
}

TEST(ByteBuffer, RoundTripsValuesAndRefusesTruncation) {
  ByteWriter w;
  w.put(42);
  w.put(2.5);
  w.put_vector(std::vector<double>{1.0, -0.0, std::numeric_limits<double>::infinity()});
  w.put_vector(std::vector<std::int64_t>{});
  const Bytes bytes = w.take();
  ByteReader r(bytes);
  EXPECT_EQ(r.get<int>(), 42);
  EXPECT_EQ(r.get<double>(), 2.5);
  const std::vector<double> v = r.get_vector<double>();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_TRUE(std::signbit(v[1]));
  EXPECT_TRUE(std::isinf(v[2]));
  EXPECT_TRUE(r.get_vector<std::int64_t>().empty());
  EXPECT_TRUE(r.done());
  EXPECT_THROW(r.get<char>(), std::runtime_error);
  const Bytes cut(bytes.begin(), bytes.begin() + 20);  // the vector's length, not its values
  ByteReader short_reader(cut);
  short_reader.get<int>();
  short_reader.get<double>();
  EXPECT_THROW(short_reader.get_vector<double>(), std::runtime_error);
}

TEST(Communicator, SingleProcessIsRankZeroOfOne) {
  const Communicator& c = single_process();
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(c.size(), 1);
  EXPECT_TRUE(c.is_root());
  const Bytes mine = {1, 2, 3};
  EXPECT_EQ(c.gather(mine), std::vector<Bytes>{mine});
  EXPECT_EQ(c.allgather(mine), std::vector<Bytes>{mine});
  EXPECT_TRUE(c.any(true));
  EXPECT_FALSE(c.any(false));
  // Without mpirun the world is single-process, MPI built or not.
  int argc = 1;
  char name[] = "mmm";
  char* args[] = {name, nullptr};
  char** argv = args;
  EXPECT_EQ(make_world_communicator(&argc, &argv)->size(), 1);
}

TEST(Communicator, ThreadRanksExchangeInRankOrder) {
  const auto got = run_ranks<std::vector<Bytes>>(3, [](const Communicator& c) {
    const Bytes mine(static_cast<size_t>(c.rank() + 1), static_cast<unsigned char>(c.rank()));
    EXPECT_EQ(c.any(c.rank() == 2), true);
    EXPECT_EQ(c.any(false), false);
    const auto gathered = c.gather(mine);
    EXPECT_EQ(gathered.size(), c.is_root() ? 3u : 0u);
    return c.allgather(mine);
  });
  for (const auto& all : got) {
    ASSERT_EQ(all.size(), 3u);
    for (int r = 0; r < 3; ++r) EXPECT_EQ(all[r], Bytes(r + 1, static_cast<unsigned char>(r)));
  }
}

TEST(DividedValues, EveryRankGetsAllItemsInIndexOrder) {
  // Item i's two values: i and −i; each rank computes only its own range, once.
  for (int ranks : {1, 2, 3, 7}) {
    const auto got = run_ranks<std::vector<double>>(ranks, [&](const Communicator& c) {
      int calls = 0;
      std::vector<double> all =
          compute_divided(c, 5, 2, [&](std::size_t begin, std::size_t end, double* out) {
            ++calls;
            const IndexRange mine = rank_range(5, c.size(), c.rank());
            EXPECT_EQ(begin, mine.begin);
            EXPECT_EQ(end, mine.end);
            for (std::size_t i = begin; i < end; ++i) {
              out[2 * (i - begin)] = static_cast<double>(i);
              out[2 * (i - begin) + 1] = i == 3 ? std::nan("") : -static_cast<double>(i);
            }
          });
      EXPECT_EQ(calls, rank_range(5, c.size(), c.rank()).size() > 0 ? 1 : 0);
      return all;
    });
    for (const std::vector<double>& all : got) {
      ASSERT_EQ(all.size(), 10u) << ranks;
      for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(all[2 * i], i);
        if (i == 3) {
          EXPECT_TRUE(std::isnan(all[2 * i + 1]));
        } else {
          EXPECT_EQ(all[2 * i + 1], -i);
        }
      }
    }
  }
  EXPECT_TRUE(compute_divided(single_process(), 0, 3, [](std::size_t, std::size_t, double*) {
                FAIL() << "nothing to compute";
              }).empty());
}

TEST(Trials, ThreadRanksGiveOneProcessTrials) {
  const int dim = 4;
  DeOptions de;
  de.budget = 240;
  de.population = 12;
  de.seed = 9;
  const BatchObjective sphere = [&](const std::vector<double>& u, int n,
                                    std::vector<double>& loss) {
    loss.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      double s = 0.0;
      for (int d = 0; d < dim; ++d) s += (u[i * dim + d] - 0.3 * d) * (u[i * dim + d] - 0.3 * d);
      loss[i] = s;
    }
  };
  const std::vector<SearchResult> one = run_trials(dim, de, 5, sphere);
  ASSERT_EQ(one.size(), 5u);
  for (int ranks : {2, 3, 7}) {  // 7 > 5 trials: two ranks run none
    const auto all = run_ranks<std::vector<SearchResult>>(
        ranks, [&](const Communicator& c) { return run_trials(dim, de, 5, sphere, {}, {}, c); });
    for (const auto& got : all) {
      ASSERT_EQ(got.size(), 5u);
      for (int t = 0; t < 5; ++t) {
        EXPECT_EQ(got[t].best, one[t].best) << ranks << " ranks, trial " << t;
        EXPECT_EQ(got[t].best_loss, one[t].best_loss);
        EXPECT_EQ(got[t].evaluations, one[t].evaluations);
        ASSERT_EQ(got[t].trace.size(), one[t].trace.size());
        EXPECT_EQ(got[t].trace.back().best_loss, one[t].trace.back().best_loss);
      }
    }
  }
}

// --objective pareto's record: trials divided among ranks, each rank recording its
// candidates with the number of the objective call, merge into one process's record, in order.
TEST(ParetoSharing, ThreadRanksGiveOneProcessRecord) {
  const int dim = 3;
  DeOptions de;
  de.budget = 150;
  de.population = 10;
  de.seed = 4;
  de.calls_per_generation = 2;  // generations split over calls, as in a fit
  struct Recorder {
    std::vector<ParetoPoint> points;
    std::vector<long> calls;
    long call = -1;
  };
  auto objective_for = [&](Recorder& rec) -> BatchObjective {
    return [&, dim](const std::vector<double>& u, int n, std::vector<double>& loss) {
      ++rec.call;
      loss.resize(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        double s = 0.0;
        for (int d = 0; d < dim; ++d) s += (u[i * dim + d] - 0.5) * (u[i * dim + d] - 0.5);
        loss[i] = s;
        if (s > 20.0) continue;  // as the fit records only finite losses: not every point
        ParetoPoint p;
        p.loss = s;
        p.nrmse = u[i * dim];
        p.decomp_rssd = u[i * dim + 1];
        p.hyper3c.assign(u.begin() + i * dim, u.begin() + (i + 1) * dim);
        rec.points.push_back(p);
        rec.calls.push_back(rec.call);
      }
    };
  };
  Recorder whole;
  run_trials(dim, de, 4, objective_for(whole));
  ASSERT_GT(whole.points.size(), 100u);
  EXPECT_EQ(share_pareto_record(single_process(), whole.points, whole.calls).size(),
            whole.points.size());
  for (int ranks : {2, 3, 5}) {  // 5 > 4 trials: one rank records nothing
    const auto got = run_ranks<std::vector<ParetoPoint>>(ranks, [&](const Communicator& c) {
      Recorder mine;
      run_trials(dim, de, 4, objective_for(mine), {}, {}, c);
      return share_pareto_record(c, mine.points, mine.calls);
    });
    for (const std::vector<ParetoPoint>& record : got) {
      ASSERT_EQ(record.size(), whole.points.size()) << ranks << " ranks";
      for (size_t i = 0; i < record.size(); ++i) {
        EXPECT_EQ(record[i].loss, whole.points[i].loss) << i;
        EXPECT_EQ(record[i].nrmse, whole.points[i].nrmse);
        EXPECT_EQ(record[i].decomp_rssd, whole.points[i].decomp_rssd);
        EXPECT_EQ(record[i].hyper3c, whole.points[i].hyper3c);
      }
    }
  }
  EXPECT_THROW(share_pareto_record(single_process(), whole.points, {}), std::invalid_argument);
}

/// Three channels with known θ, α, γ and coefficients, plus noise.
ModelData noisy_data(int T) {
  ModelData d;
  PhiloxStream rng(3, 2u);
  d.spend.resize(T, 3);
  for (int t = 0; t < T; ++t) {
    d.spend(t, 0) = rng.uniform(0.0, 120.0);
    d.spend(t, 1) = rng.uniform(0.0, 300.0);
    d.spend(t, 2) = rng.uniform(0.0, 160.0);
  }
  std::vector<Date> dates;
  for (int t = 0; t < T; ++t) dates.push_back(Date{2022, 1, 3}.plus_days(7 * t));
  d.controls = default_controls(dates).values;
  const std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0, 0.2, 1.0, 80.0};
  const std::vector<double> coef = {40.0, 25.0, 10.0, 3.0,  4.0, -2.0,
                                    1.5,  0.5,  -1.0, 0.25, 6.0, -3.0};
  d.y = Eigen::VectorXd::Zero(T);
  d.y = predict_kpi(d, hyper.data(), coef.data(), 500.0);
  for (int t = 0; t < T; ++t) d.y(t) += 20.0 * (rng.uniform() - 0.5);
  return d;
}

/// Same values, NaN equal to NaN.
void expect_same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const std::string& what) {
  ASSERT_EQ(a.rows(), b.rows()) << what;
  ASSERT_EQ(a.cols(), b.cols()) << what;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      if (std::isnan(a(i, j))) {
        EXPECT_TRUE(std::isnan(b(i, j))) << what << " " << i << "," << j;
      } else {
        EXPECT_EQ(a(i, j), b(i, j)) << what << " " << i << "," << j;
      }
    }
  }
}

void expect_same_report(const BootstrapReport& got, const BootstrapReport& want) {
  EXPECT_EQ(got.failed, want.failed);
  expect_same(got.coef, want.coef, "coef");
  expect_same(got.roi, want.roi, "roi");
  expect_same(got.all_coef, want.all_coef, "all_coef");
  expect_same(got.intercept, want.intercept, "intercept");
  EXPECT_EQ(got.coef_lower, want.coef_lower);
  EXPECT_EQ(got.coef_upper, want.coef_upper);
  EXPECT_EQ(got.roi_lower, want.roi_lower);
  EXPECT_EQ(got.roi_upper, want.roi_upper);
}

TEST(Bootstrap, ThreadRanksGiveOneProcessResamples) {
  const ModelData data = noisy_data(90);
  const std::vector<double> hyper = {0.4, 1.3, 60.0, 0.1, 2.0, 150.0, 0.2, 1.0, 80.0};
  BootstrapOptions bo;
  bo.resamples = 37;
  bo.chunk = 8;
  cpu::CpuEvaluator single(data, 1);
  const BootstrapReport one = bootstrap_intervals(data, hyper, bo, single);
  ASSERT_EQ(one.all_coef.rows(), 37);
  EXPECT_LT(one.coef_lower[0], one.coef_upper[0]);
  for (int ranks : {2, 3}) {
    const auto reports = run_ranks<BootstrapReport>(ranks, [&](const Communicator& c) {
      cpu::CpuEvaluator evaluator(data, 1);
      return bootstrap_intervals(data, hyper, bo, evaluator, {}, c);
    });
    for (const auto& got : reports) expect_same_report(got, one);
  }
}

TEST(NestedBootstrap, ThreadRanksGiveOneProcessSearches) {
  const ModelData data = noisy_data(90);
  const SearchSpace space = default_search_space(data.max_spend());
  NestedBootstrapOptions no;
  no.resamples = 7;
  no.budget = 90;
  no.population = 10;
  no.max_batch = 25;
  cpu::CpuEvaluator single(data, 1);
  const NestedBootstrapReport one = nested_bootstrap_intervals(data, space, no, single);
  EXPECT_EQ(one.evaluations, 7 * 90);
  for (int ranks : {2, 3}) {
    const auto reports = run_ranks<NestedBootstrapReport>(ranks, [&](const Communicator& c) {
      cpu::CpuEvaluator evaluator(data, 1);
      return nested_bootstrap_intervals(data, space, no, evaluator, {}, c);
    });
    for (const auto& got : reports) {
      expect_same_report(got, one);
      expect_same(got.hyper, one.hyper, "hyper");
      EXPECT_EQ(got.best_loss, one.best_loss);
      EXPECT_EQ(got.evaluations, one.evaluations);
    }
  }
}

}  // namespace
}  // namespace mmm
