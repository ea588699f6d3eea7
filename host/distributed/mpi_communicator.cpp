#include "host/distributed/mpi_communicator.hpp"

#include <mpi.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace mmm {
namespace {

/// Messages are sent in pieces of at most this many bytes: MPI counts are `int`.
constexpr std::uint64_t kPieceBytes = 1ull << 30;

int env_rank(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : -1;
}

void send_bytes(const Bytes& b, int to) {
  const std::uint64_t n = b.size();
  MPI_Send(&n, 1, MPI_UINT64_T, to, 0, MPI_COMM_WORLD);
  for (std::uint64_t at = 0; at < n; at += kPieceBytes) {
    const int count = static_cast<int>(std::min(kPieceBytes, n - at));
    MPI_Send(b.data() + at, count, MPI_UNSIGNED_CHAR, to, 1, MPI_COMM_WORLD);
  }
}

Bytes receive_bytes(int from) {
  std::uint64_t n = 0;
  MPI_Recv(&n, 1, MPI_UINT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  Bytes b(n);
  for (std::uint64_t at = 0; at < n; at += kPieceBytes) {
    const int count = static_cast<int>(std::min(kPieceBytes, n - at));
    MPI_Recv(b.data() + at, count, MPI_UNSIGNED_CHAR, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return b;
}

void broadcast_bytes(Bytes& b, int root) {
  std::uint64_t n = b.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
  b.resize(n);
  for (std::uint64_t at = 0; at < n; at += kPieceBytes) {
    const int count = static_cast<int>(std::min(kPieceBytes, n - at));
    MPI_Bcast(b.data() + at, count, MPI_UNSIGNED_CHAR, root, MPI_COMM_WORLD);
  }
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator(int* argc, char*** argv) {
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // The ranks that share this node's memory: their order picks the node's GPUs.
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank_);
    MPI_Comm_size(node, &local_size_);
    MPI_Comm_free(&node);
    fail_rank_ = env_rank("MMM_TEST_FAIL_RANK");
    kill_rank_ = env_rank("MMM_TEST_KILL_RANK");
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }

  std::vector<Bytes> gather(const Bytes& mine) const override {
    test_hooks();
    if (rank_ != 0) {
      send_bytes(mine, 0);
      return {};
    }
    std::vector<Bytes> all(static_cast<size_t>(size_));
    all[0] = mine;
    for (int r = 1; r < size_; ++r) all[static_cast<size_t>(r)] = receive_bytes(r);
    return all;
  }

  std::vector<Bytes> allgather(const Bytes& mine) const override {
    std::vector<Bytes> all = gather(mine);
    all.resize(static_cast<size_t>(size_));
    for (int r = 0; r < size_; ++r) broadcast_bytes(all[static_cast<size_t>(r)], 0);
    return all;
  }

  bool any(bool flag) const override {
    test_hooks();
    int mine = flag ? 1 : 0, result = 0;
    MPI_Allreduce(&mine, &result, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    return result != 0;
  }

  [[noreturn]] void abort(int code) const override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this satisfies [[noreturn]]
  }

 private:
  /// The test hooks of a failing rank (tests/mpi): fire at the first collective.
  void test_hooks() const {
    if (rank_ == kill_rank_) std::raise(SIGKILL);
    if (rank_ == fail_rank_) {
      fail_rank_ = -1;
      throw std::runtime_error("test failure requested by MMM_TEST_FAIL_RANK=" +
                               std::to_string(rank_));
    }
  }

  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  mutable int fail_rank_ = -1;
  int kill_rank_ = -1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator(int* argc, char*** argv) {
  return std::make_unique<MpiCommunicator>(argc, argv);
}

}  // namespace mmm
