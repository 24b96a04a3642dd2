// Sub-grid channels (solver/subgrid_channel.hpp, terrain/channel_subgrid.hpp): steady uniform
// flow at any orientation against Manning's normal depth, the in-bank wave's timing against the
// resolved channel, mass balance to round-off, lake at rest, overtopping, resume and threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "all_threads.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"
#include "terrain/channel_burn.hpp"
#include "terrain/channel_subgrid.hpp"

using floodtwin::Real;
namespace tr = floodtwin::terrain;
namespace fs = floodtwin::solver;

namespace {

/// A plane falling at `slope` along `angle` (radians from east) through the grid's centre.
struct Plane {
  double cx = 0, cy = 0, ex = 1, ey = 0, slope = 0;
  [[nodiscard]] double operator()(double x, double y) const {
    return 50 - slope * ((x - cx) * ex + (y - cy) * ey);
  }
};

std::vector<Real> plane_dem(const fs::Grid& grid, const Plane& p) {
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      z[static_cast<std::size_t>(j * grid.nx + i)] =
          static_cast<Real>(p(grid.x_center(i), grid.y_center(j)));
    }
  }
  return z;
}

/// A centreline along the plane's fall line through the grid, from beyond its upstream side
/// to beyond its downstream side (a free outlet), with the bed 2 m below the plane.
tr::ChannelSpec fall_line_channel(const fs::Grid& grid, const Plane& p, double width) {
  tr::ChannelSpec spec;
  spec.name = "river";
  spec.where = "test";
  const double half = 0.75 * grid.nx * grid.dx;  // from the centre past every side
  const tr::Point2 o{p.cx + 0.37, p.cy - 0.21};  // off the cell corners
  spec.line = {{o[0] - half * p.ex, o[1] - half * p.ey}, {o[0] + half * p.ex, o[1] + half * p.ey}};
  const double bed0 = p(spec.line[0][0], spec.line[0][1]) - 2;
  spec.chainage = {0, 2 * half};
  spec.widths = {width, width};
  spec.beds = {bed0, bed0 - p.slope * 2 * half};
  spec.manning = 0.03;
  return spec;
}

/// In-channel depth (above the channel bed) of network cell c.
double channel_depth(const fs::Simulation& sim, std::size_t c) {
  const auto& cell = sim.channels()->cells()[c];
  return cell.depth + static_cast<double>(sim.h()[cell.k]);
}

struct UniformRun {
  double exact = 0, simulated = 0, spread = 0;
  std::size_t cells = 0;
};

/// The steady uniform flow set-up: a 10 m channel (S 0.002, n 0.03) along a plane falling at
/// `angle` through 24 x 24 cells of 30 m; Q enters the first channel cell, leaves through the
/// free outlet.
std::unique_ptr<fs::Simulation> uniform_setup(double angle, double discharge) {
  const fs::Grid grid{24, 24, 30.0, 30.0, 0.0, 24 * 30.0};
  const Plane p{12 * 30.0, 12 * 30.0, std::cos(angle), std::sin(angle), 0.002};
  const std::vector<Real> z = plane_dem(grid, p);
  const tr::SubgridChannel ch = tr::subgrid_channel(grid, z, fall_line_channel(grid, p, 10));
  auto sim = std::make_unique<fs::Simulation>(grid, z, fs::SolverConfig{fs::Scheme::second_order});
  sim->set_manning(Real(0.06));
  sim->add_channel(ch.reach);
  sim->add_point_source(static_cast<Real>(grid.x_center(ch.reach.i.front())),
                        static_cast<Real>(grid.y_center(ch.reach.j.front())),
                        fs::TimeSeries(discharge), "inflow");
  return sim;
}

/// Steady uniform flow after an hour (uniform_setup).
UniformRun uniform_flow(double angle, double discharge) {
  const std::unique_ptr<fs::Simulation> run = uniform_setup(angle, discharge);
  fs::Simulation& sim = *run;
  sim.advance_to(Real(3600));
  UniformRun u;
  u.exact = tr::normal_depth(discharge, 10, 0.03, 0.002);
  const std::size_t n = sim.channels()->cells().size();
  double lo = 1e9, hi = -1e9, sum = 0;
  for (std::size_t c = n / 4; c < 3 * n / 4; ++c) {  // away from the inflow and the outlet
    const double d = channel_depth(sim, c);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
    sum += d;
  }
  u.simulated = sum / static_cast<double>(3 * n / 4 - n / 4);
  u.spread = hi - lo;
  u.cells = n;
  if (std::getenv("FLOODTWIN_CHANNEL_DEBUG") != nullptr) {
    std::printf(
        "angle %.4f Q %g: exact %.5f simulated %.5f (%+.3f %%) spread %.5f, %zu cells, %lld "
        "steps\n",
        angle, discharge, u.exact, u.simulated, 100 * (u.simulated / u.exact - 1), u.spread, n,
        sim.steps());
  }
  return u;
}

