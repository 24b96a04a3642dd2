#pragma once
/// @file launcher.hpp
/// Whether an MPI launcher (mpirun, srun) started this process: read from the environment, so
/// that a floodtwin built without MPI can tell it is being run under mpirun. Needs no MPI.
#include <cstdlib>

namespace floodtwin::parallel {

/// The process count the launcher announced (OMPI_COMM_WORLD_SIZE of OpenMPI, PMI_SIZE of
/// MPICH/Slurm), 1 when only a rank is announced, 0 when no launcher started the program.
inline int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end != nullptr && *end == '\0' && n > 0 && n < 1000000) return static_cast<int>(n);
  }
  return std::getenv("PMIX_RANK") != nullptr || std::getenv("PMI_RANK") != nullptr ? 1 : 0;
}

}  // namespace floodtwin::parallel
