// The ridge solve run by a team of threads (host/model/gram_ridge.hpp's Team parameter, what
// the fused CUDA kernel's warp does) gives the one-thread result bit for bit. Here the team is
// real host threads meeting at a barrier, so unlike the CUDA emulator (whose fibers switch only
// at barriers) a missing sync() shows up as a race: a wrong or varying result.

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/common/philox.hpp"
#include "host/model/gram_ridge.hpp"

namespace mmm {
namespace {

/// A reusable barrier for `count` threads (C++17 has no std::barrier).
class Barrier {
 public:
  explicit Barrier(int count) : count_(count) {}
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const long generation = generation_;
    if (++waiting_ == count_) {
      waiting_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return generation_ != generation; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_, waiting_ = 0;
  long generation_ = 0;
};

/// gram_ridge.hpp's Team on host threads.
struct ThreadTeam {
  int r, n;
  Barrier* barrier;
  int rank() const { return r; }
  int size() const { return n; }
  void sync() const { barrier->wait(); }
};

/// Lower-triangle Gram of [1, X, y] for T rows of p random columns; y leans on the columns with
/// coefficients of both signs, so the non-negative solve has media to hold at 0.
std::vector<double> random_gram(int T, int p, std::uint64_t seed) {
  PhiloxStream rng(seed, 3u);
  const int ld = p + 2;
  std::vector<double> row(ld), G(static_cast<size_t>(ld) * ld, 0.0);
  for (int t = 0; t < T; ++t) {
    row[0] = 1.0;
    double y = 0.0;
    for (int j = 0; j < p; ++j) {
      row[1 + j] = rng.uniform(-1.0, 1.0) + (j % 3 == 0 ? 2.0 : 0.0);
      y += (j % 2 == 0 ? 1.0 : -0.7) * row[1 + j];
    }
    row[ld - 1] = y + rng.uniform(-0.5, 0.5);
    for (int c = 0; c < ld; ++c)
      for (int r = c; r < ld; ++r) G[r + c * ld] += row[r] * row[c];
  }
  return G;
}

struct Solved {
  double loss = 0.0, intercept = 0.0, r2 = 0.0, kpi_mean = 0.0;
  std::vector<double> b, coef, mean, scale;
};

/// The solve by `threads` threads (1: the serial instantiation, as the CPU backend runs it).
Solved solve(const std::vector<double>& G, int p, const GramRidgeShape& shape, int threads) {
  Solved s;
  for (auto* v : {&s.b, &s.coef, &s.mean, &s.scale}) v->assign(p, 0.0);
  std::vector<double> work(gram_ridge_work_size(p), 0.0);
  const GramRidgeOutput out{s.b.data(),   s.coef.data(), s.mean.data(), s.scale.data(),
                            &s.intercept, &s.r2,         &s.kpi_mean};
  if (threads == 1) {
    s.loss = solve_ridge_from_gram(G.data(), p + 2, shape, work.data(), out);
    return s;
  }
  Barrier barrier(threads);
  std::vector<double> losses(threads);
  std::vector<std::thread> team;
  for (int r = 0; r < threads; ++r) {
    team.emplace_back([&, r] {
      losses[r] = solve_ridge_from_gram(G.data(), p + 2, shape, work.data(), out,
                                        ThreadTeam{r, threads, &barrier});
    });
  }
  for (std::thread& t : team) t.join();
  for (int r = 1; r < threads; ++r) EXPECT_EQ(losses[r], losses[0]) << "rank " << r;
  s.loss = losses[0];
  return s;
}

void expect_same(const Solved& a, const Solved& b, const std::string& what) {
  EXPECT_EQ(a.loss, b.loss) << what;
  EXPECT_EQ(a.intercept, b.intercept) << what;
  EXPECT_EQ(a.r2, b.r2) << what;
  EXPECT_EQ(a.kpi_mean, b.kpi_mean) << what;
  for (size_t j = 0; j < a.b.size(); ++j) {
    EXPECT_EQ(a.b[j], b.b[j]) << what << ", b[" << j << "]";
    EXPECT_EQ(a.coef[j], b.coef[j]) << what << ", coef[" << j << "]";
    EXPECT_EQ(a.mean[j], b.mean[j]) << what << ", mean[" << j << "]";
    EXPECT_EQ(a.scale[j], b.scale[j]) << what << ", scale[" << j << "]";
  }
}

TEST(GramRidgeTeam, ThreadsGiveTheSerialBits) {
  int binding = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const int p = 3 + 4 * trial % 29, media = p * 2 / 3;
    const std::vector<double> G = random_gram(60 + 7 * trial, p, 100 + trial);
    for (int nonnegative : {0, 1}) {
      const GramRidgeShape shape{p, media, 0.5, nonnegative ? 0.0 : 10.0, nonnegative};
      const Solved serial = solve(G, p, shape, 1);
      ASSERT_TRUE(std::isfinite(serial.loss)) << "trial " << trial;
      for (int j = 0; j < media; ++j) binding += nonnegative && serial.b[j] == 0.0;
      for (int threads : {2, 3, 5, 32}) {
        expect_same(solve(G, p, shape, threads), serial,
                    "trial " + std::to_string(trial) + ", non-negative " +
                        std::to_string(nonnegative) + ", " + std::to_string(threads) + " threads");
      }
    }
  }
  EXPECT_GT(binding, 10) << "the active-set path was hardly exercised";
}

TEST(GramRidgeTeam, AFailedFactorizationFailsOnEveryThread) {
  // Column 2 of the design set to the constant 4 without a penalty: its centred variance is
  // exactly 0 (powers of two), an exact zero pivot, +inf on every rank.
  const int p = 4, ld = p + 2;
  std::vector<double> G = random_gram(40, p, 7);
  const double n = G[0], c = 4.0;
  for (int r = 3; r < ld; ++r) G[r + 2 * ld] = c * G[r];  // Σ x_r · 4
  G[2] = c * n;
  G[2 + 1 * ld] = c * G[1];
  G[2 + 2 * ld] = c * c * n;
  const GramRidgeShape shape{p, 2, 0.0, 0.0, 0};
  EXPECT_TRUE(std::isinf(solve(G, p, shape, 1).loss));
  EXPECT_TRUE(std::isinf(solve(G, p, shape, 4).loss));
}

}  // namespace
}  // namespace mmm
