// The only file that knows whether MPI was built (MMM_HAVE_MPI, set by CMake for this file
// alone); the rest of the program sees the Communicator interface.

#include <cstdlib>

#include "host/distributed/communicator.hpp"
#ifdef MMM_HAVE_MPI
#include "host/distributed/mpi_communicator.hpp"
#endif

namespace mmm {
namespace {

/// Whether an MPI launcher started this process. Without one the run stays single-process
/// and never calls MPI_Init (a singleton MPI_Init may try to start a daemon).
[[maybe_unused]] bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

}  // namespace

#ifdef MMM_HAVE_MPI
bool mpi_built() { return true; }

std::unique_ptr<Communicator> make_world_communicator(int* argc, char*** argv) {
  if (started_by_mpi_launcher()) return make_mpi_communicator(argc, argv);
  return std::make_unique<SingleProcessCommunicator>();
}
#else
bool mpi_built() { return false; }

std::unique_ptr<Communicator> make_world_communicator(int*, char***) {
  return std::make_unique<SingleProcessCommunicator>();
}
#endif

}  // namespace mmm
