// Local time stepping (SolverConfig::local_levels): exact solutions, a lake at rest, mass
// balance to round-off, positivity on wet/dry terrain, agreement with global steps and
// independence of the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "all_threads.hpp"
#include "channel.hpp"
#include "exact.hpp"
#include "random_terrain.hpp"
#include "solver/error.hpp"
#include "solver/infiltration.hpp"

namespace ft = floodtwin::testing;
using floodtwin::solver::BoundaryCondition;
using floodtwin::solver::BoundaryType;
using floodtwin::solver::Grid;
using floodtwin::solver::Real;
using floodtwin::solver::Scheme;
using floodtwin::solver::Side;
using floodtwin::solver::Simulation;
using floodtwin::solver::SolverConfig;
using floodtwin::solver::TimeSeries;

namespace {

SolverConfig local_config(int levels) {
  SolverConfig cfg;
  cfg.scheme = Scheme::first_order;
  cfg.local_levels = levels;
  return cfg;
}

/// L1 depth error of a dam break (depth hl left of x = 50, hr right) at t = 4 s on nx cells.
double dam_break_error(int nx, int levels, double hl, double hr,
                       const std::function<double(double)>& exact) {
  const auto grid = ft::channel_grid(nx, 100.0);
  Simulation sim(grid, ft::along_x(grid, [](double) { return 0.0; }), local_config(levels));
  sim.set_depth(ft::along_x(grid, [&](double x) { return x < 50 ? hl : hr; }));
  const double v0 = sim.stored_volume();
  sim.advance_to(4.0);
  EXPECT_DOUBLE_EQ(sim.time(), 4.0);
  EXPECT_NEAR(sim.stored_volume(), v0, 1e-12 * v0);  // walls all round
  return ft::l1_error(grid, sim.depth(), exact);
}

}  // namespace

TEST(LocalSteps, RitterDamBreakAsAccurateAsGlobalSteps) {
  const auto exact = [](double x) { return ft::ritter_depth(x, 4.0, 1.0, 50.0); };
  for (const int nx : {100, 400}) {
    const double global = dam_break_error(nx, 0, 1.0, 0.0, exact);
    const double local = dam_break_error(nx, 4, 1.0, 0.0, exact);
    std::printf("  Ritter nx %d: L1 global %.3e, local (4 levels) %.3e\n", nx, global, local);
    EXPECT_LT(local, 1.1 * global);
  }
}

TEST(LocalSteps, StokerDamBreakAsAccurateAsGlobalSteps) {
  const ft::Stoker stoker(1.0, 0.1, 50.0);
  const auto exact = [&](double x) { return stoker.depth(x, 4.0); };
  for (const int nx : {100, 400}) {
    const double global = dam_break_error(nx, 0, 1.0, 0.1, exact);
    const double local = dam_break_error(nx, 4, 1.0, 0.1, exact);
    std::printf("  Stoker nx %d: L1 global %.3e, local (4 levels) %.3e\n", nx, global, local);
    EXPECT_LT(local, 1.1 * global);
  }
}

namespace {

/// A hillslope catchment: random terrain tilted towards the west, open on the west side, with
/// uniform rain, a rain field, Manning friction and Green-Ampt losses.
Simulation rainy_catchment(int levels, const Grid& grid) {
  auto z = ft::random_terrain(grid, 5, 3.0);
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j * grid.nx + i)] += 0.05 * i;
  }
  Simulation sim(grid, z, local_config(levels));
  sim.set_manning(0.04);
  sim.set_uniform_rain(TimeSeries({0.0, 600.0, 1200.0}, {2e-5, 4e-5, 0.0}, "rain",
                                  floodtwin::solver::AfterEnd::zero));
  std::vector<Real> field(grid.cell_count(), 0);
  for (std::size_t k = 0; k < field.size(); k += 3) field[k] = 1e-5;
  sim.set_rain_rate(field);
  sim.set_loss_model(std::make_shared<floodtwin::solver::GreenAmpt>(grid, 2e-6, 0.09, 0.15));
  BoundaryCondition open;
  open.side = Side::west;
  open.type = BoundaryType::open;
  sim.add_boundary(open);
  return sim;
}

}  // namespace

