#pragma once
/// @file world.hpp
/// The few collectives of MPI_COMM_WORLD that whole runs shared among processes need (ensemble
/// members, forecast cycles; docs/mpi.md): bytes gathered to rank 0, bytes broadcast from it,
/// a barrier. Called from the main thread only (MPI_THREAD_FUNNELED), by every process alike.
#include <string>
#include <vector>

namespace floodtwin::parallel {

/// Rank 0 receives every process's `bytes`, in rank order; the others receive nothing.
std::vector<std::string> gather_bytes(const std::string& bytes);
/// Every process receives rank 0's `bytes`.
std::string broadcast_bytes(const std::string& bytes);
/// Returns when every process has called it.
void barrier();

}  // namespace floodtwin::parallel
