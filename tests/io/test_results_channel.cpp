// Results files on sub-grid channel cells (docs/solver.md, "Outputs on channel cells"): the
// depth, water level, gauges and flood maps show the river in bank, where the 2D depth is 0;
// the elevation stays the DEM and water_level - depth gives the channel bed.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;
using solver::Real;

namespace {

constexpr double level = 9.0;  ///< the still water level, below every bank (about 10 m)

/// 10 x 3 cells of 10 m, a bed falling east at 0.001 from 10 m, a closed channel 4 m wide and
/// 2 m deep along the middle row, water standing in it at `level` (2D depth 0 everywhere).
std::unique_ptr<solver::Simulation> river_in_bank(std::vector<Real>& z) {
  const solver::Grid g{10, 3, 10.0, 10.0, 0.0, 30.0};
  z.assign(g.cell_count(), 0);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) z[static_cast<std::size_t>(j * g.nx + i)] = 10 - 0.001 * i;
  }
  auto sim = std::make_unique<solver::Simulation>(g, z);
  solver::ChannelReach r;
  r.name = "river";
  for (int i = 0; i < g.nx; ++i) {
    r.i.push_back(i);
    r.j.push_back(1);
    r.width.push_back(4);
    r.bed.push_back(static_cast<double>(z[static_cast<std::size_t>(g.nx + i)]) - 2);
    r.length.push_back(10);
    if (i > 0) r.link_length.push_back(10);
  }
  sim->add_channel(r);
  sim->set_water_level(std::vector<Real>(g.cell_count(), static_cast<Real>(level)));
  return sim;
}

}  // namespace

TEST(ResultsChannel, DepthLevelGaugesAndMapsShowTheRiverInBank) {
  const ft::TempDir dir("channel");
  std::vector<Real> z;
  auto sim = river_in_bank(z);
  const solver::Grid g = sim->grid();
  solver::FloodMaps maps(g, Real(0.1));
  maps.record_initial_state(*sim);
  io::ResultsOptions opt;
  opt.gauges = {{"river", 55.0, 15.0}, {"bank", 55.0, 25.0}};
  const auto path = dir / "run.h5";
  io::ResultsWriter w(path, *sim, opt);
  sim->advance_to(Real(30), [&](Real dt) {
    maps.update(*sim, dt);
    return true;
  });
  w.write_snapshot(*sim, &maps);
  w.write_gauges(*sim);
  const std::vector<Real> sim_depth = sim->depth();
  w.finalize(&maps, 0);

  const io::ResultsReader r(path);
  const std::vector<double> depth = r.read_snapshot("depth", 0);
  const std::vector<double> eta = r.read_snapshot("water_level", 0);
  const std::vector<double> elevation = r.read("elevation");
  const std::vector<double> max_depth = r.read("max_depth");
  const std::vector<double> max_level = r.read("max_water_level");
  const std::vector<double> arrival = r.read("arrival_time");
  const std::vector<double> duration = r.read("flood_duration");
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j * g.nx + i);
      EXPECT_NEAR(elevation[c], z[c], 1e-5) << "the DEM, not the channel bed";
      EXPECT_EQ(sim->h()[g.index(i, j)], 0) << "in bank: 2D depth 0";
      EXPECT_EQ(depth[c], static_cast<double>(static_cast<float>(sim_depth[c])));
      if (j != 1) {  // the floodplain: dry
        EXPECT_EQ(depth[c], 0);
        EXPECT_NEAR(eta[c], z[c], 1e-5);
        EXPECT_EQ(max_depth[c], 0);
        EXPECT_TRUE(std::isnan(arrival[c]));
        continue;
      }
      const double bed = z[c] - 2;
      EXPECT_NEAR(depth[c], level - bed, 1e-5) << "column " << i;
      EXPECT_NEAR(eta[c], level, 1e-5) << "column " << i;
      EXPECT_NEAR(eta[c] - depth[c], bed, 1e-5) << "the channel bed";
      EXPECT_NEAR(max_depth[c], level - bed, 1e-5) << "column " << i;
      EXPECT_NEAR(max_level[c], level, 1e-5) << "column " << i;
      EXPECT_EQ(arrival[c], 0) << "column " << i;
      EXPECT_NEAR(duration[c], 30, 1e-4) << "column " << i;
    }
  }
  // Gauges: the river on the channel cell (column 5, row 1), the dry bank beside it.
  const std::vector<double> gd = r.read("gauge_depth");
  const std::vector<double> gl = r.read("gauge_water_level");
  const std::vector<double> gs = r.read("gauge_speed");
  ASSERT_EQ(gd.size(), 2u);
  const double bed = static_cast<double>(z[static_cast<std::size_t>(g.nx + 5)]) - 2;
  EXPECT_NEAR(gd[0], level - bed, 1e-9);
  EXPECT_NEAR(gl[0], level, 1e-9);
  EXPECT_LT(gs[0], 1e-9) << "the river is still";
  EXPECT_EQ(gd[1], 0);
  EXPECT_NEAR(gl[1], z[5], 1e-9);
}
