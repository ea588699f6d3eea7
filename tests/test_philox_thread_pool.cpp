// Counter-based random numbers (Philox-4x32-10, SPEC §6) and the worker pool the CPU backend
// threads candidates over.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/common/philox.hpp"
#include "host/common/thread_pool.hpp"

namespace mmm {
namespace {

TEST(Philox, KnownAnswerForZeroKeyAndCounter) {
  // Random123's kat_vectors: philox4x32 10, counter 0, key 0.
  const auto w = philox_words(0, 0, 0);
  EXPECT_EQ(w.v[0], 0x6627e8d5u);
  EXPECT_EQ(w.v[1], 0xe169c58du);
  EXPECT_EQ(w.v[2], 0xbc57ac4cu);
  EXPECT_EQ(w.v[3], 0x9b00dbd8u);
}

TEST(Philox, WordsArePureFunctionsOfSeedStreamCounter) {
  const auto a = philox_words(42, 7, 1000);
  const auto b = philox_words(42, 7, 1000);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.v[i], b.v[i]);
  const auto differs = [&](const r123::Philox4x32::ctr_type& o) {
    return o.v[0] != a.v[0] || o.v[1] != a.v[1] || o.v[2] != a.v[2] || o.v[3] != a.v[3];
  };
  EXPECT_TRUE(differs(philox_words(43, 7, 1000)));
  EXPECT_TRUE(differs(philox_words(42, 8, 1000)));
  EXPECT_TRUE(differs(philox_words(42, 7, 1001)));
  // The high halves of the 64-bit seed and counter matter too.
  EXPECT_TRUE(differs(philox_words(42 + (1ull << 32), 7, 1000)));
  EXPECT_TRUE(differs(philox_words(42, 7, 1000 + (1ull << 32))));
}

TEST(Philox, WordToIndexAndUnitConversions) {
  EXPECT_EQ(word_to_index(0u, 10u), 0u);
  EXPECT_EQ(word_to_index(0xffffffffu, 10u), 9u);
  EXPECT_EQ(word_to_index(0x80000000u, 10u), 5u);
  EXPECT_EQ(words_to_unit(0u, 0u), 0.0);
  const double top = words_to_unit(0xffffffffu, 0xffffffffu);
  EXPECT_LT(top, 1.0);
  EXPECT_GT(top, 1.0 - 1e-15);
}

TEST(Philox, StreamIsReproducibleAndSeedDependent) {
  PhiloxStream a(5, 1), b(5, 1), c(6, 1), d(5, 2);
  int same_c = 0, same_d = 0;
  for (int i = 0; i < 100; ++i) {
    const double x = a.uniform();
    EXPECT_EQ(x, b.uniform());
    same_c += (x == c.uniform());
    same_d += (x == d.uniform());
  }
  EXPECT_EQ(same_c, 0);
  EXPECT_EQ(same_d, 0);
}

TEST(Philox, StreamConsumesWordsInCounterOrder) {
  // uniform() takes two consecutive words; index() one. Both read block k = counter k.
  PhiloxStream s(77, 3);
  const auto w0 = philox_words(77, 3, 0), w1 = philox_words(77, 3, 1);
  EXPECT_EQ(s.uniform(), words_to_unit(w0.v[0], w0.v[1]));
  EXPECT_EQ(s.index(1000), word_to_index(w0.v[2], 1000));
  EXPECT_EQ(s.index(1000), word_to_index(w0.v[3], 1000));
  EXPECT_EQ(s.uniform(), words_to_unit(w1.v[0], w1.v[1]));
}

TEST(Philox, UniformMomentsOverManyDraws) {
  PhiloxStream s(2024, 0);
  const int n = 100000;
  double sum = 0.0, sum2 = 0.0, lo = 1.0, hi = 0.0;
  std::vector<int> bins(10, 0);
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    ++bins[static_cast<int>(u * 10)];
  }
  // sd of the mean is 0.289 / √n ≈ 9e-4.
  EXPECT_NEAR(sum / n, 0.5, 5e-3);
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12.0, 2e-3);
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1.0 - 1e-3);
  for (int b : bins) EXPECT_NEAR(b, n / 10, 500);  // sd ≈ 95
}

