// Bed changes in mid-run (Simulation::set_elevation, schedule_elevation), e.g. a levee
// breach: depths are kept, so the volume is unchanged and the balance stays closed; ghost
// beds follow, so a lake at rest on the new bed stays at rest; a scheduled change applies
// exactly at its time.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "solver/error.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin::solver;
using floodtwin::InputError;

namespace {

std::size_t at(const Grid& g, int i, int j) {
  return static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(i);
}

Real max_speed(const Simulation& sim) {
  Real m = 0;
  for (const Real u : sim.velocity_x()) m = std::max(m, std::abs(u));
  for (const Real v : sim.velocity_y()) m = std::max(m, std::abs(v));
  return m;
}

}  // namespace

// A closed basin: a lake (level 2 m) behind a 3 m levee, dry land behind it. The breach
// lowers four levee cells to the land: the depths (and so the volume) are those of before,
// no edit is booked, water flows through the gap and the volume is kept to round-off.
TEST(BedChange, LeveeBreachKeepsVolumeAndFloodsTheLandBehind) {
  for (Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    const Grid grid{40, 10, 10.0, 10.0, 0.0, 100.0};
    std::vector<Real> z(grid.cell_count(), 0.0);
    for (int j = 0; j < grid.ny; ++j) z[at(grid, 20, j)] = 3.0;
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, z, cfg);
    sim.set_manning(0.03);
    std::vector<Real> h(grid.cell_count(), 0.0);
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < 20; ++i) h[at(grid, i, j)] = 2.0;
    }
    sim.set_depth(h);
    sim.advance_to(60);
    EXPECT_LT(max_speed(sim), 1e-12) << "the lake behind the intact levee is at rest";
    const double v0 = sim.stored_volume();
    const std::vector<Real> h_before = sim.depth();
    for (int j = 3; j <= 6; ++j) z[at(grid, 20, j)] = 0.0;
    sim.set_elevation(z);
    EXPECT_EQ(sim.depth(), h_before) << "set_elevation keeps every depth";
    EXPECT_EQ(sim.stored_volume(), v0) << "and so the stored volume";
    EXPECT_EQ(sim.mass_balance().edits, 0.0);
    EXPECT_EQ(sim.elevation()[at(grid, 20, 4)], 0.0);
    EXPECT_EQ(sim.elevation()[at(grid, 20, 0)], 3.0);
    sim.advance_to(600);
    double behind = 0;
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 21; i < grid.nx; ++i) behind += sim.depth()[at(grid, i, j)] * 100.0;
    }
    const double rel = std::abs(sim.stored_volume() - v0) / v0;
    std::printf("  %s: %.0f m3 through the breach, relative volume change %.2e\n",
                to_string(scheme).c_str(), behind, rel);
    EXPECT_GT(behind, 0.2 * v0) << "the breach floods the land behind the levee";
    EXPECT_LT(rel, 1e-12);
    EXPECT_LT(sim.mass_balance().relative_error(), 1e-12);
  }
}