/// Bank-full discharge of the test channel (10 m wide, 2 m deep, n 0.03, S 0.002).
double bank_full() {
  const double a = 10 * 2.0, r = a / (10 + 2 * 2.0);
  return a * std::pow(r, 2.0 / 3.0) * std::sqrt(0.002) / 0.03;
}

void expect_normal_depth(double angle) {
  for (const double q : {0.95 * bank_full(), 0.5 * bank_full()}) {
    const UniformRun u = uniform_flow(angle, q);
    EXPECT_NEAR(u.simulated / u.exact, 1.0, 0.02) << "Q " << q;
    EXPECT_LT(u.spread / u.exact, 0.02) << "Q " << q;
    EXPECT_GT(u.cells, 20u);
  }
}

}  // namespace

// The bar of issue 16: discharge vs normal depth within 2 %, at any orientation, in bank
// (0.95 and 0.5 of the bank-full discharge).
TEST(SubgridChannel, StraightChannelReachesNormalDepth) { expect_normal_depth(0.0); }
TEST(SubgridChannel, DiagonalChannelReachesNormalDepth) {
  expect_normal_depth(std::atan2(-1.0, 1.0));
}
TEST(SubgridChannel, SkewChannelReachesNormalDepth) { expect_normal_depth(std::atan2(-1.0, 2.0)); }

// The geometry: link lengths are chainage steps along the true centreline; the stored lengths
// add up to the centreline inside the grid; beds fall at the true slope.
TEST(SubgridChannel, GeometryFollowsTheCentreline) {
  const fs::Grid grid{24, 24, 30.0, 30.0, 0.0, 24 * 30.0};
  const double angle = std::atan2(-1.0, 2.0);
  const Plane p{12 * 30.0, 12 * 30.0, std::cos(angle), std::sin(angle), 0.002};
  const std::vector<Real> z = plane_dem(grid, p);
  const tr::SubgridChannel ch = tr::subgrid_channel(grid, z, fall_line_channel(grid, p, 10));
  const auto& r = ch.reach;
  ASSERT_GT(r.i.size(), 20u);
  EXPECT_TRUE(r.free_outlet);
  EXPECT_NEAR(r.outlet_slope, 0.002, 1e-9);
  double stored = 0;
  for (std::size_t k = 0; k < r.i.size(); ++k) {
    stored += r.length[k];
    EXPECT_NEAR(r.bed[k], z[static_cast<std::size_t>(r.j[k] * grid.nx + r.i[k])] - 2, 1e-9);
    if (k + 1 < r.i.size()) {
      EXPECT_NEAR((r.bed[k] - r.bed[k + 1]) / r.link_length[k], 0.002, 1e-9);
      EXPECT_GT(r.link_length[k], 0.25 * 30);
    }
  }
  // The line crosses the square grid at 26.6 degrees through its centre: 720 / cos(26.6 deg).
  EXPECT_NEAR(stored, 720 / std::cos(angle), 30);
}

