// Closed basins conserve volume to round-off; rain, inflows and point sources add exactly
// what they should.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "random_terrain.hpp"
#include "solver/simulation.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin::solver;

namespace {

Simulation sloshing_basin(Scheme scheme, unsigned seed) {
  const Grid grid{60, 40, 2.0, 3.0, 1000.0, 5000.0};
  const auto z = ft::random_terrain(grid, seed, 1.5);
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, z, cfg);
  sim.set_manning(0.03);
  // A tilted water surface: half the basin floods, the other half drains, wet/dry fronts move.
  std::vector<Real> eta(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) eta[static_cast<std::size_t>(j * grid.nx + i)] = 0.6 + 0.01 * i;
  }
  sim.set_water_level(eta);
  return sim;
}

}  // namespace

// Each face flux is added to one cell and subtracted from the other, so only round-off
// (about 1e-16 relative per step) changes the total; 1e-12 after hundreds of steps.
TEST(Conservation, ClosedBasinFirstOrder) {
  Simulation sim = sloshing_basin(Scheme::first_order, 7);
  const double v0 = sim.stored_volume();
  for (int s = 0; s < 500; ++s) sim.step();
  const double rel = std::abs(sim.stored_volume() - v0) / v0;
  std::printf("  first order: relative volume change after 500 steps %.2e\n", rel);
  EXPECT_LT(rel, 1e-12);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-12);
  EXPECT_EQ(sim.mass_balance().boundary_in, 0.0);
  EXPECT_EQ(sim.mass_balance().boundary_out, 0.0);
}

// Asked before the first step, the balance starts from the state as it is: no error (it once
// reported an initial volume of 0 and a relative error of 1 until the first step).
TEST(Conservation, BalanceBeforeTheFirstStepIsClosed) {
  Simulation sim = sloshing_basin(Scheme::first_order, 3);
  const MassBalance before = sim.mass_balance();
  EXPECT_GT(before.volume, 0);
  EXPECT_EQ(before.initial_volume, before.volume);
  EXPECT_EQ(before.error(), 0);
  EXPECT_EQ(before.relative_error(), 0);
  sim.step();
  EXPECT_EQ(sim.mass_balance().initial_volume, before.volume);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-14);
}

TEST(Conservation, ClosedBasinSecondOrder) {
  Simulation sim = sloshing_basin(Scheme::second_order, 11);
  const double v0 = sim.stored_volume();
  for (int s = 0; s < 500; ++s) sim.step();
  const double rel = std::abs(sim.stored_volume() - v0) / v0;
  std::printf("  second order: relative volume change after 500 steps %.2e\n", rel);
  EXPECT_LT(rel, 1e-12);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-12);
}

TEST(Conservation, RainOnClosedBasinAddsExactlyTheRain) {
  for (Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    const Grid grid{40, 30, 5.0, 5.0, 0.0, 150.0};
    auto z = ft::random_terrain(grid, 3, 2.0);
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, z, cfg);
    sim.set_manning(0.05);
    // 50 mm/h for 10 min, then 20 mm/h; plus a per-cell field of 10 mm/h in the east half.
    const Real mmh = Real(1e-3 / 3600.0);
    sim.set_uniform_rain(TimeSeries({0, 600, 601}, {50 * mmh, 50 * mmh, 20 * mmh}, "hyetograph",
                                    AfterEnd::hold));
    std::vector<Real> field(grid.cell_count(), 0);
    for (int j = 0; j < grid.ny; ++j)
      for (int i = grid.nx / 2; i < grid.nx; ++i) field[static_cast<std::size_t>(j * grid.nx + i)] = 10 * mmh;
    sim.set_rain_rate(field);
    sim.set_water_level(std::vector<Real>(grid.cell_count(), 0.3));  // ponds and dry hills
    const double v0 = sim.stored_volume();
    sim.advance_to(1200.0);
    const double area = grid.nx * grid.dx * grid.ny * grid.dy;
    const double expected = area * (50 * mmh * 600 + 0.5 * (50 + 20) * mmh * 1 + 20 * mmh * 599) +
                            area / 2 * 10 * mmh * 1200;
    const MassBalance mb = sim.mass_balance();
    std::printf("  %s: rain volume %.6f m3 (expected %.6f), stored gain %.6f m3\n",
                to_string(scheme).c_str(), mb.rain_in, expected, mb.volume - v0);
    EXPECT_NEAR(mb.rain_in, expected, 1e-12 * expected);
    EXPECT_NEAR(mb.volume - v0, expected, 1e-12 * (v0 + expected));
    EXPECT_GT(sim.steps(), 100);
    EXPECT_LT(mb.relative_error(), 1e-12);
  }
}