// A lake over hills whose tops stand dry: shallow water near the shores takes longer local
// steps than the deep middle, and every level interface stays at rest (well-balanced).
TEST(LocalSteps, LakeAtRestStaysAtRestAcrossLevels) {
  const Grid grid{50, 40, 2.0, 2.0, 0.0, 80.0};
  const auto z = ft::random_terrain(grid, 9, 2.0);
  Simulation sim(grid, z, local_config(4));
  sim.set_water_level(std::vector<Real>(grid.cell_count(), Real(0.5)));
  const double v0 = sim.stored_volume();
  const auto h0 = sim.depth();
  sim.advance_to(60.0);
  const auto h = sim.depth();
  const auto u = sim.velocity_x();
  const auto v = sim.velocity_y();
  double dh = 0;
  double speed = 0;
  for (std::size_t k = 0; k < h.size(); ++k) {
    dh = std::max(dh, std::abs(static_cast<double>(h[k] - h0[k])));
    speed =
        std::max({speed, std::abs(static_cast<double>(u[k])), std::abs(static_cast<double>(v[k]))});
  }
  std::printf("  lake at rest, 60 s, 4 levels: max |dh| %.2e m, max speed %.2e m/s\n", dh, speed);
  EXPECT_LT(dh, 1e-12);
  EXPECT_LT(speed, 1e-12);
  EXPECT_NEAR(sim.stored_volume(), v0, 1e-13 * v0);
}

// Rain, losses and an open side: the balance closes to round-off, as with global steps.
TEST(LocalSteps, MassBalanceClosesWithRainLossesAndOutflow) {
  const Grid grid{60, 40, 10.0, 10.0, 0.0, 400.0};
  Simulation sim = rainy_catchment(4, grid);
  sim.advance_to(1800.0);
  const auto b = sim.mass_balance();
  std::printf("  rain %.6e m3, out %.6e m3, losses %.6e m3, stored %.6e m3, error %.2e\n",
              b.rain_in, b.boundary_out, b.losses, b.volume, b.relative_error());
  EXPECT_GT(b.rain_in, 0);
  EXPECT_GT(b.boundary_out, 0);
  EXPECT_GT(b.losses, 0);
  EXPECT_LT(b.relative_error(), 1e-12);
  EXPECT_DOUBLE_EQ(sim.time(), 1800.0);
}

// The same run with local and global steps: the water routed off the hillslopes agrees.
TEST(LocalSteps, AgreesWithGlobalSteps) {
  const Grid grid{60, 40, 10.0, 10.0, 0.0, 400.0};
  Simulation global = rainy_catchment(0, grid);
  Simulation local = rainy_catchment(4, grid);
  global.advance_to(1500.0);
  local.advance_to(1500.0);
  const auto a = global.depth();
  const auto b = local.depth();
  double diff = 0;
  double mean = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    diff += std::abs(static_cast<double>(a[k] - b[k]));
    mean += static_cast<double>(a[k]);
  }
  const auto bg = global.mass_balance();
  const auto bl = local.mass_balance();
  std::printf(
      "  mean depth %.4e m, mean |difference| %.3e m; outflow %.4e vs %.4e m3; steps "
      "%lld vs %lld cycles\n",
      mean / a.size(), diff / a.size(), bg.boundary_out, bl.boundary_out, global.steps(),
      local.steps());
  EXPECT_LT(diff, 0.05 * mean);
  EXPECT_NEAR(bl.boundary_out, bg.boundary_out, 0.05 * bg.boundary_out);
  EXPECT_NEAR(bl.losses, bg.losses, 0.01 * bg.losses);
}

// Bitwise the same whatever the number of threads.
TEST(LocalSteps, ThreadCountDoesNotChangeTheResults) {
  const ft::AllThreads all;
  const Grid grid{60, 40, 10.0, 10.0, 0.0, 400.0};
  std::vector<Real> first;
  for (const int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    Simulation sim = rainy_catchment(3, grid);
    sim.advance_to(900.0);
    const auto h = sim.depth();
    if (first.empty()) {
      first = h;
    } else {
      EXPECT_TRUE(std::equal(h.begin(), h.end(), first.begin())) << threads << " threads";
    }
  }
}

TEST(LocalSteps, UnsupportedCombinationsAreRefused) {
  const Grid grid{20, 10, 1.0, 1.0, 0.0, 10.0};
  SolverConfig second = local_config(2);
  second.scheme = Scheme::second_order;
  EXPECT_THROW(Simulation(grid, std::vector<Real>(grid.cell_count(), 0), second),
               floodtwin::ConfigError);
  SolverConfig many = local_config(SolverConfig::max_local_levels + 1);
  EXPECT_THROW(Simulation(grid, std::vector<Real>(grid.cell_count(), 0), many),
               floodtwin::ConfigError);
  Simulation sim(grid, std::vector<Real>(grid.cell_count(), 0), local_config(2));
  sim.set_depth(std::vector<Real>(grid.cell_count(), Real(0.1)));
  sim.set_loss_model(std::make_shared<floodtwin::solver::ScsCurveNumber>(grid, 80.0));
  try {
    sim.step();
    FAIL() << "a whole-grid loss model with local time steps was accepted";
  } catch (const floodtwin::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("whole grids"), std::string::npos) << e.what();
  }
}