namespace {

/// A small basin: a plane falling east at 0.002, a channel along the middle row (10 m wide,
/// bank-full 1 m), floodplain n 0.05.
struct Basin {
  fs::Grid grid{16, 9, 30.0, 30.0, 0.0, 9 * 30.0};
  std::vector<Real> z;
  tr::SubgridChannel ch;
  explicit Basin(bool free_outlet) {
    const Plane p{8 * 30.0, 4.5 * 30.0, 1.0, 0.0, 0.002};
    z = plane_dem(grid, p);
    tr::ChannelSpec spec;
    spec.name = "brook";
    spec.where = "test";
    spec.width = 10;
    spec.depth = 1;
    const double end = free_outlet ? 16 * 30.0 + 50 : 15.5 * 30.0;
    spec.line = {{0.4 * 30, 4.43 * 30}, {end, 4.43 * 30}};
    ch = tr::subgrid_channel(grid, z, spec);
  }
  [[nodiscard]] std::unique_ptr<fs::Simulation> make(fs::Scheme scheme) const {
    auto sim = std::make_unique<fs::Simulation>(grid, z, fs::SolverConfig{scheme});
    sim->set_manning(Real(0.05));
    sim->add_channel(ch.reach);
    return sim;
  }
};

/// Flow above the channel's capacity with rain on a basin with an open east side.
std::unique_ptr<fs::Simulation> flooding(const Basin& b) {
  auto sim = b.make(fs::Scheme::second_order);
  fs::BoundaryCondition bc;
  bc.type = fs::BoundaryType::open;
  bc.side = fs::Side::east;
  sim->add_boundary(bc);
  // Q over the bank-full capacity (about 6 m3/s) through the first channel cell.
  sim->add_point_source(static_cast<Real>(b.grid.x_center(b.ch.reach.i.front())),
                        static_cast<Real>(b.grid.y_center(b.ch.reach.j.front())),
                        fs::TimeSeries({0, 600}, {0, 25}, "inflow", fs::AfterEnd::hold), "inflow");
  sim->set_uniform_rain(fs::TimeSeries(Real(20e-3 / 3600)));  // 20 mm/h
  return sim;
}

}  // namespace

// Channel inflow, rain, floodplain exchange both ways, outlet and open boundary: the volume
// balance closes to round-off, and the channel overtops onto the floodplain.
TEST(SubgridChannel, MassBalanceAndOvertopping) {
  const Basin b(true);
  auto sim = flooding(b);
  sim->advance_to(Real(1500));
  const fs::MassBalance mb = sim->mass_balance();
  EXPECT_LT(mb.relative_error(), 1e-12) << "error " << mb.error() << " m3";
  EXPECT_GT(mb.boundary_out, 0);
  // Overtopped: water stands on the floodplain beside the channel (rows 3 and 5), deeper than
  // the rain alone gives, and the channel cells are full.
  const std::vector<Real> h = sim->depth();
  for (std::size_t c = 2; c < 8; ++c) {
    const auto& cell = sim->channels()->cells()[c];
    EXPECT_DOUBLE_EQ(cell.depth, cell.bank - cell.bed);
    const int i = b.ch.reach.i[c], j = b.ch.reach.j[c];
    EXPECT_GT(h[static_cast<std::size_t>((j - 1) * b.grid.nx + i)], 0.03) << "cell " << c;
    EXPECT_GT(h[static_cast<std::size_t>((j + 1) * b.grid.nx + i)], 0.03) << "cell " << c;
  }
}

// In bank (below capacity) nothing leaves the channel: the floodplain beside it gets rain only.
TEST(SubgridChannel, BelowCapacityStaysInBank) {
  const Basin b(true);
  auto sim = b.make(fs::Scheme::second_order);
  sim->add_point_source(static_cast<Real>(b.grid.x_center(b.ch.reach.i.front())),
                        static_cast<Real>(b.grid.y_center(b.ch.reach.j.front())),
                        fs::TimeSeries(Real(2)), "inflow");
  sim->advance_to(Real(1800));
  EXPECT_EQ(sim->wet_cells(Real(0)), 0u);
  double q_sum = 0;
  for (const auto& l : sim->channels()->links()) q_sum += l.q;
  EXPECT_NEAR(q_sum / static_cast<double>(sim->channels()->links().size()), 2.0, 0.1);
  const fs::MassBalance mb = sim->mass_balance();
  EXPECT_LT(mb.relative_error(), 1e-12);
}

// A lake at rest over a channel (closed at both ends) stays at rest, above and below the banks.
TEST(SubgridChannel, LakeAtRest) {
  const Basin b(false);
  ASSERT_FALSE(b.ch.reach.free_outlet);
  for (const double level : {50.6, 49.45}) {  // above every bank; below every bank
    auto sim = b.make(fs::Scheme::second_order);
    sim->set_water_level(std::vector<Real>(b.grid.cell_count(), static_cast<Real>(level)));
    const double v0 = sim->stored_volume();
    sim->advance_to(Real(600));
    double q_max = 0;
    for (const auto& l : sim->channels()->links()) q_max = std::max(q_max, std::abs(l.q));
    EXPECT_LT(q_max, 1e-9) << "level " << level;
    for (std::size_t c = 0; c < sim->channels()->cells().size(); ++c) {
      const auto& cell = sim->channels()->cells()[c];
      EXPECT_NEAR(cell.bed + channel_depth(*sim, c), level, 1e-9) << "level " << level;
    }
    const std::vector<Real> u = sim->velocity_x();
    for (const Real v : u) EXPECT_LT(std::abs(v), 1e-9);
    EXPECT_NEAR(sim->stored_volume(), v0, 1e-9 * v0);
  }
}

