#pragma once
/// @file processes.hpp
/// The processes a command runs on: one by default, the MPI ranks under mpirun (docs/mpi.md).
/// The driver, the twin and the ensembles share work through this (filled by the program from
/// parallel/), so that none of them links MPI. Two ways to share: one run's rows
/// (`decomposition`, the solver's interface) or whole runs (ensemble members; `gather`).
/// Every function is collective: every process calls it alike, from its main thread.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "solver/decomposition.hpp"

namespace floodtwin::driver {

struct Processes {
  int rank = 0;
  int size = 1;
  /// A new decomposition of one run's rows over every process; null: one process.
  std::function<std::shared_ptr<solver::Decomposition>()> decomposition;
  /// Rank 0 receives every process's bytes in rank order; the others receive nothing.
  std::function<std::vector<std::string>(const std::string&)> gather;
  /// Every process receives rank 0's bytes.
  std::function<std::string(const std::string&)> broadcast;
  /// Returns when every process has called it.
  std::function<void()> barrier;

  [[nodiscard]] bool root() const { return rank == 0; }
  [[nodiscard]] bool several() const { return size > 1; }
  /// Collective helpers that are no-ops on one process.
  [[nodiscard]] std::vector<std::string> gather_to_root(const std::string& bytes) const {
    return several() && gather ? gather(bytes) : std::vector<std::string>{bytes};
  }
  [[nodiscard]] std::string from_root(const std::string& bytes) const {
    return several() && broadcast ? broadcast(bytes) : bytes;
  }
  void wait_all() const {
    if (several() && barrier) barrier();
  }
};

}  // namespace floodtwin::driver
