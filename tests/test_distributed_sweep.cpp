// The sweep's division among a job's ranks (host/distributed, host/pipeline/sweep_reduction,
// docs/distributed.md): the order-free loss sum, the top-K and profile merges, and, with the
// ranks as threads (thread_communicator.hpp), the whole sweep with --all's rows and periodic
// checkpoints against one process, exactly.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/common/philox.hpp"
#include "host/distributed/communicator.hpp"
#include "host/pipeline/sweep_pipeline.hpp"
#include "host/pipeline/sweep_reduction.hpp"
#include "host/sweep/loss_sum.hpp"
#include "tests/cli_runner.hpp"
#include "tests/test_files.hpp"
#include "tests/thread_communicator.hpp"

namespace mmm {
namespace {

using test::run_ranks;

TEST(LossSum, IndependentOfOrderAndCloseToTheSum) {
  PhiloxStream rng(11, 1u);
  std::vector<double> losses;
  for (int i = 0; i < 5000; ++i)
    losses.push_back(rng.uniform(0.0, 1.0) * std::pow(10.0, i % 7 - 3));
  LossSum forward, backward, halves_a, halves_b;
  long double exact = 0.0L;
  for (double x : losses) {
    forward.add_loss(x);
    exact += x;
  }
  for (auto it = losses.rbegin(); it != losses.rend(); ++it) backward.add_loss(*it);
  for (size_t i = 0; i < losses.size(); ++i) (i % 2 ? halves_a : halves_b).add_loss(losses[i]);
  halves_b.merge(halves_a);
  EXPECT_TRUE(forward == backward);
  EXPECT_TRUE(forward == halves_b);
  EXPECT_NEAR(forward.value(), static_cast<double>(exact), 1e-12 * static_cast<double>(exact));
  // Floating-point addition of the same terms in the two orders differs: why LossSum exists.
  double f = 0.0, b = 0.0;
  for (double x : losses) f += x;
  for (auto it = losses.rbegin(); it != losses.rend(); ++it) b += *it;
  EXPECT_NE(f, b);
}

TEST(LossSum, HexRoundTripsNegativeAndCappedSums) {
  LossSum s;
  s.add_loss(-3.25);
  s.add_loss(1e300);  // capped at 2^34
  EXPECT_EQ(s.value(), LossSum::kMaxTerm - 3.25);
  EXPECT_TRUE(LossSum::from_hex(s.hex()) == s);
  EXPECT_EQ(s.hex().size(), 32u);
  LossSum negative;
  negative.add_loss(-0.5);
  EXPECT_EQ(negative.hex(), "fffffffffffffffff800000000000000");
  EXPECT_EQ(LossSum::from_hex(negative.hex()).value(), -0.5);
  EXPECT_EQ(LossSum::from_value(12.75).value(), 12.75);
  EXPECT_THROW(LossSum::from_hex("12"), std::invalid_argument);
  EXPECT_THROW(LossSum::from_hex(std::string(32, 'g')), std::invalid_argument);
}

SweepCandidate candidate(std::uint64_t index, double loss) {
  SweepCandidate c;
  c.index = index;
  c.loss = loss;
  c.r2 = 1.0 - loss;
  c.params = {0.1 * static_cast<double>(index), 1.0, 2.0};
  c.coef = {static_cast<double>(index)};
  return c;
}

TEST(SweepReduction, PartsMergeIntoTheWholeTopKAndProfile) {
  // Losses with ties: the merge keeps the lower index, as one stream does.
  const int n = 300;
  TopK whole(7), part_a(7), part_b(7), merged(7);
  SweepSummary s_whole(1, 4), s_a(1, 4), s_b(1, 4), s_merged(1, 4);
  std::uint64_t failed_merged = 0;
  for (int i = 0; i < n; ++i) {
    const double loss = 0.01 * static_cast<double>((i * 37) % 50);
    const double unit[3] = {(i % 10) / 10.0, (i % 7) / 7.0, (i % 3) / 3.0};
    whole.push(candidate(i, loss));
    s_whole.add(unit, loss);
    (i < 130 ? part_a : part_b).push(candidate(i, loss));
    (i < 130 ? s_a : s_b).add(unit, loss);
  }
  merge_sweep_part(encode_sweep_part(part_b, s_b, 3), merged, s_merged, failed_merged);
  merge_sweep_part(encode_sweep_part(part_a, s_a, 2), merged, s_merged, failed_merged);
  EXPECT_EQ(failed_merged, 5u);
  const auto want = whole.sorted(), got = merged.sorted();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].index, want[i].index);
    EXPECT_EQ(got[i].loss, want[i].loss);
    EXPECT_EQ(got[i].params, want[i].params);
    EXPECT_EQ(got[i].coef, want[i].coef);
  }
  EXPECT_EQ(got[0].loss, 0.0);
  EXPECT_EQ(s_merged.count, s_whole.count);
  EXPECT_EQ(s_merged.min_loss, s_whole.min_loss);
  for (size_t i = 0; i < s_whole.sum_loss.size(); ++i)
    EXPECT_TRUE(s_merged.sum_loss[i] == s_whole.sum_loss[i]) << i;
  SweepSummary other_shape(2, 4);
  EXPECT_THROW(s_merged.merge(other_shape), std::invalid_argument);
}