// Well-balanced after a bed change: a lake at rest (level 1 m) with open boundaries west and
// east (the bed along the boundary normal is flat, so the open ghosts hold the level). (a) A dry
// hill lowered but still above the water: nothing moves. (b) The bed at the west edge lowered under
// water and the level set back to 1 m: the ghost beds follow the new bed, so the lake stays at rest
// (stale ghost beds would drive a flow through the boundary).
TEST(BedChange, LakeAtRestStaysAtRestOnTheChangedBed) {
  for (Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    const Grid grid{30, 8, 5.0, 5.0, 0.0, 40.0};
    std::vector<Real> z(grid.cell_count(), 0.0);
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 14; i <= 16; ++i) z[at(grid, i, j)] = 2.0 + 0.1 * j;
    }
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, z, cfg);
    sim.set_manning(0.03);
    for (Side side : {Side::west, Side::east}) {
      BoundaryCondition bc;
      bc.side = side;
      bc.type = BoundaryType::open;
      sim.add_boundary(bc);
    }
    sim.set_water_level(std::vector<Real>(grid.cell_count(), 1.0));
    const double v0 = sim.stored_volume();
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 14; i <= 16; ++i) z[at(grid, i, j)] = 1.2 + 0.05 * i;  // still dry
    }
    sim.set_elevation(z);
    for (int s = 0; s < 300; ++s) sim.step(0.5);
    EXPECT_LT(max_speed(sim), 1e-13) << to_string(scheme) << ": (a) dry hill lowered";
    EXPECT_EQ(sim.stored_volume(), v0);
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i <= 2; ++i) z[at(grid, i, j)] = -0.5 - 0.05 * j;  // flat along x
    }
    sim.set_elevation(z);
    sim.set_water_level(std::vector<Real>(grid.cell_count(), 1.0));
    EXPECT_NEAR(sim.depth()[at(grid, 0, 3)], 1.65, 1e-12);
    for (int s = 0; s < 300; ++s) sim.step(0.5);
    EXPECT_LT(max_speed(sim), 1e-13) << to_string(scheme) << ": (b) wet bed lowered at the edge";
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < 14; ++i) {
        ASSERT_NEAR(sim.water_level()[at(grid, i, j)], 1.0, 1e-13) << "cell " << i << ", " << j;
      }
    }
  }
}

// schedule_elevation: a step ends exactly at the change's time, the bed is the old one up to
// it and the new one after; the balance stays closed.
TEST(BedChange, ScheduledChangeAppliesExactlyAtItsTime) {
  const Grid grid{20, 6, 10.0, 10.0, 0.0, 60.0};
  std::vector<Real> z(grid.cell_count(), 0.0);
  for (int j = 0; j < grid.ny; ++j) z[at(grid, 10, j)] = 2.0;
  Simulation sim(grid, z);
  sim.set_manning(0.03);
  std::vector<Real> h(grid.cell_count(), 0.0);
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < 10; ++i) h[at(grid, i, j)] = 1.5;
  }
  sim.set_depth(h);
  std::vector<Real> breached = z;
  for (int j = 2; j <= 3; ++j) breached[at(grid, 10, j)] = 0.25;
  const Real t_breach = 37.25;
  sim.schedule_elevation(t_breach, breached);
  EXPECT_EQ(sim.next_elevation_change(), t_breach);
  bool landed = false;
  sim.advance_to(120, [&](Real) {
    if (sim.time() == t_breach) landed = true;
    const Real bed = sim.elevation()[at(grid, 10, 2)];
    if (sim.time() <= t_breach) {
      EXPECT_EQ(bed, 2.0) << "at t = " << sim.time();
    } else {
      EXPECT_EQ(bed, 0.25) << "at t = " << sim.time();
    }
    return true;
  });
  EXPECT_TRUE(landed) << "no step ended exactly at the breach time";
  EXPECT_EQ(sim.time(), 120.0);
  EXPECT_TRUE(std::isinf(sim.next_elevation_change()));
  EXPECT_GT(sim.depth()[at(grid, 15, 2)], 0.01) << "water went through the breach";
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-12);
}

TEST(BedChange, BadBedsAreRefusedNamingTheCell) {
  const Grid grid{5, 4, 1.0, 1.0, 0.0, 4.0};
  Simulation sim(grid, std::vector<Real>(grid.cell_count(), 0.0));
  std::vector<Real> z(grid.cell_count(), 0.0);
  z[at(grid, 3, 2)] = std::nan("");
  try {
    sim.set_elevation(z);
    FAIL() << "a NaN bed in an active cell was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 2, column 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sim.schedule_elevation(5.0, std::vector<Real>(3, 0.0)), InputError);
  EXPECT_THROW(sim.schedule_elevation(std::nan(""), std::vector<Real>(grid.cell_count(), 0.0)),
               InputError);
  EXPECT_EQ(sim.elevation()[at(grid, 3, 2)], 0.0) << "a refused bed changes nothing";
}