// Resume from a saved state (h, qx, qy, balance, channel state) is bitwise; one and two threads
// give the same bits.
TEST(SubgridChannel, ResumeAndThreadsAreBitwise) {
  const Basin b(true);
  auto a = flooding(b);
  a->advance_to(Real(700));
  auto r = flooding(b);
  const std::size_t n = b.grid.padded_size();
  r->restore(a->time(), a->steps(), a->mass_balance(), std::span<const Real>(a->h(), n),
             std::span<const Real>(a->qx(), n), std::span<const Real>(a->qy(), n));
  r->restore_channel_state(a->channel_state());
  const floodtwin::testing::AllThreads all;  // a small grid: all threads anyway
  omp_set_num_threads(1);
  a->advance_to(Real(1300));
  omp_set_num_threads(std::max(2, all.threads));
  r->advance_to(Real(1300));
  EXPECT_EQ(a->channel_state(), r->channel_state());
  EXPECT_TRUE(std::equal(a->h(), a->h() + n, r->h()));
  EXPECT_TRUE(std::equal(a->qx(), a->qx() + n, r->qx()));
  EXPECT_EQ(a->mass_balance().boundary_out, r->mass_balance().boundary_out);
  EXPECT_THROW(r->restore_channel_state(std::vector<double>(3, 0.0)), floodtwin::InputError);
}

namespace {
struct TwoProcesses : fs::Decomposition {
  [[nodiscard]] int size() const override { return 2; }
};
}  // namespace

