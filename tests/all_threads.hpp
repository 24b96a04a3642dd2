#pragma once
/// @file all_threads.hpp
/// For the tests of thread independence, whose grids are small: while an AllThreads lives,
/// every per-step loop takes all OpenMP threads however few cells it has
/// (set_min_cells_per_thread(0), parallel.hpp); at scope exit the thread count and the
/// setting are restored.
#include <omp.h>

#include <cstddef>

#include "solver/parallel.hpp"

namespace floodtwin::testing {

struct AllThreads {
  int threads = omp_get_max_threads();
  std::size_t min_cells = floodtwin::solver::min_cells_per_thread();
  AllThreads() { floodtwin::solver::set_min_cells_per_thread(0); }
  ~AllThreads() {
    omp_set_num_threads(threads);
    floodtwin::solver::set_min_cells_per_thread(min_cells);
  }
  AllThreads(const AllThreads&) = delete;
  AllThreads& operator=(const AllThreads&) = delete;
};

}  // namespace floodtwin::testing
