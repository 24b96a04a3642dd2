// Properties on seeded random terrains: well-balanced, depth never negative, results
// independent of the thread count; a radial dam break stays symmetric; inactive cells are walls.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>

#include "all_threads.hpp"
#include "random_terrain.hpp"
#include "solver/simulation.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin::solver;

namespace {

class RandomTerrain : public ::testing::TestWithParam<std::tuple<unsigned, Scheme>> {};

Simulation dam_break_on(const Grid& grid, unsigned seed, Scheme scheme) {
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, ft::random_terrain(grid, seed, 2.0), cfg);
  sim.set_manning(0.025);
  std::vector<Real> eta(grid.cell_count(), -10.0);
  for (int j = 0; j < grid.ny; ++j)
    for (int i = 0; i < grid.nx / 3; ++i) eta[static_cast<std::size_t>(j * grid.nx + i)] = 1.5;
  sim.set_water_level(eta);
  BoundaryCondition out;
  out.side = Side::east;
  out.type = BoundaryType::open;
  sim.add_boundary(out);
  return sim;
}

}  // namespace

TEST_P(RandomTerrain, LakeAtRestStaysAtRest) {
  const auto [seed, scheme] = GetParam();
  const Grid grid{48, 36, 1.0, 1.0, 0.0, 36.0};
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, ft::random_terrain(grid, seed, 2.0), cfg);
  sim.set_manning(0.03);
  sim.set_water_level(std::vector<Real>(grid.cell_count(), 0.4));
  for (int s = 0; s < 300; ++s) sim.step(0.05);
  const auto u = sim.velocity_x();
  const auto v = sim.velocity_y();
  const auto eta = sim.water_level();
  const auto h = sim.depth();
  for (std::size_t c = 0; c < u.size(); ++c) {
    ASSERT_LT(std::abs(u[c]), 1e-10);
    ASSERT_LT(std::abs(v[c]), 1e-10);
    if (h[c] > 0) {
      ASSERT_NEAR(eta[c], 0.4, 1e-12);
    }
  }
}

TEST_P(RandomTerrain, DepthStaysNonNegativeAndThreadCountDoesNotMatter) {
  const auto [seed, scheme] = GetParam();
  const Grid grid{64, 40, 2.0, 2.0, 0.0, 80.0};
  ft::AllThreads guard;  // a 64 x 40 grid: all threads anyway
  std::vector<Real> reference;
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    Simulation sim = dam_break_on(grid, seed, scheme);
    for (int s = 0; s < 200; ++s) {
      sim.step();
      if (s % 50 == 0) {
        for (const Real h : sim.depth()) ASSERT_GE(h, 0.0);
      }
    }
    std::vector<Real> state(sim.h(), sim.h() + grid.padded_size());
    state.insert(state.end(), sim.qx(), sim.qx() + grid.padded_size());
    state.insert(state.end(), sim.qy(), sim.qy() + grid.padded_size());
    if (reference.empty()) {
      reference = state;
    } else {
      ASSERT_EQ(std::memcmp(reference.data(), state.data(), state.size() * sizeof(Real)), 0)
          << threads << " threads differ from 1 thread";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomTerrain,
                         ::testing::Combine(::testing::Values(1u, 2u, 3u),
                                            ::testing::Values(Scheme::first_order,
                                                              Scheme::second_order)));

// A cylinder of water collapsing on a flat square stays symmetric under reflections in both
// axes and the diagonal. The x and y sweeps round differently, so symmetry holds to round-off.
TEST(RadialDamBreak, StaysSymmetric) {
  for (Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    const int n = 81;
    const Grid grid{n, n, 1.0, 1.0, 0.0, double(n)};
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, std::vector<Real>(grid.cell_count(), 0.0), cfg);
    std::vector<Real> h(grid.cell_count());
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        const double r = std::hypot(i - n / 2, j - n / 2);
        h[static_cast<std::size_t>(j * n + i)] = r < 15 ? 2.0 : 0.5;
      }
    }
    sim.set_depth(h);
    sim.advance_to(5.0);
    const auto d = sim.depth();
    double worst = 0;
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        const double a = d[static_cast<std::size_t>(j * n + i)];
        worst = std::max({worst, std::abs(a - d[static_cast<std::size_t>(i * n + j)]),
                          std::abs(a - d[static_cast<std::size_t>(j * n + (n - 1 - i))]),
                          std::abs(a - d[static_cast<std::size_t>((n - 1 - j) * n + i)])});
      }
    }
    EXPECT_LT(worst, 1e-11) << to_string(scheme);
    EXPECT_GT(*std::max_element(d.begin(), d.end()), 0.5);
  }
}

TEST(InactiveCells, BehaveAsWalls) {
  // A channel split by a wall of no-data cells with one gap: water passes only through the gap,
  // no water ever enters an inactive cell, and volume is conserved.
  const Grid grid{30, 11, 1.0, 1.0, 0.0, 11.0};
  std::vector<Real> z(grid.cell_count(), 0.0);
  for (int j = 0; j < grid.ny; ++j) {
    if (j != 5) z[static_cast<std::size_t>(j * grid.nx + 15)] = std::nan("");
  }
  Simulation sim(grid, z);
  std::vector<Real> h(grid.cell_count(), 0.0);
  for (int j = 0; j < grid.ny; ++j)
    for (int i = 0; i < 15; ++i) h[static_cast<std::size_t>(j * grid.nx + i)] = 1.0;
  sim.set_depth(h);
  const double v0 = sim.stored_volume();
  sim.advance_to(20);
  const auto d = sim.depth();
  double east = 0;
  for (int j = 0; j < grid.ny; ++j) {
    EXPECT_EQ(d[static_cast<std::size_t>(j * grid.nx + 15)], j == 5 ? d[static_cast<std::size_t>(j * grid.nx + 15)] : 0.0);
    for (int i = 16; i < grid.nx; ++i) east += d[static_cast<std::size_t>(j * grid.nx + i)];
  }
  EXPECT_GT(east, 1.0);  // water went through the gap
  EXPECT_NEAR(sim.stored_volume(), v0, 1e-12 * v0);
  EXPECT_EQ(sim.active_cells(), grid.cell_count() - 10);
  EXPECT_TRUE(std::isnan(sim.elevation()[15]));
}
