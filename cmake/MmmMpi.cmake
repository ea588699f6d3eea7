# MMM_ENABLE_MPI: AUTO builds the MPI communicator when an MPI C++ library is found, ON
# requires one, OFF never builds it. Only host/distributed/mpi_communicator.cpp includes
# <mpi.h>; host/distributed/mpi_switch.cpp alone sees MMM_HAVE_MPI.
set(MMM_HAVE_MPI OFF)
if(NOT MMM_ENABLE_MPI STREQUAL "OFF")
  if(MMM_ENABLE_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(MMM_HAVE_MPI ON)
  endif()
endif()
message(STATUS "mmm: MPI ${MMM_HAVE_MPI} (MMM_ENABLE_MPI=${MMM_ENABLE_MPI})")

function(mmm_attach_mpi target)
  if(MMM_HAVE_MPI)
    target_link_libraries(${target} PUBLIC MPI::MPI_CXX)
    set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/host/distributed/mpi_switch.cpp
                                PROPERTIES COMPILE_DEFINITIONS MMM_HAVE_MPI)
  endif()
endfunction()
