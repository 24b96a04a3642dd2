#pragma once
/// @file processes.hpp
/// The processes of this floodtwin: the MPI ranks under mpirun, else one (docs/mpi.md).
#include "driver/processes.hpp"

namespace floodtwin::cli {

/// MPI_COMM_WORLD's processes when MPI was started (main.cpp), else one process.
driver::Processes world_processes();

}  // namespace floodtwin::cli
