// Cross-sections and per-boundary flows (solver/cross_section.hpp): the faces a polyline cuts,
// the volume through a closed section against the change of the volume it encloses, Q through
// a steady uniform channel against its inflow, the boundary flows against the mass balance,
// and bitwise independence of the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "all_threads.hpp"
#include "solver/error.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin::solver;
using floodtwin::InputError;

namespace {

std::size_t at(const Grid& g, int i, int j) {
  return static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(i);
}

/// Volume stored in the cells whose centres lie in the box [x0, x1] x [y0, y1] [m3].
double volume_in(const Simulation& sim, double x0, double x1, double y0, double y1) {
  const Grid& g = sim.grid();
  const std::vector<Real> h = sim.depth();
  double v = 0;
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const double x = g.x_center(i), y = g.y_center(j);
      if (x > x0 && x < x1 && y > y0 && y < y1) v += h[at(g, i, j)];
    }
  }
  return v * g.dx * g.dy;
}

/// A closed 30 x 30 basin of 2 m cells, bumpy bed, a column of water in the middle.
Simulation dam_break(Scheme scheme) {
  const Grid grid{30, 30, 2.0, 2.0, 0.0, 60.0};
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) z[at(grid, i, j)] = 0.1 * std::sin(0.3 * i + 0.2 * j);
  }
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, z, cfg);
  sim.set_manning(0.02);
  std::vector<Real> eta(grid.cell_count(), -1.0);
  for (int j = 12; j < 18; ++j) {
    for (int i = 12; i < 18; ++i) eta[at(grid, i, j)] = 1.5;
  }
  sim.set_water_level(eta);
  return sim;
}

}  // namespace

TEST(CrossSection, AStraightLineCutsOneColumnOfFaces) {
  const Grid grid{10, 10, 10.0, 10.0, 0.0, 100.0};
  // Southwards along x = 20 (between the centres 15 and 25): the x faces i = 2 of every row;
  // flow towards east crosses from the line's right (west) to its left: sign +1.
  const std::vector<LinePoint> down{{20, 100}, {20, 0}};
  const auto faces = section_faces(grid, down);
  ASSERT_EQ(faces.size(), 10u);
  for (int j = 0; j < 10; ++j) {
    EXPECT_TRUE(faces[static_cast<std::size_t>(j)].x_face);
    EXPECT_EQ(faces[static_cast<std::size_t>(j)].i, 2);
    EXPECT_EQ(faces[static_cast<std::size_t>(j)].j, j);
    EXPECT_EQ(faces[static_cast<std::size_t>(j)].sign, 1);
  }
  // Eastwards along y = 72 (between rows 2 and 3, centres 75 and 65), from x = 33 to 71: the
  // y faces j = 2 of the columns with centres 35..65; southward flow crosses from the left
  // (north) to the right: sign -1.
  const std::vector<LinePoint> east{{33, 72}, {71, 72}};
  const auto yf = section_faces(grid, east);
  ASSERT_EQ(yf.size(), 4u);
  for (std::size_t k = 0; k < yf.size(); ++k) {
    EXPECT_FALSE(yf[k].x_face);
    EXPECT_EQ(yf[k].i, static_cast<int>(3 + k));
    EXPECT_EQ(yf[k].j, 2);
    EXPECT_EQ(yf[k].sign, -1);
  }
  // A diagonal: a staircase of 2 x 5 faces, each cut once; back and forth cancels.
  const std::vector<LinePoint> diag{{21, 79}, {69, 31}};
  EXPECT_EQ(section_faces(grid, diag).size(), 10u);
  const std::vector<LinePoint> there_and_back{{21, 79}, {69, 31}, {21, 79}};
  EXPECT_TRUE(section_faces(grid, there_and_back).empty());
  // Boundary faces: a line across the west edge cuts the face between ghost and cell 0.
  const std::vector<LinePoint> edge{{-1, 54}, {1, 56}};
  const auto ef = section_faces(grid, edge);
  ASSERT_EQ(ef.size(), 1u);
  EXPECT_EQ(ef[0].i, 0);
  EXPECT_EQ(ef[0].j, 4);
}

TEST(CrossSection, BadLinesAreRefusedByName) {
  Simulation sim(Grid{10, 10, 10.0, 10.0, 0.0, 100.0}, std::vector<Real>(100, 0.0));
  EXPECT_THROW(sim.add_cross_section("a", {{1, 2}}), InputError);
  EXPECT_THROW(sim.add_cross_section("", {{1, 2}, {3, 4}}), InputError);
  EXPECT_THROW(sim.add_cross_section("a", {{1, 2}, {NAN, 4}}), InputError);
  try {
    sim.add_cross_section("far", {{1000, 1000}, {2000, 2000}});
    FAIL() << "a line outside the grid";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cross-section 'far': the line cuts no cell face"),
              std::string::npos)
        << e.what();
  }
  sim.add_cross_section("a", {{20, 100}, {20, 0}});
  EXPECT_THROW(sim.add_cross_section("a", {{30, 100}, {30, 0}}), InputError);
}

