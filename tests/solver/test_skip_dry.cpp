// Dry-ground skipping (issue 13): a run that visits only the rows within reach of water, rain
// and inflows gives bitwise the results of the full sweep (state, flood maps, mass balance,
// boundary and section flows), for 1 and 2 threads, both schemes; and the rows it skips are
// really skipped (wet_columns bounds the water).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "all_threads.hpp"
#include "solver/flood_maps.hpp"
#include "solver/infiltration.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin::solver;

namespace {

constexpr int kNx = 48;
constexpr int kNy = 60;

// A bumpy valley sloping east with a channel along row 20.
std::vector<Real> valley(int nx = kNx) {
  std::vector<Real> z(static_cast<std::size_t>(nx) * kNy);
  for (int j = 0; j < kNy; ++j) {
    for (int i = 0; i < nx; ++i) {
      const Real channel = std::abs(j - 20) <= 1 ? Real(-1.5) : Real(0.02) * std::abs(j - 20);
      z[static_cast<std::size_t>(j) * nx + i] =
          Real(5) - Real(0.01) * i + channel + Real(0.05) * std::sin(Real(0.7) * i + j);
    }
  }
  z[static_cast<std::size_t>(45) * nx + 30] = std::nan("");  // an inactive cell
  return z;
}

struct Outcome {
  std::vector<Real> h, qx, qy;
  std::vector<std::vector<Real>> maps;
  MassBalance balance;
  std::vector<double> flows;
  long long steps = 0;
};

// reaches_apart: a wide grid with water in reaches far apart in the same rows (the column
// sets of a first-order step have gaps), and springs that wet cells between, next to and
// inside the rows' wet runs (Simulation::mark_wet keeps them disjoint).
// fast_front: jets shot over dry ground, whose fronts wet a new cell in each stage of a
// second-order step (the reach of the column sets). drying_sheet: a film around a pool soaks
// away in a few steps, so that cells a stage wrote last step lie outside this step's sets.
// scattered: single wet cells and pairs of random depth and velocity (fronts that are not
// monotone, which a second-order stage can carry two cells on).
enum class Case { rain_patch, river_inflow, reaches_apart, fast_front, drying_sheet, scattered };

int width(Case c) { return c == Case::reaches_apart ? 229 : kNx; }

Outcome run(Case c, Scheme scheme, int threads, bool skip, int steps = 120) {
  const floodtwin::testing::AllThreads all;  // small grids: all threads anyway
  omp_set_num_threads(threads);
  const int nx = width(c);
  const Grid grid{nx, kNy, 10.0, 10.0, 0.0, 600.0};
  SolverConfig cfg;
  cfg.scheme = scheme;
  cfg.max_dt = 2.0;
  Simulation sim(grid, valley(nx), cfg);
  sim.set_manning(0.03);
  sim.set_skip_dry(skip);
  BoundaryCondition east;
  east.side = Side::east;
  east.type = BoundaryType::open;
  sim.add_boundary(east);
  if (c == Case::rain_patch) {
    // Rain on a patch of the hillside north of the channel, infiltrating (Green-Ampt): dry
    // cells under rain lose water too.
    std::vector<Real> rate(static_cast<std::size_t>(kNx) * kNy, 0);
    for (int j = 5; j < 12; ++j) {
      for (int i = 10; i < 22; ++i) rate[static_cast<std::size_t>(j) * kNx + i] = 2e-4;
    }
    sim.set_rain_rate(rate);
    sim.set_loss_model(std::make_shared<GreenAmpt>(grid, 1e-6, 0.09, 0.15));
    sim.add_point_source(grid.x_center(40), grid.y_center(50), TimeSeries(0.5), "spring");
  } else if (c == Case::reaches_apart) {
    // Two pools in the same rows, 180 columns apart, spreading and infiltrating; a spring
    // between them further north; sections across each pool's reach and across the gap.
    std::vector<Real> h(static_cast<std::size_t>(nx) * kNy, 0);
    for (int j = 28; j < 33; ++j) {
      for (int i = 12; i < 17; ++i) h[static_cast<std::size_t>(j) * nx + i] = 0.8;
      for (int i = 196; i < 201; ++i) h[static_cast<std::size_t>(j + 2) * nx + i] = 0.6;
    }
    sim.set_depth(h);
    sim.set_loss_model(std::make_shared<GreenAmpt>(grid, 1e-6, 0.09, 0.15));
    sim.add_point_source(grid.x_center(120), grid.y_center(8), TimeSeries(0.2), "spring");
    // Row 30: in the gap between the pools, at the west pool's edge and at the row's last
    // column; row 32: inside the east pool.
    const Real y30 = grid.y_center(30);
    sim.add_point_source(grid.x_center(60), y30, TimeSeries(0.05), "gap spring");
    sim.add_point_source(grid.x_center(17), y30, TimeSeries(0.05), "bank spring");
    sim.add_point_source(grid.x_center(nx - 1), y30, TimeSeries(0.05), "edge spring");
    sim.add_point_source(grid.x_center(198), grid.y_center(32), TimeSeries(0.05), "pool spring");
    sim.add_cross_section("gap", {{{grid.x_center(100), 600.0}, {grid.x_center(100), 0.0}}});
    sim.add_cross_section("east pool", {{{grid.x_center(205), 600.0}, {grid.x_center(205), 0.0}}});
  } else if (c == Case::fast_front) {
    const auto n = static_cast<std::size_t>(nx) * kNy;
    std::vector<Real> h(n, 0), qx(n, 0), qy(n, 0);
    for (int j = 30; j < 35; ++j) {
      for (int i = 2; i < 8; ++i) {  // 1 m at 4 m/s east
        const auto k = static_cast<std::size_t>(j) * nx + i;
        h[k] = 1.0;
        qx[k] = 4.0;
      }
    }
    for (int j = 50; j < 54; ++j) {
      for (int i = 36; i < 41; ++i) {  // 0.6 m at 3.5 m/s north-west
        const auto k = static_cast<std::size_t>(j) * nx + i;
        h[k] = 0.6;
        qx[k] = -1.5;
        qy[k] = 1.5;
      }
    }
    sim.set_depth(h);
    sim.set_discharge(qx, qy);
    sim.set_loss_model(std::make_shared<GreenAmpt>(grid, 1e-6, 0.09, 0.15));
  } else if (c == Case::scattered) {
    const auto n = static_cast<std::size_t>(nx) * kNy;
    std::vector<Real> h(n, 0), qx(n, 0), qy(n, 0);
    std::uint32_t state = 12345;
    auto uniform = [&state]() {  // a fixed sequence, the same on every platform
      state = state * 1664525u + 1013904223u;
      return Real(state >> 8) / Real(1 << 24);
    };
    for (int j = 24; j < 44; ++j) {
      for (int i = 6; i < 42; ++i) {
        if (uniform() > Real(0.12)) continue;
        const auto k = static_cast<std::size_t>(j) * nx + i;
        h[k] = Real(0.05) + Real(1.5) * uniform();
        qx[k] = h[k] * Real(6) * (uniform() - Real(0.5));
        qy[k] = h[k] * Real(6) * (uniform() - Real(0.5));
      }
    }
    sim.set_depth(h);
    sim.set_discharge(qx, qy);
    sim.set_loss_model(std::make_shared<GreenAmpt>(grid, 1e-6, 0.09, 0.15));
  } else if (c == Case::drying_sheet) {
    std::vector<Real> h(static_cast<std::size_t>(nx) * kNy, 0);
    for (int j = 22; j < 42; ++j) {
      for (int i = 8; i < 40; ++i) {
        const bool pool = j >= 30 && j < 34 && i >= 22 && i < 26;
        h[static_cast<std::size_t>(j) * nx + i] = pool ? 2.0 : 0.004 + 0.0002 * (i % 5);
      }
    }
    sim.set_depth(h);
    sim.set_loss_model(std::make_shared<GreenAmpt>(grid, 1e-4, 0.05, 0.3));
  } else {
    // A river entering the dry valley through its channel on the west side.
    BoundaryCondition in;
    in.side = Side::west;
    in.type = BoundaryType::discharge;
    in.series = TimeSeries(8.0);
    in.from = grid.y_center(19) + 1;
    in.to = grid.y_center(21) - 1;
    sim.add_boundary(in);
    std::vector<Real> h(static_cast<std::size_t>(kNx) * kNy, 0);
    h[static_cast<std::size_t>(50) * kNx + 10] = 0.3;  // a puddle far from the river
    sim.set_depth(h);
  }
  sim.add_cross_section("across", {{{grid.x_center(25), 600.0}, {grid.x_center(25), 0.0}}});
  FloodMaps maps(grid, 0.01);
  maps.record_initial_state(sim);
  for (int s = 0; s < steps; ++s) maps.update(sim, sim.step());
  Outcome o;
  const std::size_t n = grid.padded_size();
  o.h.assign(sim.h(), sim.h() + n);
  o.qx.assign(sim.qx(), sim.qx() + n);
  o.qy.assign(sim.qy(), sim.qy() + n);
  maps.for_each_map([&o](const char*, const auto& f) { o.maps.emplace_back(f.begin(), f.end()); });
  o.balance = sim.mass_balance();
  o.flows = sim.flows().totals();
  o.steps = sim.steps();
  // Interior cells only: ghost cells are scratch space of the stepper.
  for (int j = -1; j <= kNy; ++j) {
    for (const int i : {-1, kNx}) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      o.h[k] = o.qx[k] = o.qy[k] = 0;
    }
  }
  for (int i = 0; i < kNx; ++i) {
    for (const int j : {-1, kNy}) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      o.h[k] = o.qx[k] = o.qy[k] = 0;
    }
  }
  return o;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void expect_identical(const Outcome& a, const Outcome& b) {
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_TRUE(same_bits(a.h, b.h));
  EXPECT_TRUE(same_bits(a.qx, b.qx));
  EXPECT_TRUE(same_bits(a.qy, b.qy));
  for (std::size_t m = 0; m < a.maps.size(); ++m) EXPECT_TRUE(same_bits(a.maps[m], b.maps[m])) << m;
  EXPECT_TRUE(same_bits(a.flows, b.flows));
  const MassBalance& x = a.balance;
  const MassBalance& y = b.balance;
  EXPECT_TRUE(std::memcmp(&x, &y, sizeof(MassBalance)) == 0)
      << x.rain_in << " " << y.rain_in << " " << x.losses << " " << y.losses;
}

}  // namespace