TEST(SweepReduction, ThreadRanksGiveOneProcessSweep) {
  test::TempDir dir;
  const std::string data = dir / "data.csv";
  ASSERT_EQ(test::run_mmm({"simulate", "--weeks", "80", "--channels", "3", "--seed", "5", "--out",
                           data, "--quiet"})
                .exit_code,
            0);
  SweepOptions o;
  o.data_path = data;
  o.n = 1500;
  o.top = 12;
  o.chunk = 128;
  o.threads = 1;
  o.quiet = true;
  o.device = "cpu";
  const SweepReport one = run_sweep(o, nullptr, std::nullopt);
  ASSERT_EQ(one.top.size(), 12u);
  for (int ranks : {2, 3}) {
    const auto reports = run_ranks<SweepReport>(ranks, [&](const Communicator& c) {
      SweepOptions mine = o;
      mine.communicator = &c;
      return run_sweep(mine, nullptr, std::nullopt);
    });
    const SweepReport& root = reports[0];
    EXPECT_EQ(root.next_index, 1500u);
    ASSERT_EQ(root.top.size(), one.top.size());
    for (size_t i = 0; i < one.top.size(); ++i) {
      EXPECT_EQ(root.top[i].index, one.top[i].index);
      EXPECT_EQ(root.top[i].loss, one.top[i].loss);
      EXPECT_EQ(root.top[i].coef, one.top[i].coef);
    }
    EXPECT_EQ(root.summary.count, one.summary.count);
    EXPECT_EQ(root.summary.min_loss, one.summary.min_loss);
    for (size_t i = 0; i < one.summary.sum_loss.size(); ++i)
      EXPECT_TRUE(root.summary.sum_loss[i] == one.summary.sum_loss[i]);
    // Rank 1 held only its share: rounds of 128 per rank.
    std::int64_t share = 0;
    for (int b = 0; b < reports[1].summary.bins; ++b) share += reports[1].summary.count[b];
    EXPECT_GT(share, 0);
    EXPECT_LT(share, 1500 / ranks + 128);
  }
}

// --all's rows: each rank encodes its chunks, rank 0 receives them in design order, one call
// per chunk as a single process; and the periodic checkpoints a job writes on rank 0 hold the
// merged state a single process saves at the same candidate.
TEST(SweepReduction, ThreadRanksGiveOneProcessChunksAndCheckpoints) {
  test::TempDir dir;
  const std::string data = dir / "data.csv";
  ASSERT_EQ(test::run_mmm({"simulate", "--weeks", "60", "--channels", "2", "--seed", "6", "--out",
                           data, "--quiet"})
                .exit_code,
            0);
  SweepOptions o;
  o.data_path = data;
  o.n = 1000;
  o.top = 7;
  o.chunk = 64;
  o.threads = 1;
  o.quiet = true;
  o.device = "cpu";
  o.checkpoint_every = 1e-9;  // after every chunk (every round, in a job)
  struct Seen {
    std::vector<std::string> chunks;  ///< written, in order
    std::vector<SweepReport> checkpoints;
  };
  auto sweep = [&](const Communicator& c) {
    Seen seen;
    SweepOptions mine = o;
    mine.communicator = &c;
    SweepChunkSink sink;
    sink.encode = [](const std::vector<std::string>&, std::uint64_t first, int count, const double*,
                     const BatchResult& res) {
      std::string text = std::to_string(first) + ":" + std::to_string(count);
      for (int i = 0; i < count; ++i) text += "," + std::to_string(res.loss[i]);
      return Bytes(text.begin(), text.end());
    };
    sink.write = [&](const std::vector<std::string>& channels, const Bytes& chunk) {
      EXPECT_EQ(channels.size(), 2u);
      EXPECT_TRUE(c.is_root());
      seen.chunks.emplace_back(chunk.begin(), chunk.end());
    };
    const SweepCheckpointSink checkpoint = [&](const SweepReport& so_far) {
      EXPECT_TRUE(c.is_root());
      seen.checkpoints.push_back(so_far);
    };
    run_sweep(mine, nullptr, std::nullopt, sink, checkpoint);
    return seen;
  };
  const Seen one = sweep(single_process());
  ASSERT_EQ(one.chunks.size(), 16u);  // 15 chunks of 64 and one of 40
  EXPECT_EQ(one.chunks[15].substr(0, 7), "960:40,");
  EXPECT_FALSE(one.checkpoints.empty());
  for (int ranks : {2, 3}) {
    const auto got = run_ranks<Seen>(ranks, sweep);
    EXPECT_EQ(got[0].chunks, one.chunks) << ranks << " ranks";
    for (int r = 1; r < ranks; ++r) EXPECT_TRUE(got[r].chunks.empty());
    // The first round always checkpoints; later ones as the checkpoints' own cost allows.
    // Each holds what one process stopped after the same candidate returns.
    ASSERT_FALSE(got[0].checkpoints.empty());
    for (const SweepReport& cp : got[0].checkpoints) {
      EXPECT_EQ(cp.next_index % (64 * ranks), 0u);
      SweepOptions stopped = o;
      stopped.stop_after = cp.next_index;
      stopped.checkpoint_every = 0;
      const SweepReport want = run_sweep(stopped, nullptr, std::nullopt);
      ASSERT_EQ(want.next_index, cp.next_index);
      EXPECT_EQ(cp.checkpoint.top_indices, want.checkpoint.top_indices);
      EXPECT_EQ(cp.checkpoint.top_losses, want.checkpoint.top_losses);
      EXPECT_EQ(cp.checkpoint.failed, want.checkpoint.failed);
      EXPECT_EQ(cp.summary.count, want.summary.count);
      EXPECT_EQ(cp.summary.min_loss, want.summary.min_loss);
      for (size_t i = 0; i < want.summary.sum_loss.size(); ++i)
        EXPECT_TRUE(cp.summary.sum_loss[i] == want.summary.sum_loss[i]);
    }
  }
}

}  // namespace
}  // namespace mmm