// The volume through a closed section is the loss of the volume it encloses (no rain,
// sources or losses inside): clockwise counts outflow as positive, counter-clockwise inflow.
TEST(CrossSection, ClosedSectionConservesTheVolumeInside) {
  for (const Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    Simulation sim = dam_break(scheme);
    // A clockwise box x in (20, 42), y in (18, 44), off the cell-centre lines (odd numbers).
    sim.add_cross_section("cw", {{20, 18}, {20, 44}, {42, 44}, {42, 18}, {20, 18}});
    sim.add_cross_section("ccw", {{20, 18}, {42, 18}, {42, 44}, {20, 44}, {20, 18}});
    // The whole basin: water never leaves it.
    sim.add_cross_section("all", {{0.5, 0.5}, {0.5, 59.5}, {59.5, 59.5}, {59.5, 0.5}, {0.5, 0.5}});
    const double v0 = volume_in(sim, 20, 42, 18, 44);
    double peak = 0;
    for (const double t : {2.0, 4.0, 8.0}) {
      sim.advance_to(t);
      const auto& s = sim.flows().sections();
      const double lost = v0 - volume_in(sim, 20, 42, 18, 44);
      EXPECT_GT(lost, 1.0) << "water has left the box by t = " << t;
      EXPECT_NEAR(s[0].volume, lost, 1e-12 * v0) << "t = " << t;
      EXPECT_EQ(s[1].volume, -s[0].volume);
      EXPECT_NEAR(s[2].volume, 0.0, 1e-12 * v0);
      peak = std::max(peak, std::abs(s[0].rate));
      EXPECT_LE(std::abs(s[0].rate), std::abs(s[0].peak));
    }
    EXPECT_GT(peak, 0.0);
    EXPECT_GT(sim.flows().sections()[0].peak_time, 0.0);
  }
}

TEST(CrossSection, VolumesAreBitwiseTheSameForAnyThreadCount) {
  std::vector<double> volumes;
  const floodtwin::testing::AllThreads all;  // a small grid: all threads anyway
  for (const int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    Simulation sim = dam_break(Scheme::second_order);
    sim.add_cross_section("diag", {{3, 57}, {57, 3}});
    sim.add_cross_section("box", {{20, 18}, {20, 44}, {42, 44}, {42, 18}, {20, 18}});
    sim.advance_to(8);
    volumes.push_back(sim.flows().sections()[0].volume);
    volumes.push_back(sim.flows().sections()[1].volume);
  }
  for (std::size_t k = 2; k < volumes.size(); ++k) EXPECT_EQ(volumes[k], volumes[k % 2]);
}

// A uniform channel 100 m long on a slope of 5e-3, 2 m3/s in through the west side, open east side,
// started at the normal depth: once steady, Q through a cross-section (drawn from the left
// bank to the right bank looking downstream: north to south) equals the inflow, and the
// boundary flows are 2 m3/s in (west) and out (east).
TEST(CrossSection, SteadyUniformChannelCarriesTheInflow) {
  const Grid grid{20, 3, 5.0, 10.0, 0.0, 30.0};
  const double slope = 5e-3, n = 0.03, q_in = 2.0, width = 30.0;
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) z[at(grid, i, j)] = 1.0 - slope * grid.x_center(i);
  }
  const double q = q_in / width;
  const double h_n = std::pow(q * n / std::sqrt(slope), 0.6);
  for (const Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    SolverConfig cfg;
    cfg.scheme = scheme;
    Simulation sim(grid, z, cfg);
    sim.set_manning(n);
    sim.set_depth(std::vector<Real>(grid.cell_count(), h_n));
    sim.set_discharge(std::vector<Real>(grid.cell_count(), q),
                      std::vector<Real>(grid.cell_count(), 0));
    sim.add_boundary({Side::west, BoundaryType::discharge, TimeSeries(q_in)});
    sim.add_boundary({Side::east, BoundaryType::open, {}});
    sim.add_cross_section("mid", {{51, 31}, {51, -1}});
    sim.advance_to(1500);  // steady to 1e-13 from about 1000 s
    const CrossSection& s = sim.flows().sections()[0];
    EXPECT_NEAR(s.rate, q_in, 1e-12 * q_in);
    const auto& b = sim.flows().boundaries();
    ASSERT_EQ(b.size(), 2u);
    EXPECT_NEAR(b[0].rate, -q_in, 1e-12 * q_in) << "west: 2 m3/s in";
    EXPECT_EQ(b[0].outflow, 0.0);
    EXPECT_NEAR(b[1].rate, q_in, 1e-12 * q_in) << "east: 2 m3/s out";
    EXPECT_NEAR(b[0].inflow, q_in * 1500, 1e-9 * q_in * 1500);
  }
}