class SkipDry : public ::testing::TestWithParam<std::tuple<Case, Scheme>> {};

TEST_P(SkipDry, BitwiseEqualToTheFullSweepForOneAndTwoThreads) {
  const auto [c, scheme] = GetParam();
  const Outcome full = run(c, scheme, 1, false);
  // The case is mostly dry and something happened.
  std::size_t wet = 0;
  for (const Real h : full.h) wet += h > 1e-3 ? 1 : 0;
  EXPECT_GT(wet, 20u);
  EXPECT_LT(wet, static_cast<std::size_t>(width(c) * kNy / 2));
  EXPECT_GT(c == Case::river_inflow ? full.balance.boundary_in : full.balance.losses, 0.0);
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    expect_identical(full, run(c, scheme, threads, true));
    expect_identical(full, run(c, scheme, threads, false));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SkipDry,
    ::testing::Combine(::testing::Values(Case::rain_patch, Case::river_inflow, Case::reaches_apart,
                                         Case::fast_front, Case::drying_sheet, Case::scattered),
                       ::testing::Values(Scheme::first_order, Scheme::second_order)));

TEST(SkipDryColumns, WetColumnsBoundTheWater) {
  const floodtwin::testing::AllThreads all;
  omp_set_num_threads(2);
  const Grid grid{kNx, kNy, 10.0, 10.0, 0.0, 600.0};
  Simulation sim(grid, valley());
  std::vector<Real> h(static_cast<std::size_t>(kNx) * kNy, 0);
  h[static_cast<std::size_t>(30) * kNx + 12] = 0.5;
  sim.set_depth(h);
  EXPECT_EQ(sim.wet_columns(0), std::make_pair(0, kNx));  // unknown before a step
  for (int s = 0; s < 5; ++s) sim.step();
  for (int j = 0; j < kNy; ++j) {
    const auto [first, last] = sim.wet_columns(j);
    for (int i = 0; i < kNx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      if (i < first || i >= last) {
        EXPECT_EQ(sim.h()[k], 0.0) << i << " " << j;
        EXPECT_EQ(sim.qx()[k], 0.0);
        EXPECT_EQ(sim.qy()[k], 0.0);
      }
    }
  }
  // Five first-order steps move water at most five cells: far rows are dry.
  EXPECT_GE(sim.wet_columns(30).second - sim.wet_columns(30).first, 3);
  EXPECT_EQ(sim.wet_columns(10).first, sim.wet_columns(10).second);
  EXPECT_EQ(sim.wet_columns(50).first, sim.wet_columns(50).second);
}