TEST(Conservation, InflowDischargeAndPointSourceVolumes) {
  for (Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    const Grid grid{50, 20, 10.0, 10.0, 0.0, 200.0};
    std::vector<Real> z(grid.cell_count());
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j * grid.nx + i)] = -0.001 * i * 10;
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, z, cfg);
    sim.set_manning(0.03);
    BoundaryCondition in;
    in.side = Side::west;
    in.type = BoundaryType::discharge;
    in.series = TimeSeries({0, 300, 600}, {0, 5, 0}, "hydrograph");  // triangle: 1500 m3
    in.from = 50;
    in.to = 150;
    sim.add_boundary(in);
    sim.add_point_source(255, 105, TimeSeries({0, 600}, {2, 2}, "well"));  // 1200 m3
    sim.advance_to(600);
    const MassBalance mb = sim.mass_balance();
    EXPECT_NEAR(mb.boundary_in, 1500.0, 1e-9);
    EXPECT_NEAR(mb.point_in, 1200.0, 1e-9);
    EXPECT_NEAR(mb.volume, 2700.0, 1e-9);
    EXPECT_LT(mb.relative_error(), 1e-12);
  }
}

TEST(Conservation, OpenBoundaryDrainsAndBooksOutflow) {
  const Grid grid{40, 10, 5.0, 5.0, 0.0, 50.0};
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j)
    for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j * grid.nx + i)] = -0.01 * i * 5;
  Simulation sim(grid, z);
  sim.set_manning(0.03);
  sim.set_depth(std::vector<Real>(grid.cell_count(), 0.5));
  BoundaryCondition out;
  out.side = Side::east;
  out.type = BoundaryType::open;
  sim.add_boundary(out);
  const double v0 = sim.stored_volume();
  sim.advance_to(600);
  const MassBalance mb = sim.mass_balance();
  EXPECT_GT(mb.boundary_out, 0.3 * v0);  // a good part drained downhill
  EXPECT_LT(mb.volume, v0 - mb.boundary_out * 0.999);
  EXPECT_LT(mb.relative_error(), 1e-12);
}

// A block of water runs down a dry channel and out through an open side: every velocity points
// out, so nothing may enter. The second order's zero-gradient ghost held the cell-centre depth
// while the last cell's reconstructed face depth was ~0 as the wet/dry front arrived, and the
// face's Riemann problem (dry inside, water outside moving out slower than 2c) let
// 1.4e-2 m3 in; the ghost's side of the face now takes the interior's face value.
TEST(Conservation, OpenOutletLetsNothingInWhenAFrontArrives) {
  for (const Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    for (const Side side : {Side::east, Side::west, Side::north, Side::south}) {
      const bool along_x = side == Side::east || side == Side::west;
      const int n = 60;
      const Grid grid{along_x ? n : 1, along_x ? 1 : n, 5.0, 5.0, 0.0, 0.0};
      std::vector<Real> z(grid.cell_count());
      std::vector<Real> h(grid.cell_count(), 0.0);
      for (int k = 0; k < n; ++k) {
        // k counts cells from the open side; rows run north to south, columns west to east.
        const int at = side == Side::west || side == Side::north ? k : n - 1 - k;
        z[static_cast<std::size_t>(at)] = static_cast<Real>(0.05 * k);  // slope 1e-2
        if (k >= n - 10) h[static_cast<std::size_t>(at)] = 0.3;
      }
      SolverConfig cfg;
      cfg.scheme = scheme;
      Simulation sim(grid, z, cfg);
      sim.set_manning(0.03);
      sim.set_depth(h);
      BoundaryCondition out;
      out.side = side;
      out.type = BoundaryType::open;
      sim.add_boundary(out);
      sim.advance_to(600);
      const MassBalance mb = sim.mass_balance();
      SCOPED_TRACE(std::string(to_string(side)) +
                   (scheme == Scheme::first_order ? " 1st" : " 2nd"));
      EXPECT_EQ(mb.boundary_in, 0.0);
      EXPECT_GT(mb.boundary_out, 0.5 * 0.3 * 10 * 25);  // most of the block left
      EXPECT_LT(mb.relative_error(), 1e-12);
    }
  }
}