// Domain decomposition is refused with the channel's name and the reason.
TEST(SubgridChannel, DecompositionIsRefused) {
  const Basin b(true);
  auto sim = b.make(fs::Scheme::first_order);
  try {
    sim->set_decomposition(std::make_shared<TwoProcesses>());
    FAIL() << "no error";
  } catch (const floodtwin::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("channel 'brook'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("domain decomposition"), std::string::npos);
  }
}

TEST(SubgridChannel, DeactivatingAChannelCellIsRefused) {
  const Basin b(true);
  auto sim = b.make(fs::Scheme::first_order);
  std::vector<std::uint8_t> active(b.grid.cell_count(), 1);
  const int i = b.ch.reach.i[1];
  const int j = b.ch.reach.j[1];
  active[static_cast<std::size_t>(j) * static_cast<std::size_t>(b.grid.nx) +
         static_cast<std::size_t>(i)] = 0;
  try {
    sim->set_active(active);
    FAIL() << "no error";
  } catch (const floodtwin::InputError& e) {
    const std::string cell =
        "cell (row " + std::to_string(j) + ", column " + std::to_string(i) + ")";
    EXPECT_NE(std::string(e.what()).find(cell), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'brook'"), std::string::npos) << e.what();
  }
  // Cells away from the channel may still be switched off.
  bool corner_is_channel = false;
  for (std::size_t c = 0; c < b.ch.reach.i.size(); ++c) {
    corner_is_channel = corner_is_channel || (b.ch.reach.i[c] == 0 && b.ch.reach.j[c] == 0);
  }
  ASSERT_FALSE(corner_is_channel);
  std::vector<std::uint8_t> corner(b.grid.cell_count(), 1);
  corner[0] = 0;
  EXPECT_NO_THROW(sim->set_active(corner));
}

// ---- outputs on channel cells (docs/solver.md, "Outputs on channel cells") -------------------

namespace {

/// Steady in-bank flow (0.5 bank-full) in the uniform set-up at `angle`, with flood maps
/// updated every step and a cross-section across the river, perpendicular to it near the
/// middle, drawn from the left bank to the right (downstream positive).
struct InBankRiver {
  double q = 0.5 * bank_full();
  std::unique_ptr<fs::Simulation> sim;
  std::unique_ptr<fs::FloodMaps> maps;
  explicit InBankRiver(double angle) : sim(uniform_setup(angle, q)) {
    const double ex = std::cos(angle), ey = std::sin(angle);
    const double cx = 12 * 30.0 + 61.3 * ex + 0.17, cy = 12 * 30.0 + 61.3 * ey - 0.11;
    const double half = 100;  // 200 m across: the river and floodplain on both sides
    sim->add_cross_section(
        "across", {{static_cast<Real>(cx - half * ey), static_cast<Real>(cy + half * ex)},
                   {static_cast<Real>(cx + half * ey), static_cast<Real>(cy - half * ex)}});
    maps = std::make_unique<fs::FloodMaps>(sim->grid(), Real(0.1));
    maps->record_initial_state(*sim);
    sim->advance_to(Real(3600), [this](Real dt) {
      maps->update(*sim, dt);
      return true;
    });
  }
};

}  // namespace

// In bank the 2D depth of a channel cell is 0, yet depth() and water_level() show the river:
// depth above the channel bed (Manning's normal depth here), the level it reaches, and its
// mean velocity Q / (w d).
TEST(SubgridChannelOutputs, DepthAndLevelShowTheRiver) {
  const InBankRiver r(0.0);
  const fs::Simulation& sim = *r.sim;
  const double hn = tr::normal_depth(r.q, 10, 0.03, 0.002);
  const std::vector<Real> depth = sim.depth();
  const std::vector<Real> level = sim.water_level();
  const std::vector<fs::ChannelCellOutput> out = sim.channel_outputs();
  const auto& cells = sim.channels()->cells();
  ASSERT_EQ(out.size(), cells.size());
  const fs::Grid& g = sim.grid();
  const std::size_t n = cells.size();
  for (std::size_t c = n / 4; c < 3 * n / 4; ++c) {
    const auto k = static_cast<std::size_t>(cells[c].k);
    EXPECT_EQ(sim.h()[k], 0) << "in bank: no 2D water";
    const auto s = static_cast<std::size_t>(g.stride());
    const std::size_t flat = (k / s - 1) * static_cast<std::size_t>(g.nx) + (k % s - 1);
    EXPECT_EQ(out[c].k, cells[c].k);
    EXPECT_DOUBLE_EQ(depth[flat], cells[c].depth) << "cell " << c;
    EXPECT_NEAR(depth[flat], hn, 0.02 * hn) << "cell " << c;
    EXPECT_DOUBLE_EQ(level[flat], cells[c].bed + cells[c].depth) << "cell " << c;
    EXPECT_DOUBLE_EQ(out[c].bed, cells[c].bed);
    EXPECT_NEAR(out[c].discharge, r.q, 0.01 * r.q) << "cell " << c;
    EXPECT_NEAR(out[c].speed, r.q / (10 * hn), 0.02 * r.q / (10 * hn)) << "cell " << c;
  }
}

// A section across the river reports the channel's discharge (the floodplain is dry): within
// 1 % of the inflow, straight and at 45 degrees (links between diagonal neighbours), and with
// the opposite sign when drawn the other way.
TEST(SubgridChannelOutputs, SectionAcrossTheRiverCountsTheChannel) {
  for (const double angle : {0.0, std::atan2(-1.0, 1.0)}) {
    const InBankRiver r(angle);
    const fs::CrossSection& x = r.sim->flows().sections().front();
    EXPECT_NEAR(x.rate, r.q, 0.01 * r.q) << "angle " << angle;
    EXPECT_EQ(r.sim->flows().section_links().front().size(), 1u) << "crosses the river once";
    EXPECT_GT(x.volume, 0.5 * r.q * 3600) << "angle " << angle;
  }
  auto sim = uniform_setup(0.0, 2.0);
  // Drawn from the right bank to the left: upstream positive.
  sim->add_cross_section("reversed", {{Real(12 * 30.0 + 0.3), Real(12 * 30.0 - 100)},
                                      {Real(12 * 30.0 + 0.3), Real(12 * 30.0 + 100)}});
  sim->advance_to(Real(3600));
  EXPECT_NEAR(sim->flows().sections().front().rate, -2.0, 0.02);
}

// The flood maps follow the river on channel cells that stayed in bank: max depth and level,
// arrival and duration above the threshold, speed; the dry floodplain beside stays 0.
TEST(SubgridChannelOutputs, FloodMapsShowTheInBankRiver) {
  const InBankRiver r(0.0);
  const fs::Simulation& sim = *r.sim;
  const fs::FloodMaps& m = *r.maps;
  const double hn = tr::normal_depth(r.q, 10, 0.03, 0.002);
  const auto& cells = sim.channels()->cells();
  const std::size_t n = cells.size();
  const std::ptrdiff_t s = sim.grid().stride();
  for (std::size_t c = n / 4; c < 3 * n / 4; ++c) {
    const auto k = static_cast<std::size_t>(cells[c].k);
    EXPECT_GE(m.max_depth[k], cells[c].depth) << "cell " << c;
    EXPECT_NEAR(m.max_depth[k], hn, 0.03 * hn) << "cell " << c;
    // Kept in float (flood_maps.hpp): the double level rounded.
    EXPECT_EQ(m.max_water_level[k], static_cast<float>(cells[c].bed + m.max_depth[k]))
        << "cell " << c;
    EXPECT_GT(m.arrival_time[k], 0) << "cell " << c;
    EXPECT_NEAR(m.flood_duration[k], 3600 - m.arrival_time[k], 30) << "cell " << c;
    EXPECT_GE(m.time_of_max_depth[k], m.arrival_time[k]);
    // The steady speed, or more at the front that filled the channel.
    const double u = r.q / (10 * hn);
    EXPECT_GE(m.max_speed[k], 0.98 * u) << "cell " << c;
    EXPECT_LT(m.max_speed[k], 1.5 * u) << "cell " << c;
    EXPECT_GT(m.max_hazard[k], 0);
    // The floodplain cell north of the channel stayed dry.
    EXPECT_EQ(m.max_depth[k - static_cast<std::size_t>(s)], 0);
    EXPECT_TRUE(std::isnan(m.arrival_time[k - static_cast<std::size_t>(s)]));
  }
}

// Overtopping: a channel cell flooded above bank counts its duration once (the 2D pass and
// the channel pass both see it above the threshold; twice would be about 2900 s here), and
// its depth is the river's.
TEST(SubgridChannelOutputs, FloodMapsOverbankCountDurationOnce) {
  const Basin b(true);
  auto sim = flooding(b);
  fs::FloodMaps maps(b.grid, Real(0.1));
  maps.record_initial_state(*sim);
  sim->advance_to(Real(1500), [&](Real dt) {
    maps.update(*sim, dt);
    return true;
  });
  for (std::size_t c = 2; c < 8; ++c) {
    const auto& cell = sim->channels()->cells()[c];
    const auto k = static_cast<std::size_t>(cell.k);
    ASSERT_GT(sim->h()[k], 0.1) << "overtopped";
    EXPECT_GE(maps.max_depth[k], cell.bank - cell.bed + sim->h()[k]) << "cell " << c;
    // Each step counts its length when its end state is flooded: the arrival step too.
    EXPECT_LE(maps.flood_duration[k], 1500 - maps.arrival_time[k] + sim->config().max_dt + 0.01)
        << "cell " << c;
    EXPECT_GT(maps.flood_duration[k], 0);
  }
}

// A closed clockwise section around a stretch of the river reports the net outflow of the
// area it encloses: with no rain or source inside, minus the change of the water stored inside
// (channel and 2D), to round-off: the links' volumes are those that moved the water.
TEST(SubgridChannelOutputs, ClosedSectionBalancesTheStorageInside) {
  auto sim = uniform_setup(0.0, 0.95 * bank_full());
  const fs::Grid& g = sim->grid();
  // Columns 8..14, rows 9..14 (the river runs along row 12): cell edges, clockwise.
  const Real w = Real(8 * 30.0), e = Real(15 * 30.0);
  const Real n = static_cast<Real>(g.origin_y - 9 * 30.0);
  const Real s = static_cast<Real>(g.origin_y - 15 * 30.0);
  sim->add_cross_section("box", {{w, s}, {w, n}, {e, n}, {e, s}, {w, s}});
  sim->advance_to(Real(1200));
  double stored = 0;
  const double area = g.dx * g.dy;
  for (int j = 9; j < 15; ++j) {
    for (int i = 8; i < 15; ++i) stored += area * static_cast<double>(sim->h()[g.index(i, j)]);
  }
  std::size_t inside = 0;
  for (const auto& c : sim->channels()->cells()) {
    const auto i = static_cast<int>(c.k % g.stride()) - 1,
               j = static_cast<int>(c.k / g.stride()) - 1;
    if (i < 8 || i >= 15 || j < 9 || j >= 15) continue;
    stored += c.width * c.length * c.depth;
    ++inside;
  }
  EXPECT_EQ(inside, 7u);
  ASSERT_GT(stored, 1000.0);
  const double out = sim->flows().sections().front().volume;
  EXPECT_NEAR(out, -stored, 1e-9 * stored) << "stored " << stored;
}
