// Lake at rest over an emerged bump, with wet and dry cells: well-balancedness.
#include <gtest/gtest.h>

#include <cmath>

#include "solver/simulation.hpp"

using namespace floodtwin::solver;

namespace {

/// Runs `steps` steps of a lake at level 0.1 m over a bump that emerges (SWASHES 3.1.1 in 2D:
/// z = max(0, 0.2 - 0.05 r^2) on a 25 m square, plus a ridge) and returns the largest speed.
double lake_max_speed(Scheme scheme, int steps) {
  const int n = 50;
  const Grid grid{n, n, 0.5, 0.5, 0.0, 25.0};
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const double x = grid.x_center(i), y = grid.y_center(j);
      const double r2 = (x - 10) * (x - 10) + (y - 12.5) * (y - 12.5);
      const double ridge = 0.15 * std::exp(-(x - 20) * (x - 20));
      z[static_cast<std::size_t>(j * n + i)] = std::max(0.0, 0.2 - 0.05 * r2) + ridge;
    }
  }
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, z, cfg);
  sim.set_manning(0.02);
  sim.set_water_level(std::vector<Real>(grid.cell_count(), 0.1));
  EXPECT_GT(sim.wet_cells(0.0), 0u);
  EXPECT_LT(sim.wet_cells(0.0), grid.cell_count());  // some cells are dry
  double vmax = 0;
  for (int s = 0; s < steps; ++s) sim.step(0.01);
  const auto u = sim.velocity_x();
  const auto v = sim.velocity_y();
  for (std::size_t c = 0; c < u.size(); ++c) vmax = std::max({vmax, std::abs(u[c]), std::abs(v[c])});
  EXPECT_EQ(sim.steps(), steps);
  return vmax;
}

}  // namespace

// The hydrostatic reconstruction balances pressure and bed slope exactly in exact arithmetic;
// round-off leaves velocities many orders below 1e-10 m/s.
TEST(LakeAtRest, EmergedBumpFirstOrder) {
  EXPECT_LT(lake_max_speed(Scheme::first_order, 1000), 1e-10);
}

TEST(LakeAtRest, EmergedBumpSecondOrder) {
  EXPECT_LT(lake_max_speed(Scheme::second_order, 1000), 1e-10);
}