// A run stopped and resumed from its state (as a checkpoint restores it: h, qx, qy, the
// losses' state and local time stepping's memory) takes the same cycles: bitwise equal.
TEST(LocalSteps, ResumedRunEqualsUninterrupted) {
  const Grid grid{60, 40, 10.0, 10.0, 0.0, 400.0};
  // Both runs stop at 700 s (as a run writing a checkpoint at its output time) with the
  // memory of rejected cycles in force: no level left (global steps), three steps since (this
  // catchment's cycles are never rejected by themselves: the memory is set as a rejection
  // leaves it). A resumed run must take over that memory and the loss model's state.
  Simulation whole = rainy_catchment(4, grid);
  whole.advance_to(700.0);
  whole.restore_local_state(0, 3);
  whole.advance_to(1500.0);
  Simulation first = rainy_catchment(4, grid);
  first.advance_to(700.0);
  first.restore_local_state(0, 3);
  auto resume = [&](bool with_memory) {
    Simulation resumed = rainy_catchment(4, grid);
    const std::size_t n = grid.padded_size();
    resumed.restore(first.time(), first.steps(), first.mass_balance(), {first.h(), n},
                    {first.qx(), n}, {first.qy(), n});
    const auto from = first.loss_model()->state_fields();
    const auto to = resumed.loss_model()->state_fields();
    EXPECT_EQ(from.size(), to.size());
    for (std::size_t f = 0; f < from.size(); ++f) *to[f].second = *from[f].second;
    if (with_memory) {
      resumed.restore_local_state(first.local_state().first, first.local_state().second);
    }
    resumed.advance_to(1500.0);
    return resumed;
  };
  const Simulation resumed = resume(true);
  EXPECT_EQ(resumed.steps(), whole.steps());
  const auto a = whole.depth();
  const auto b = resumed.depth();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_EQ(resumed.mass_balance().losses, whole.mass_balance().losses);
  // Without the memory the resumed run tries four levels at once: other cycles, other bits.
  const Simulation forgetful = resume(false);
  const auto c = forgetful.depth();
  EXPECT_NE(forgetful.steps(), whole.steps());
  EXPECT_FALSE(std::equal(a.begin(), a.end(), c.begin()));
}

// A river inflow as a point source on a dry hillslope: its cell steps at the finest level, the
// volume it adds is exactly the discharge's integral, and the flood it spreads agrees with
// global steps.
TEST(LocalSteps, PointSourceOnDryGround) {
  const Grid grid{60, 40, 10.0, 10.0, 0.0, 400.0};
  auto make = [&](int levels) {
    auto z = ft::random_terrain(grid, 13, 2.0);
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j * grid.nx + i)] += 0.02 * i;
    }
    Simulation sim(grid, z, local_config(levels));
    sim.set_manning(0.035);
    sim.add_point_source(455.0, 205.0,
                         TimeSeries({0.0, 300.0, 900.0}, {0.0, 4.0, 0.0}, "inflow",
                                    floodtwin::solver::AfterEnd::zero));
    BoundaryCondition open;
    open.side = Side::west;
    open.type = BoundaryType::open;
    sim.add_boundary(open);
    sim.advance_to(1200.0);
    return sim;
  };
  const Simulation global = make(0);
  const Simulation local = make(4);
  const auto bg = global.mass_balance();
  const auto bl = local.mass_balance();
  EXPECT_NEAR(bl.point_in, 1800.0, 1e-9);  // the integral of the hydrograph [m3]
  EXPECT_EQ(bl.point_in, bg.point_in);
  EXPECT_LT(bl.relative_error(), 1e-12);
  const auto a = global.depth();
  const auto b = local.depth();
  double diff = 0;
  double sum = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    diff += std::abs(static_cast<double>(a[k] - b[k]));
    sum += static_cast<double>(a[k]);
  }
  std::printf(
      "  point source: stored %.3f vs %.3f m3, mean |dh| / mean h %.2e, %lld steps vs "
      "%lld cycles\n",
      bg.volume, bl.volume, diff / sum, global.steps(), local.steps());
  EXPECT_LT(diff, 0.05 * sum);
  EXPECT_NEAR(bl.volume, bg.volume, 0.02 * bg.volume);
}
