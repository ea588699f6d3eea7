#pragma once
// Test-only: the ranks of a job as threads of one process, so the divided pipelines can be
// checked against a single process in every build (no MPI needed, and under the sanitizers).
// Every collective is an exchange through shared slots, completed by the last arriving rank.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host/distributed/communicator.hpp"

namespace mmm::test {

/// State shared by the ranks of one in-process job.
class ThreadJob {
 public:
  explicit ThreadJob(int ranks) : ranks_(ranks), slots_(static_cast<size_t>(ranks)) {}
  int ranks() const { return ranks_; }

  /// Every rank's bytes, in rank order, once all ranks have given theirs.
  std::vector<Bytes> exchange(int rank, const Bytes& mine) {
    std::unique_lock<std::mutex> lock(mutex_);
    slots_[static_cast<size_t>(rank)] = mine;
    const long generation = generation_;
    if (++arrived_ == ranks_) {
      result_ = std::make_shared<std::vector<Bytes>>(slots_);
      arrived_ = 0;
      ++generation_;
      done_.notify_all();
    } else {
      done_.wait(lock, [&] { return generation_ != generation; });
    }
    return *result_;
  }

 private:
  int ranks_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<Bytes> slots_;
  std::shared_ptr<std::vector<Bytes>> result_;
  int arrived_ = 0;
  long generation_ = 0;
};

class ThreadCommunicator final : public Communicator {
 public:
  ThreadCommunicator(ThreadJob& job, int rank) : job_(job), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return job_.ranks(); }
  int local_rank() const override { return rank_; }
  int local_size() const override { return job_.ranks(); }
  std::vector<Bytes> gather(const Bytes& mine) const override {
    std::vector<Bytes> all = job_.exchange(rank_, mine);
    if (rank_ != 0) all.clear();
    return all;
  }
  std::vector<Bytes> allgather(const Bytes& mine) const override {
    return job_.exchange(rank_, mine);
  }
  bool any(bool flag) const override {
    for (const Bytes& b : job_.exchange(rank_, Bytes{static_cast<unsigned char>(flag)}))
      if (b[0] != 0) return true;
    return false;
  }
  [[noreturn]] void abort(int) const override { throw std::logic_error("abort in a test job"); }

 private:
  ThreadJob& job_;
  int rank_;
};

/// Runs body(comm) on `ranks` threads, one rank each, and returns what each returned.
template <typename Result>
std::vector<Result> run_ranks(int ranks, const std::function<Result(const Communicator&)>& body) {
  ThreadJob job(ranks);
  std::vector<Result> results(static_cast<size_t>(ranks));
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      ThreadCommunicator comm(job, r);
      results[static_cast<size_t>(r)] = body(comm);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

}  // namespace mmm::test