// The wet runs (for_each_wet_run) bound the water more tightly than wet_columns: two pools in
// the same rows leave the columns between them out.
TEST(SkipDryColumns, WetRunsBoundTheWaterAndLeaveGapsOut) {
  const floodtwin::testing::AllThreads all;
  omp_set_num_threads(2);
  const int nx = width(Case::reaches_apart);
  const Grid grid{nx, kNy, 10.0, 10.0, 0.0, 600.0};
  Simulation sim(grid, valley(nx));
  std::vector<Real> h(static_cast<std::size_t>(nx) * kNy, 0);
  h[static_cast<std::size_t>(30) * nx + 12] = 0.5;
  h[static_cast<std::size_t>(30) * nx + 200] = 0.5;
  sim.set_depth(h);
  for (int s = 0; s < 5; ++s) sim.step();
  bool gap_seen = false;
  for (int j = 0; j < kNy; ++j) {
    std::vector<char> in_run(static_cast<std::size_t>(nx), 0);
    int prev_last = -1;
    sim.for_each_wet_run(j, [&](int first, int last) {
      EXPECT_LT(prev_last, first) << j;  // increasing, disjoint
      EXPECT_LT(first, last);
      prev_last = last;
      for (int i = first; i < last; ++i) in_run[static_cast<std::size_t>(i)] = 1;
    });
    for (int i = 0; i < nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      if (in_run[static_cast<std::size_t>(i)] != 0) continue;
      EXPECT_EQ(sim.h()[k], 0.0) << i << " " << j;
      EXPECT_EQ(sim.qx()[k], 0.0);
      EXPECT_EQ(sim.qy()[k], 0.0);
    }
    const auto [first, last] = sim.wet_columns(j);
    if (first < 100 && last > 120 && in_run[110] == 0) gap_seen = true;
  }
  EXPECT_TRUE(gap_seen);  // row 30: wet near columns 12 and 200, not in between
}
