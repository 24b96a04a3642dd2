// Steady frictionless flow over a bump with kinks at its feet (Goutal and Maurel 1997; SWASHES
// 3.1.1 and 3.1.3), reached from a still lake: the second-order scheme must settle on the
// steady state and converge to it. With the MC limiter it does not (a limit cycle of 1.7e-3 m
// whose size does not fall with dx; docs/solver.md, "Limiter"): van Leer's limiter, the
// default, settles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "channel.hpp"
#include "exact.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin::solver;

namespace {

struct BumpRun {
  double l1 = 0;     ///< mean |h - h_exact| over the cells kept [m]
  double swing = 0;  ///< largest max - min of a cell's depth over the last `window` s [m]
  double jump = 0;  ///< first x past the crest where the depth exceeds the mean of the jump's sides
  double balance = 0;
};

/// Runs the bump case `c` on nx cells to t_end, then samples the depth every 0.25 s over
/// `window` s. Cells within `skip` cells of the exact jump are left out of l1.
BumpRun run_bump(const ft::BumpSteady& c, int nx, Limiter limiter, double t_end, double window,
                 int skip = 0) {
  const Grid grid = ft::channel_grid(nx, ft::BumpSteady::L);
  SolverConfig cfg;
  cfg.scheme = Scheme::second_order;
  cfg.limiter = limiter;
  Simulation sim(grid, ft::along_x(grid, ft::BumpSteady::bed), cfg);
  sim.set_manning(0);
  sim.set_water_level(ft::along_x(grid, [&](double) { return c.h_out; }));
  BoundaryCondition inflow;
  inflow.side = Side::west;
  inflow.type = BoundaryType::discharge;
  inflow.series = TimeSeries(c.q * grid.dy);
  sim.add_boundary(inflow);
  BoundaryCondition level;
  level.side = Side::east;
  level.type = BoundaryType::water_level;
  level.series = TimeSeries(c.h_out);
  sim.add_boundary(level);
  sim.advance_to(static_cast<Real>(t_end));
  std::vector<Real> lo = sim.depth(), hi = lo;
  for (double t = t_end + 0.25; t <= t_end + window + 1e-9; t += 0.25) {
    sim.advance_to(static_cast<Real>(t));
    const std::vector<Real> h = sim.depth();
    for (std::size_t i = 0; i < h.size(); ++i) {
      lo[i] = std::min(lo[i], h[i]);
      hi[i] = std::max(hi[i], h[i]);
    }
  }
  const std::vector<Real> h = sim.depth();
  BumpRun r;
  const double xs = c.transcritical() ? c.jump_position() : -1e9;
  int kept = 0;
  for (int i = 0; i < nx; ++i) {
    const auto k = static_cast<std::size_t>(i);
    r.swing = std::max(r.swing, static_cast<double>(hi[k] - lo[k]));
    const double x = grid.x_center(i);
    if (std::abs(x - xs) <= skip * grid.dx) continue;
    r.l1 += std::abs(h[k] - c.depth(x));
    ++kept;
  }
  r.l1 /= kept;
  if (c.transcritical()) {
    const double mid = 0.5 * (c.depth(xs - 1e-6) + c.depth(xs + 1e-6));
    for (int i = 0; i < nx; ++i) {  // downstream of the crest (x = 10)
      if (grid.x_center(i) > 10 && h[static_cast<std::size_t>(i)] > mid) {
        r.jump = grid.x_center(i);
        break;
      }
    }
  }
  r.balance = sim.mass_balance().relative_error();
  return r;
}

}  // namespace

TEST(Bump, SubcriticalSecondOrderSettlesAndConvergesAtOrderTwo) {
  const ft::BumpSteady c;  // q 4.42 m2/s, outlet 2 m: subcritical everywhere
  ASSERT_FALSE(c.transcritical());
  const BumpRun a = run_bump(c, 50, Limiter::van_leer, 300, 10);
  const BumpRun b = run_bump(c, 100, Limiter::van_leer, 300, 10);
  const BumpRun d = run_bump(c, 200, Limiter::van_leer, 300, 10);
  const BumpRun mc = run_bump(c, 100, Limiter::mc, 300, 10);
  std::printf(
      "  bump subcritical, van Leer: L1 %.3e %.3e %.3e (orders %.2f %.2f), swing %.1e %.1e "
      "%.1e m; MC at 100 cells: L1 %.3e, swing %.1e m\n",
      a.l1, b.l1, d.l1, ft::observed_order(a.l1, b.l1), ft::observed_order(b.l1, d.l1), a.swing,
      b.swing, d.swing, mc.l1, mc.swing);
  // Steady: the depth moves by less than 1e-4 m over 10 s (MC keeps swinging by ~1e-3 m).
  EXPECT_LT(d.swing, 1e-4);
  EXPECT_LT(b.swing, 1e-4);
  EXPECT_GT(mc.swing, 10 * b.swing);
  EXPECT_GT(ft::observed_order(b.l1, d.l1), 1.6);
  EXPECT_LT(d.l1, 1e-4);
  EXPECT_LT(d.balance, 1e-10);
}

TEST(Bump, TranscriticalJumpStandsWhereTheMomentumBalanceSaysAndTheRestConverges) {
  ft::BumpSteady c;
  c.q = 0.18;  // critical at the crest, a jump on the lee side, 0.33 m at the outlet
  c.h_out = 0.33;
  ASSERT_TRUE(c.transcritical());
  const double xs = c.jump_position();
  const BumpRun a = run_bump(c, 100, Limiter::van_leer, 300, 10, 5);
  const BumpRun b = run_bump(c, 200, Limiter::van_leer, 300, 10, 5);
  std::printf(
      "  bump with a jump at x = %.3f m, van Leer: L1 without 5 cells at the jump %.3e %.3e "
      "(order %.2f), jump at %.3f %.3f m, swing %.1e %.1e m\n",
      xs, a.l1, b.l1, ft::observed_order(a.l1, b.l1), a.jump, b.jump, a.swing, b.swing);
  EXPECT_NEAR(b.jump, xs, 2 * ft::BumpSteady::L / 200);
  EXPECT_GT(ft::observed_order(a.l1, b.l1), 1.0);
  EXPECT_LT(b.l1, 4e-4);
  EXPECT_LT(b.balance, 1e-10);
}
