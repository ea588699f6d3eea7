#pragma once
// The one interface the pipelines see of a multi-process run (`mpirun -np N mmm …`): which
// rank this process is, and the few collectives the work split needs. A single-process
// implementation is always built; the MPI one only with MMM_ENABLE_MPI (mpi_switch.cpp is the
// only file that knows which). Every collective is called by every rank in the same order.

#include <memory>
#include <vector>

namespace mmm {

/// Bytes one rank contributes to, or receives from, a collective.
using Bytes = std::vector<unsigned char>;

class Communicator {
 public:
  virtual ~Communicator() = default;
  /// This process's rank in [0, size()).
  virtual int rank() const = 0;
  /// Number of processes in the job (1 without mpirun).
  virtual int size() const = 0;
  /// Rank among the processes on this node (picks the node's GPU), and their number.
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  /// Rank 0 receives every rank's bytes in rank order; the other ranks receive nothing.
  virtual std::vector<Bytes> gather(const Bytes& mine) const = 0;
  /// Every rank receives every rank's bytes in rank order.
  virtual std::vector<Bytes> allgather(const Bytes& mine) const = 0;
  /// True on every rank when `flag` is true on any rank (e.g. a stop request).
  virtual bool any(bool flag) const = 0;
  /// Ends the whole job with `code` (after the caller flushed its message); does not return.
  [[noreturn]] virtual void abort(int code) const = 0;
  /// Rank 0 alone writes outputs.
  bool is_root() const { return rank() == 0; }
};

/// The communicator of a run without mpirun: rank 0 of 1; collectives return the caller's own
/// contribution.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::vector<Bytes> gather(const Bytes& mine) const override { return {mine}; }
  std::vector<Bytes> allgather(const Bytes& mine) const override { return {mine}; }
  bool any(bool flag) const override { return flag; }
  [[noreturn]] void abort(int code) const override;
};

/// A shared single-process communicator: the default of every pipeline.
const Communicator& single_process();

/// Whether this build has the MPI implementation (MMM_ENABLE_MPI).
bool mpi_built();

/// The communicator of this process: MPI's world when the build has MPI and the process was
/// started by an MPI launcher (mpirun, srun), the single-process one otherwise. Called once
/// by main before anything else reads argv.
std::unique_ptr<Communicator> make_world_communicator(int* argc, char*** argv);

}  // namespace mmm
