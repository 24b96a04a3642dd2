#pragma once
/// @file parallel.hpp
/// How many OpenMP threads a per-step loop uses.
///
/// Every step runs a dozen parallel loops. Each wakes the team's threads and waits for them at
/// a barrier: microseconds on an idle machine, but under OMP_WAIT_POLICY=PASSIVE or on a
/// loaded machine a futex wake and a scheduler slice (milliseconds) per loop. On a small grid
/// the step's work is less than that, so such grids step faster on one thread. Results are
/// bitwise independent of the thread count, so the choice changes the speed only.
#include <cstddef>

namespace floodtwin::solver {

/// Cells per thread below which a loop does not take another thread. 1024 cells are ~26 us
/// of a first-order update at 39 M cell-updates/s: on an idle machine two threads still gain
/// on a grid of 2000 cells (the 600 m demo, 1888 cells: 0.45 s against 0.55 s on one), but a
/// sanitizer test on one-row channels of 50 and 200 cells under OMP_WAIT_POLICY=PASSIVE spent
/// ~90 % of its time waking threads (741,000 futex calls; 17 s on two threads against 2 s on
/// one here, 1480 s on a busy CI machine).
inline constexpr std::size_t kDefaultMinCellsPerThread = 1024;

/// The fewest cells a per-step loop gives each thread: set_min_cells_per_thread's value, else
/// the environment's FLOODTWIN_MIN_CELLS_PER_THREAD (a non-negative integer; anything else is
/// a ConfigError naming it), else kDefaultMinCellsPerThread.
std::size_t min_cells_per_thread();

/// Sets min_cells_per_thread for the process. 0: every loop takes all threads, however small
/// the grid (what the tests of thread independence on small grids use).
void set_min_cells_per_thread(std::size_t cells);

/// Threads for a loop over `rows` rows of `cells` cells in all: omp_get_max_threads(), or
/// fewer so that each gets at least min_cells_per_thread() cells, and at most one per row (the
/// loops share rows out: a channel of one row runs on one); at least 1. For a `num_threads`
/// clause.
int loop_threads(std::size_t cells, int rows);

}  // namespace floodtwin::solver