// Open sides let water out, never in. Rain on a valley draining west whose other edges stand
// on its slopes (as where a model's edge cuts through the hillsides below a catchment
// divide): the film near the north, south and east edges runs inwards, and a zero-gradient
// ghost, which copies the interior's velocity, fed it from outside. Found on the demo basin once
// hillslope films ran at their Manning speed: 23.5 million m3 in through its open sides
// against 26.2 million m3 of rain. A dam break in an open box: after the waves leave, the water
// near the edges flows back in towards the hollow; the ghosts fed that too.
namespace {

/// A simulation of `scheme` on `z` whose four sides are open.
Simulation open_on_all_sides(const Grid& grid, const std::vector<Real>& z, Scheme scheme) {
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, z, cfg);
  for (const Side side : {Side::north, Side::south, Side::east, Side::west}) {
    BoundaryCondition open;
    open.side = side;
    open.type = BoundaryType::open;
    sim.add_boundary(open);
  }
  return sim;
}

}  // namespace

TEST(Conservation, OpenSidesLetNothingIn) {
  for (const Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    SCOPED_TRACE(scheme == Scheme::first_order ? "1st" : "2nd");
    {
      const int n = 24;
      const Grid grid{n, n, 30.0, 30.0, 0.0, n * 30.0};
      std::vector<Real> z(grid.cell_count());
      for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
          const double x = grid.x_center(i), y = grid.y_center(j) - n * 15.0;
          z[static_cast<std::size_t>(j * n + i)] = static_cast<Real>(0.1 * x + 0.3 * std::abs(y));
        }
      }
      Simulation sim = open_on_all_sides(grid, z, scheme);
      sim.set_manning(0.045);
      sim.set_uniform_rain(TimeSeries(Real(20e-3 / 3600)));
      sim.advance_to(1800);
      const MassBalance mb = sim.mass_balance();
      EXPECT_EQ(mb.boundary_in, 0.0);
      EXPECT_GT(mb.boundary_out, 0.1 * mb.rain_in);
      EXPECT_LT(mb.relative_error(), 1e-12);
    }
    {
      const int n = 40;
      const Grid grid{n, n, 1.0, 1.0, 0.0, n * 1.0};
      Simulation sim = open_on_all_sides(grid, std::vector<Real>(grid.cell_count(), 0.0), scheme);
      sim.set_manning(0.0);
      std::vector<Real> h(grid.cell_count(), 0.5);
      for (int j = 15; j < 25; ++j) {
        for (int i = 15; i < 25; ++i) h[static_cast<std::size_t>(j * n + i)] = 2.0;
      }
      sim.set_depth(h);
      sim.advance_to(60);
      const MassBalance mb = sim.mass_balance();
      EXPECT_EQ(mb.boundary_in, 0.0);
      EXPECT_GT(mb.boundary_out, 0.0);
      EXPECT_LT(mb.relative_error(), 1e-12);
    }
  }
}

TEST(Conservation, WaterLevelBoundaryFillsBasinToTheLevel) {
  const Grid grid{30, 10, 10.0, 10.0, 0.0, 100.0};
  Simulation sim(grid, std::vector<Real>(grid.cell_count(), 0.0));
  sim.set_manning(0.03);
  BoundaryCondition level;
  level.side = Side::west;
  level.type = BoundaryType::water_level;
  level.series = TimeSeries(1.0);
  sim.add_boundary(level);
  sim.advance_to(3600);
  const auto h = sim.depth();
  for (const Real v : h) EXPECT_NEAR(v, 1.0, 5e-3);  // a weakly damped seiche remains
  EXPECT_NEAR(sim.mass_balance().boundary_in - sim.mass_balance().boundary_out,
              sim.stored_volume(), 1e-9 * sim.stored_volume());
}
