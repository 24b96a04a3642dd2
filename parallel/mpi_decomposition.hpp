#pragma once
/// @file mpi_decomposition.hpp
/// MPI for the `floodtwin` program: start-up (only when launched by mpirun) and the
/// solver::Decomposition of MPI_COMM_WORLD (docs/mpi.md). Nothing here is needed to run alone.
#include <memory>

#include "solver/decomposition.hpp"

namespace floodtwin::parallel {

/// Initialises MPI (MPI_THREAD_FUNNELED). Call only when launcher_size() > 0: a program run
/// alone never starts MPI. When MPI_Init does not return within `timeout_s` seconds (a
/// runtime that cannot reach its launcher), prints why and exits with status 1 rather than
/// hang. Throws ConfigError when MPI reports a different process count than the launcher
/// (an mpirun of another MPI implementation).
void init(int* argc, char*** argv, double timeout_s);
/// True between init and finalize.
bool initialized();
int world_rank();
int world_size();
/// Ends MPI (a no-op when not initialised).
void finalize();
/// Ends every process of the run with `code` (MPI_Abort): an error on one process must not
/// leave the others waiting in a collective.
[[noreturn]] void abort(int code);

/// The decomposition over MPI_COMM_WORLD (its own communicator): non-blocking halo exchange
/// (Isend/Irecv of whole padded rows with the neighbouring blocks), Allreduce for the time
/// step, Allgatherv for the per-row sums and Gatherv to rank 0 for output.
std::shared_ptr<solver::Decomposition> world_decomposition();

/// Counters of the communication done so far by this process (bench/).
struct Traffic {
  long long halo_messages = 0;  ///< messages sent by halo exchanges
  long long halo_bytes = 0;     ///< bytes sent by halo exchanges
  long long reductions = 0;     ///< Allreduce calls (time step, stop flag)
  long long gathers = 0;        ///< Allgatherv calls (row sums, tagged values)
  double reduce_seconds = 0;    ///< wall time in Allreduce
  double exchange_seconds = 0;  ///< wall time waiting for halo messages
  double gather_seconds = 0;    ///< wall time in Allgatherv and Gatherv
};
Traffic traffic();

}  // namespace floodtwin::parallel