TEST(Philox, UniformInRangeAndIndexInRange) {
  PhiloxStream s(9, 4);
  for (int i = 0; i < 10000; ++i) {
    const double x = s.uniform(-5.0, 5.0);
    ASSERT_GE(x, -5.0);
    ASSERT_LT(x, 5.0);
  }
  for (std::uint32_t n : {1u, 2u, 7u, 31u, 1000u}) {
    std::vector<int> seen(n, 0);
    for (std::uint32_t i = 0; i < 200 * n; ++i) {
      const std::uint32_t k = s.index(n);
      ASSERT_LT(k, n);
      ++seen[k];
    }
    for (std::uint32_t k = 0; k < n; ++k) EXPECT_GT(seen[k], 100) << "n=" << n << " k=" << k;
  }
}

TEST(ThreadPool, SizeCountsTheCallingThread) {
  EXPECT_EQ(ThreadPool(1).size(), 1);
  EXPECT_EQ(ThreadPool(4).size(), 4);
  EXPECT_EQ(ThreadPool(0).size(), hardware_threads());
  EXPECT_EQ(ThreadPool(-3).size(), hardware_threads());
  EXPECT_GE(hardware_threads(), 1);
}

TEST(ThreadPool, ParallelForCoversTheRangeExactlyOnce) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    for (int n : {0, 1, 2, 3, 4, 5, 7, 64, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (auto& h : hits) h = 0;
      std::atomic<bool> bad_worker{false}, bad_range{false};
      std::atomic<int> calls{0};
      pool.parallel_for(n, [&](int begin, int end, int worker) {
        ++calls;
        if (worker < 0 || worker >= pool.size()) bad_worker = true;
        if (begin < 0 || end > n || begin >= end) bad_range = true;
        for (int i = begin; i < end; ++i) ++hits[static_cast<size_t>(i)];
      });
      EXPECT_FALSE(bad_worker) << threads << " threads, n=" << n;
      EXPECT_FALSE(bad_range) << threads << " threads, n=" << n;
      EXPECT_LE(calls.load(), std::max(1, std::min(n, threads)));
      if (n == 0) {
        EXPECT_EQ(calls.load(), 0);
      }
      for (int i = 0; i < n; ++i) {
        EXPECT_EQ(hits[static_cast<size_t>(i)].load(), 1)
            << threads << " threads, n=" << n << ", i=" << i;
      }
    }
  }
}

TEST(ThreadPool, ChunksAreContiguousAndBalanced) {
  ThreadPool pool(4);
  std::mutex m;
  std::vector<std::pair<int, int>> chunks;
  pool.parallel_for(10, [&](int begin, int end, int) {
    std::lock_guard<std::mutex> lock(m);
    chunks.emplace_back(begin, end);
  });
  std::sort(chunks.begin(), chunks.end());
  EXPECT_EQ(chunks, (std::vector<std::pair<int, int>>{{0, 3}, {3, 6}, {6, 8}, {8, 10}}));
}

TEST(ThreadPool, ReusableAcrossManyCalls) {
  ThreadPool pool(3);
  std::atomic<long> total{0};
  for (int rep = 0; rep < 200; ++rep) {
    pool.parallel_for(rep % 17, [&](int begin, int end, int) {
      for (int i = begin; i < end; ++i) total += i;
    });
  }
  long expected = 0;
  for (int rep = 0; rep < 200; ++rep) expected += (rep % 17) * (rep % 17 - 1) / 2;
  EXPECT_EQ(total.load(), expected);
}

TEST(ThreadPool, PropagatesAnExceptionFromAnyChunk) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    for (int bad : {0, 50, 99}) {  // first chunk (calling thread), middle, last (a worker)
      try {
        pool.parallel_for(100, [&](int begin, int end, int) {
          if (bad >= begin && bad < end) throw std::runtime_error("chunk " + std::to_string(bad));
        });
        ADD_FAILURE() << "no exception, " << threads << " threads, bad=" << bad;
      } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "chunk " + std::to_string(bad));
      }
      // The pool still works after a failed job.
      std::atomic<int> count{0};
      pool.parallel_for(100, [&](int begin, int end, int) { count += end - begin; });
      EXPECT_EQ(count.load(), 100);
    }
  }
}

}  // namespace
}  // namespace mmm
