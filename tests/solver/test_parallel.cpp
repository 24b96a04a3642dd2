// Threads of the per-step loops (solver/parallel.hpp): one on small grids, all on large ones,
// and the same results either way.
#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

#include "all_threads.hpp"
#include "solver/parallel.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin::solver;

TEST(LoopThreads, EachThreadGetsAtLeastTheMinimumOfCells) {
  const floodtwin::testing::AllThreads restore;
  omp_set_num_threads(3);
  set_min_cells_per_thread(100);
  EXPECT_EQ(min_cells_per_thread(), 100U);
  EXPECT_EQ(loop_threads(0, 1000), 1);
  EXPECT_EQ(loop_threads(99, 1000), 1);
  EXPECT_EQ(loop_threads(199, 1000), 1);
  EXPECT_EQ(loop_threads(200, 1000), 2);
  EXPECT_EQ(loop_threads(299, 1000), 2);
  EXPECT_EQ(loop_threads(300, 1000), 3);
  EXPECT_EQ(loop_threads(1000000, 1000), 3);
  set_min_cells_per_thread(0);  // all threads, however small the loop
  EXPECT_EQ(loop_threads(0, 1000), 3);
  EXPECT_EQ(loop_threads(5, 1000), 3);
  omp_set_num_threads(1);
  set_min_cells_per_thread(100);
  EXPECT_EQ(loop_threads(1000000, 1000), 1);
  omp_set_num_threads(3);  // at most one thread per row, however many cells
  EXPECT_EQ(loop_threads(1000000, 2), 2);
  EXPECT_EQ(loop_threads(1000000, 1), 1);
  EXPECT_EQ(loop_threads(1000000, 0), 1);
  set_min_cells_per_thread(0);
  EXPECT_EQ(loop_threads(1000000, 1), 1);
}

TEST(LoopThreads, ASmallGridStepsOnOneThreadWithTheResultsOfAll) {
  const floodtwin::testing::AllThreads restore;
  const Grid grid{48, 30, 5.0, 5.0, 0.0, 150.0};
  auto run = [&](std::size_t min_cells) {
    set_min_cells_per_thread(min_cells);
    omp_set_num_threads(2);
    std::vector<Real> z(grid.cell_count());
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j) * grid.nx + i] = 0.01 * i;
    }
    SolverConfig cfg;
    cfg.scheme = Scheme::second_order;
    Simulation sim(grid, z, cfg);
    sim.set_manning(0.03);
    std::vector<Real> h(grid.cell_count(), 0);
    for (int j = 8; j < 20; ++j) {
      for (int i = 30; i < 44; ++i) h[static_cast<std::size_t>(j) * grid.nx + i] = 1.5;
    }
    sim.set_depth(h);
    EXPECT_EQ(sim.step_threads(), min_cells == 0 ? 2 : 1);
    sim.advance_to(40);
    return std::vector<Real>(sim.h(), sim.h() + grid.padded_size());
  };
  const std::vector<Real> one = run(grid.cell_count());  // fewer cells than 2 threads need
  const std::vector<Real> all = run(0);
  EXPECT_EQ(one, all);
}

TEST(LoopThreads, AChannelOfOneRowStepsOnOneThread) {
  const floodtwin::testing::AllThreads restore;
  set_min_cells_per_thread(0);
  omp_set_num_threads(2);
  const Grid channel{5000, 1, 1.0, 1.0, 0.0, 1.0};
  const Simulation sim(channel, std::vector<Real>(channel.cell_count(), 0));
  EXPECT_EQ(sim.step_threads(), 1);  // the threads share rows out: a second would idle
  const Grid two_rows{5000, 2, 1.0, 1.0, 0.0, 2.0};
  EXPECT_EQ(Simulation(two_rows, std::vector<Real>(two_rows.cell_count(), 0)).step_threads(), 2);
}