// Per condition and per side, the boundary flows add up to the mass balance's.
TEST(BoundaryFlows, AddUpToTheMassBalance) {
  const Grid grid{30, 20, 5.0, 5.0, 100.0, 200.0};
  std::vector<Real> z(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) z[at(grid, i, j)] = 0.02 * (grid.nx - i) + 0.01 * j;
  }
  SolverConfig cfg;
  cfg.scheme = Scheme::second_order;
  Simulation sim(grid, z, cfg);
  sim.set_manning(0.03);
  sim.set_depth(std::vector<Real>(grid.cell_count(), 0.3));
  sim.add_boundary({Side::west, BoundaryType::discharge, TimeSeries(3.0), 150.0, 200.0});
  sim.add_boundary({Side::east, BoundaryType::open, {}});
  sim.add_boundary({Side::south, BoundaryType::water_level, TimeSeries(0.6), 100.0, 150.0});
  sim.add_boundary({Side::north, BoundaryType::open, {}, 150.0, 250.0});
  sim.advance_to(300);
  const MassBalance mb = sim.mass_balance();
  double in = 0, out = 0, side_in = 0, side_out = 0;
  for (const BoundaryFlow& f : sim.flows().boundaries()) {
    in += f.inflow;
    out += f.outflow;
  }
  for (const BoundaryFlow& f : sim.flows().sides()) {
    side_in += f.inflow;
    side_out += f.outflow;
  }
  EXPECT_GT(mb.boundary_in, 100.0);
  EXPECT_GT(mb.boundary_out, 100.0);
  EXPECT_NEAR(in, mb.boundary_in, 1e-12 * mb.boundary_in);
  EXPECT_NEAR(out, mb.boundary_out, 1e-12 * mb.boundary_out);
  EXPECT_NEAR(side_in, mb.boundary_in, 1e-12 * mb.boundary_in);
  EXPECT_NEAR(side_out, mb.boundary_out, 1e-12 * mb.boundary_out);
  const auto& b = sim.flows().boundaries();
  EXPECT_NEAR(b[0].inflow, 3.0 * 300, 1e-9 * 900) << "the discharge inflow";
  EXPECT_EQ(b[0].outflow, 0.0);
  // The per-side flows are the sums of the conditions on that side.
  const auto& west = sim.flows().sides()[static_cast<std::size_t>(Side::west)];
  EXPECT_EQ(west.inflow, b[0].inflow);
  EXPECT_EQ(west.outflow, b[0].outflow);
}

// A checkpoint keeps the totals (driver/checkpoint_metadata.cpp): restored into a fresh simulation of the
// same sections and boundaries, the counts go on as in an uninterrupted run, bitwise.
TEST(FlowAccounts, TotalsRoundTripAndResumeBitwise) {
  auto make = [] {
    Simulation sim = dam_break(Scheme::second_order);
    sim.add_boundary({Side::east, BoundaryType::open, {}});
    sim.add_cross_section("diag", {{3, 57}, {57, 3}});
    return sim;
  };
  Simulation whole = make();
  whole.advance_to(1.5);  // the same steps as the interrupted run
  whole.advance_to(3);
  Simulation first = make();
  first.advance_to(1.5);
  Simulation second = make();
  second.restore(first.time(), first.steps(), first.mass_balance(),
                 std::vector<Real>(first.h(), first.h() + first.grid().padded_size()),
                 std::vector<Real>(first.qx(), first.qx() + first.grid().padded_size()),
                 std::vector<Real>(first.qy(), first.qy() + first.grid().padded_size()));
  second.flows().restore_totals(first.flows().totals());
  second.advance_to(3);
  EXPECT_EQ(second.flows().totals(), whole.flows().totals());
  // Another set of sections is refused, naming both counts.
  Simulation other = dam_break(Scheme::second_order);
  try {
    other.flows().restore_totals(first.flows().totals());
    FAIL() << "a checkpoint of other sections";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("saved for 1 cross-section(s) and 1 boundary"),
              std::string::npos)
        << e.what();
  }
}
