// Area sources (inflows spread over a polygon or a circle): shares by exact clipped area,
// exact volume through the solver.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/channels.hpp"

using floodtwin::Real;
namespace tr = floodtwin::terrain;
namespace fs = floodtwin::solver;

TEST(AreaSource, SharesFollowCoveredArea) {
  const fs::Grid grid{10, 8, 2.0, 2.0, 100.0, 50.0};  // x 100..120, y 34..50
  // A rectangle over columns 1-2 fully and half of column 3, rows 0-1 (y 46..50).
  const std::vector<tr::Point2> rect = {{102, 46}, {107, 46}, {107, 50}, {102, 50}};
  const auto s = tr::area_shares(grid, {}, rect, "test");
  ASSERT_EQ(s.size(), 6u);
  double sum = 0;
  for (const auto& c : s) {
    sum += c.fraction;
    EXPECT_NEAR(c.covered, c.i == 3 ? 2.0 : 4.0, 1e-12);
    EXPECT_NEAR(c.fraction, c.i == 3 ? 0.1 : 0.2, 1e-12);
  }
  EXPECT_NEAR(sum, 1.0, 1e-15);
  // A clockwise, non-convex L-shape: same total area as the shoelace formula.
  const std::vector<tr::Point2> ell = {{101, 49}, {101, 37}, {105.5, 37}, {105.5, 41},
                                       {103, 41}, {103, 49}};
  const auto l = tr::area_shares(grid, {}, ell, "test");
  double covered = 0;
  for (const auto& c : l) covered += c.covered;
  EXPECT_NEAR(covered, tr::polygon_area(ell), 1e-12);
  EXPECT_NEAR(covered, 2 * 12 + 2.5 * 4, 1e-12);
  // A circle (256-gon): the covered area is the 256-gon's exactly, pi r^2 to 1.1e-4; an
  // inactive cell is left out.
  const auto circle = tr::circle_polygon({110, 42}, 3.3);
  const auto c = tr::area_shares(grid, {}, circle, "test");
  covered = 0;
  for (const auto& x : c) covered += x.covered;
  EXPECT_NEAR(covered, 128 * 3.3 * 3.3 * std::sin(2 * M_PI / 256), 1e-10);  // clipped at x ~ 110
  EXPECT_NEAR(covered / (M_PI * 3.3 * 3.3), 1.0, 1.1e-4);
  std::vector<Real> z(grid.cell_count(), 0.0);
  z[static_cast<std::size_t>(grid.nx * 4 + 5)] = std::numeric_limits<Real>::quiet_NaN();
  const auto c2 = tr::area_shares(grid, z, circle, "test");
  EXPECT_EQ(c2.size() + 1, c.size());
  double sum2 = 0;
  for (const auto& x : c2) sum2 += x.fraction;
  EXPECT_NEAR(sum2, 1.0, 1e-14);
  EXPECT_THROW(tr::area_shares(grid, {}, tr::circle_polygon({0, 0}, 1), "far"),
               floodtwin::InputError);
  EXPECT_THROW(tr::area_shares(grid, {}, std::vector<tr::Point2>{{0, 0}, {1, 1}}, "line"),
               floodtwin::InputError);
}

TEST(AreaSource, VolumeEnteringIsTheIntegralOfTheHydrograph) {
  const fs::Grid grid{24, 20, 5.0, 5.0, 0.0, 100.0};
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) z[static_cast<std::size_t>(j * grid.nx + i)] = 0.01 * i;
  }
  fs::SolverConfig cfg;
  cfg.scheme = fs::Scheme::second_order;
  fs::Simulation sim(grid, z, cfg);
  sim.set_manning(0.03);
  // Triangular hydrograph: 0 -> 3 m3/s at 60 s -> 0 at 180 s: 270 m3.
  const fs::TimeSeries q({0, 60, 180}, {0, 3, 0}, "inflow", fs::AfterEnd::hold);
  const auto shares =
      tr::add_area_source(sim, z, tr::circle_polygon({60, 50}, 12.0), q, "inlet");
  EXPECT_GT(shares.size(), 16u);
  sim.advance_to(240);
  const auto mb = sim.mass_balance();
  EXPECT_NEAR(mb.point_in, 270.0, 1e-9);
  EXPECT_NEAR(mb.volume, 270.0, 1e-9);  // closed box (walls), dry start
  EXPECT_LT(mb.relative_error(), 1e-12);
}
