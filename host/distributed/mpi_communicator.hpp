#pragma once
// The MPI implementation of Communicator (compiled only with MMM_ENABLE_MPI; mpi_switch.cpp
// is its one caller). It owns MPI_Init / MPI_Finalize.

#include <memory>

#include "host/distributed/communicator.hpp"

namespace mmm {

/// Initializes MPI and returns MPI_COMM_WORLD's communicator; MPI is finalized when it is
/// destroyed. Test hooks: MMM_TEST_FAIL_RANK=r makes rank r throw, MMM_TEST_KILL_RANK=r makes
/// it SIGKILL itself, at its first collective.
std::unique_ptr<Communicator> make_mpi_communicator(int* argc, char*** argv);

}  // namespace mmm
