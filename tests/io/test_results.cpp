// Results files: every variable round-trips, CF/netCDF attributes are present, the file is
// written as .partial and renamed, flood maps against hand-computed values, hot start, summary.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;
using solver::Real;

namespace {

/// The value a float32 variable holds for `v`, as read back into a double.
template <class T>
double f32(T v) {
  return static_cast<double>(static_cast<float>(v));
}

/// Interior values of a padded field (row 0 north), NaN in inactive cells.
template <class T>
std::vector<double> interior(const solver::Simulation& sim, const T* field) {
  const solver::Grid& g = sim.grid();
  std::vector<double> out;
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i)
      out.push_back(sim.is_active(i, j) ? f32(field[g.index(i, j)])
                                        : std::numeric_limits<double>::quiet_NaN());
  return out;
}

std::vector<double> as_f32(const solver::Simulation& sim, const std::vector<Real>& v) {
  const solver::Grid& g = sim.grid();
  std::vector<double> out(v.size());
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j * g.nx + i);
      out[c] = sim.is_active(i, j) ? f32(v[c]) : std::numeric_limits<double>::quiet_NaN();
    }
  return out;
}

/// Equal element by element, NaN equal to NaN.
void expect_same(const std::vector<double>& got, const std::vector<double>& want,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t c = 0; c < got.size(); ++c) {
    if (std::isnan(want[c])) {
      ASSERT_TRUE(std::isnan(got[c])) << what << " at " << c;
    } else {
      ASSERT_EQ(got[c], want[c]) << what << " at " << c;
    }
  }
}

struct Expected {
  double time;
  std::vector<double> depth, level, u, v;
  solver::MassBalance mb;
};

}  // namespace

TEST(Results, EveryVariableRoundTrips) {
  const ft::TempDir dir("roundtrip");
  auto sim = ft::busy_case();
  const solver::Grid g = sim->grid();
  solver::FloodMaps maps(g, 0.05);
  io::ResultsOptions opt;
  opt.start_time = "2024-03-01T00:00:00";
  opt.crs_wkt = ft::utm11_wkt;
  opt.scenario_text = "scenario text";
  opt.threads = 2;
  opt.attributes["scenario_hash"] = "abc123";
  opt.gauges = {{"inlet", 1005.0, 2015.0}, {"outlet", 1045.0, 2001.0}};
  const auto path = dir / "run.h5";
  io::ResultsWriter w(path, *sim, opt);
  std::vector<Expected> snaps;
  std::vector<std::vector<double>> gauge_depth;
  auto snapshot = [&] {
    w.write_snapshot(*sim, &maps);
    solver::MassBalance mb = sim->mass_balance();
    if (sim->steps() == 0) mb.initial_volume = mb.volume;  // not yet recorded by the solver
    snaps.push_back({static_cast<double>(sim->time()), interior(*sim, sim->h()),
                     as_f32(*sim, sim->water_level()), as_f32(*sim, sim->velocity_x()),
                     as_f32(*sim, sim->velocity_y()), mb});
  };
  snapshot();
  for (int k = 1; k <= 3; ++k) {
    while (sim->time() < 2.0 * k) {
      const Real dt = sim->step(2.0 * k - sim->time());
      maps.update(*sim, dt);
    }
    w.write_gauges(*sim);
    gauge_depth.push_back({sim->h()[g.index(2, 8)], sim->h()[g.index(22, 15)]});
    snapshot();
  }
  EXPECT_TRUE(std::filesystem::exists(w.partial_path()));
  EXPECT_FALSE(std::filesystem::exists(path));
  w.finalize(&maps, 1.5);
  EXPECT_FALSE(std::filesystem::exists(io::partial_path(path)));
  ASSERT_TRUE(std::filesystem::exists(path));

  const io::ResultsReader r(path);
  EXPECT_EQ(r.nx(), g.nx);
  EXPECT_EQ(r.ny(), g.ny);
  const auto xs = r.read("x");
  const auto ys = r.read("y");
  for (int i = 0; i < g.nx; ++i) EXPECT_EQ(xs[static_cast<std::size_t>(i)], g.x_center(i));
  for (int j = 0; j < g.ny; ++j) EXPECT_EQ(ys[static_cast<std::size_t>(j)], g.y_center(j));
  EXPECT_GT(ys.front(), ys.back()) << "row 0 is north: y decreases";
  const auto times = r.times();
  ASSERT_EQ(times.size(), snaps.size());
  const auto volume = r.read("volume");
  const auto rain = r.read("rain_in");
  const auto out = r.read("boundary_out");
  const auto point = r.read("point_in");
  const auto error = r.read("mass_balance_error");
  for (std::size_t k = 0; k < snaps.size(); ++k) {
    EXPECT_EQ(times[k], snaps[k].time);
    expect_same(r.read_snapshot("depth", k), snaps[k].depth, "depth");
    expect_same(r.read_snapshot("water_level", k), snaps[k].level, "water_level");
    expect_same(r.read_snapshot("velocity_x", k), snaps[k].u, "velocity_x");
    expect_same(r.read_snapshot("velocity_y", k), snaps[k].v, "velocity_y");
    EXPECT_EQ(volume[k], snaps[k].mb.volume);
    EXPECT_EQ(rain[k], snaps[k].mb.rain_in);
    EXPECT_EQ(out[k], snaps[k].mb.boundary_out);
    EXPECT_EQ(point[k], snaps[k].mb.point_in);
    EXPECT_EQ(error[k], snaps[k].mb.relative_error());
  }
  EXPECT_EQ(error[0], 0.0);
  EXPECT_GT(rain.back(), 0);
  EXPECT_GT(point.back(), 0);
  expect_same(r.read("elevation"), as_f32(*sim, sim->elevation()), "elevation");
  expect_same(r.read("manning"), interior(*sim, sim->manning()), "manning");
  expect_same(r.read("max_depth"), interior(*sim, maps.max_depth.data()), "max_depth");
  expect_same(r.read("max_speed"), interior(*sim, maps.max_speed.data()), "max_speed");
  expect_same(r.read("max_water_level"), interior(*sim, maps.max_water_level.data()),
              "max_water_level");
  expect_same(r.read("time_of_max_depth"), interior(*sim, maps.time_of_max_depth.data()),
              "time_of_max_depth");
  expect_same(r.read("arrival_time"), interior(*sim, maps.arrival_time.data()), "arrival_time");
  expect_same(r.read("flood_duration"), interior(*sim, maps.flood_duration.data()),
              "flood_duration");
  expect_same(r.read("max_hazard"), interior(*sim, maps.max_hazard.data()), "max_hazard");
  EXPECT_DOUBLE_EQ(r.number_attribute("arrival_time", "threshold"), 0.05);

  // Gauges.
  EXPECT_EQ(r.read_strings("station_name"), (std::vector<std::string>{"inlet", "outlet"}));
  EXPECT_EQ(r.read("station_x"), (std::vector<double>{1005.0, 1045.0}));
  EXPECT_EQ(r.read("station_y"), (std::vector<double>{2015.0, 2001.0}));
  EXPECT_EQ(r.shape("gauge_depth"), (std::vector<std::size_t>{3, 2}));
  const auto gd = r.read("gauge_depth");
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(gd[2 * k], gauge_depth[k][0]);
    EXPECT_EQ(gd[2 * k + 1], gauge_depth[k][1]);
  }
  EXPECT_EQ(r.read("gauge_time"), (std::vector<double>{2.0, 4.0, 6.0}));

  // Attributes.
  EXPECT_EQ(r.text_attribute("", "Conventions"), "CF-1.8");
  EXPECT_EQ(r.text_attribute("", "status"), "complete");
  EXPECT_EQ(r.text_attribute("", "scheme"), "second-order");
  EXPECT_EQ(r.text_attribute("", "scenario"), "scenario text");
  EXPECT_EQ(r.text_attribute("", "scenario_hash"), "abc123");
  EXPECT_EQ(r.number_attribute("", "threads"), 2);
  EXPECT_EQ(r.number_attribute("", "wall_time"), 1.5);
  EXPECT_FALSE(r.text_attribute("", "floodtwin_version").empty());
  EXPECT_FALSE(r.text_attribute("", "git_commit").empty());
  EXPECT_EQ(r.text_attribute("time", "units"), "seconds since 2024-03-01T00:00:00");
  EXPECT_EQ(r.text_attribute("crs", "spatial_ref"), ft::utm11_wkt);
  EXPECT_EQ(r.text_attribute("crs", "crs_wkt"), ft::utm11_wkt);
  for (const std::string& var : r.variables()) {
    if (var == "crs") continue;
    // Names are strings without units; series on (time, station|section|boundary) are not maps.
    if (var != "station_name" && var != "section_name" && var != "boundary_name" &&
        var != "boundary_side") {
      EXPECT_TRUE(r.has_attribute(var, "units")) << var;
    }
    EXPECT_TRUE(r.has_attribute(var, "long_name")) << var;
    if (r.shape(var).size() >= 2 && var.rfind("gauge_", 0) != 0 && var.rfind("section_", 0) != 0 &&
        var.rfind("boundary_", 0) != 0) {
      EXPECT_EQ(r.text_attribute(var, "grid_mapping"), "crs") << var;
      EXPECT_TRUE(std::isnan(r.number_attribute(var, "_FillValue"))) << var;
    }
  }
}

TEST(Results, PartialFileNeverReplacesAGoodResult) {
  const ft::TempDir dir("partial");
  const auto path = dir / "run.h5";
  {
    auto sim = ft::lake_at_rest();
    io::ResultsWriter w(path, *sim);
    w.write_snapshot(*sim);
    w.finalize(nullptr, 0.0);
  }
  const auto good_size = std::filesystem::file_size(path);
  {
    auto sim = ft::lake_at_rest();
    io::ResultsWriter w(path, *sim);
    w.write_snapshot(*sim);
    sim->step(1.0);
    w.write_snapshot(*sim);
    // destroyed without finalize(): a run that stopped half way
  }
  EXPECT_EQ(std::filesystem::file_size(path), good_size);
  EXPECT_EQ(io::ResultsReader(path).times().size(), 1u);
  const io::ResultsReader partial(io::partial_path(path));
  EXPECT_EQ(partial.times().size(), 2u);
  EXPECT_EQ(partial.text_attribute("", "status"), "running");
}

TEST(Results, FloodMapsMatchHandComputedValues) {
  // Three cells in a row, flat bed at z = 2 m except the third (z = 3 m); states imposed at
  // t = 10, 20, 30 s, each held for 10 s.
  const solver::Grid g{3, 1, 1.0, 1.0, 0.0, 1.0};
  solver::Simulation sim(g, std::vector<Real>{2.0, 2.0, 3.0});
  solver::FloodMaps maps(g, 0.1, 1.0);
  const double depth[3][3] = {{0.05, 0.3, 0.0}, {0.2, 0.5, 0.0}, {0.15, 0.2, 0.0}};
  const double qx[3][3] = {{0.0, 0.3, 0.0}, {0.2, 0.0, 0.0}, {0.3, 0.4, 0.0}};
  for (int s = 0; s < 3; ++s) {
    std::vector<Real> h(g.padded_size(), 0), q(g.padded_size(), 0), zero(g.padded_size(), 0);
    for (int i = 0; i < 3; ++i) {
      h[static_cast<std::size_t>(g.index(i, 0))] = depth[s][i];
      q[static_cast<std::size_t>(g.index(i, 0))] = qx[s][i];
    }
    sim.restore(10.0 * (s + 1), s + 1, sim.mass_balance(), h, q, zero);
    maps.update(sim, 10.0);
  }
  const ft::TempDir dir("maps");
  const auto path = dir / "maps.h5";
  {
    io::ResultsWriter w(path, sim);
    w.write_snapshot(sim, &maps);
    w.finalize(&maps, 0.0);
  }
  const io::ResultsReader r(path);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // cell 0: depths 0.05, 0.2, 0.15 with speeds 0, 1, 2 m/s
  // cell 1: depths 0.3, 0.5, 0.2 with speeds 1, 0, 2 m/s
  expect_same(r.read("max_depth"), {f32(0.2), f32(0.5), 0.0}, "max_depth");
  expect_same(r.read("max_speed"), {f32(2.0), f32(2.0), 0.0}, "max_speed");
  expect_same(r.read("max_water_level"), {f32(2.2), f32(2.5), nan}, "max_water_level");
  expect_same(r.read("time_of_max_depth"), {20.0, 20.0, nan}, "time_of_max_depth");
  expect_same(r.read("arrival_time"), {20.0, 10.0, nan}, "arrival_time");
  expect_same(r.read("flood_duration"), {20.0, 30.0, 0.0}, "flood_duration");
  // hazard d (v + 0.5) + DF, DF = 1 above 0.25 m:
  // cell 0: 0.05*0.5 = 0.025, 0.2*1.5 = 0.3, 0.15*2.5 = 0.375 -> 0.375
  // cell 1: 0.3*1.5 + 1 = 1.45, 0.5*0.5 + 1 = 1.25, 0.2*2.5 = 0.5 -> 1.45
  expect_same(r.read("max_hazard"), {f32(0.15 * 2.5), f32(0.3 * 1.5 + 1.0), 0.0}, "max_hazard");

  const io::ResultsSummary s = io::read_results_summary(path);
  EXPECT_DOUBLE_EQ(s.threshold, 0.1);
  EXPECT_DOUBLE_EQ(s.peak_depth, f32(0.5));
  EXPECT_DOUBLE_EQ(s.peak_x, 1.5);
  EXPECT_DOUBLE_EQ(s.flooded_area, 2.0);
  EXPECT_DOUBLE_EQ(io::read_results_summary(path, 0.3).flooded_area, 1.0);
}

TEST(Results, SummaryDescribesTheRun) {
  const ft::TempDir dir("summary");
  const auto path = dir / "lake.h5";
  auto sim = ft::lake_at_rest();
  solver::FloodMaps maps(sim->grid(), 0.1);
  io::ResultsOptions opt;
  opt.gauges = {{"a", 500035.0, 4199992.5}};
  {
    io::ResultsWriter w(path, *sim, opt);
    w.write_snapshot(*sim, &maps);
    while (sim->time() < 5.0) maps.update(*sim, sim->step(5.0 - sim->time()));
    w.write_gauges(*sim);
    w.write_snapshot(*sim, &maps);
    w.finalize(&maps, 2.0);
  }
  const io::ResultsSummary s = io::read_results_summary(path);
  EXPECT_EQ(s.status, "complete");
  EXPECT_EQ(s.nx, 12);
  EXPECT_EQ(s.ny, 8);
  EXPECT_DOUBLE_EQ(s.dx, 10.0);
  EXPECT_DOUBLE_EQ(s.dy, 5.0);
  EXPECT_DOUBLE_EQ(s.x_min, 500000.0);
  EXPECT_DOUBLE_EQ(s.x_max, 500120.0);
  EXPECT_DOUBLE_EQ(s.y_min, 4199960.0);
  EXPECT_DOUBLE_EQ(s.y_max, 4200000.0);
  EXPECT_EQ(s.snapshots, 2u);
  EXPECT_DOUBLE_EQ(s.last_time, 5.0);
  EXPECT_EQ(s.active_cells, 95u);
  EXPECT_EQ(s.stations, 1u);
  EXPECT_EQ(s.gauge_samples, 1u);
  // Deepest cell: (0, 1) at z = 0.05 (cell (0, 0) is inactive), depth 0.95 m.
  EXPECT_NEAR(s.peak_depth, 0.95, 1e-6);
  EXPECT_DOUBLE_EQ(s.peak_x, 500005.0);
  EXPECT_DOUBLE_EQ(s.peak_y, 4199992.5);
  // Flooded (depth > 0.1 m): z < 0.9, i.e. 0.1 i + 0.05 j < 0.9, less the inactive cell.
  int flooded = 0;
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 12; ++i) flooded += (i || j) && 1.0 - ft::lake_bed(i, j) > 0.1 + 1e-9;
  EXPECT_DOUBLE_EQ(s.flooded_area, flooded * 50.0);
  EXPECT_LT(s.mass_balance_error, 1e-12);
  const std::string text = io::format_summary(s);
  EXPECT_NE(text.find("peak depth"), std::string::npos);
  EXPECT_NE(text.find("flooded area"), std::string::npos);
}

TEST(Results, HotStartTakesTheLastSnapshot) {
  const ft::TempDir dir("hot");
  const auto path = dir / "previous.h5";
  auto first = ft::busy_case();
  {
    io::ResultsWriter w(path, *first);
    w.write_snapshot(*first);
    first->advance_to(3.0);
    w.write_snapshot(*first);
    w.finalize(nullptr, 0.0);
  }
  auto second = ft::busy_case();
  EXPECT_EQ(io::read_final_state(path, *second), 3.0);
  const auto want_h = as_f32(*first, first->depth());
  const auto got_h = as_f32(*second, second->depth());
  expect_same(got_h, want_h, "hot-start depth");
  const auto u1 = first->velocity_x();
  const auto u2 = second->velocity_x();
  for (std::size_t c = 0; c < u1.size(); ++c) {
    if (want_h[c] > 1e-3) {
      EXPECT_NEAR(u2[c], u1[c], 1e-5 * (1 + std::abs(u1[c]))) << c;
    }
  }
  // Another grid is refused with a message naming the file and both grids.
  auto other = ft::lake_at_rest();
  try {
    io::read_final_state(path, *other);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("previous.h5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("24 x 16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("12 x 8"), std::string::npos) << msg;
  }
}

TEST(Results, CompressionAndChunkingAreConfigurable) {
  const ft::TempDir dir("compress");
  auto sim = ft::busy_case();
  sim->advance_to(2.0);
  struct Layout {
    int level, chunk_x, chunk_y;
    bool shuffle;
  };
  // Chunks of 7 x 5 leave partial chunks on the east and south edges (24 x 16 cells): the
  // writer's own filters pad them as HDF5 does (io/chunk_filter.hpp).
  const Layout layouts[] = {{0, 8, 8, true}, {6, 8, 8, true}, {6, 7, 5, true}, {1, 7, 5, false}};
  std::uintmax_t sizes[2] = {};
  for (const Layout& l : layouts) {
    io::ResultsOptions opt;
    opt.deflate_level = l.level;
    opt.chunk_x = l.chunk_x;
    opt.chunk_y = l.chunk_y;
    opt.shuffle = l.shuffle;
    const std::string what = "level " + std::to_string(l.level) + ", chunks " +
                             std::to_string(l.chunk_x) + " x " + std::to_string(l.chunk_y);
    const auto path = dir / ("c" + std::to_string(l.level) + "_" + std::to_string(l.chunk_x) +
                             (l.shuffle ? "s" : "") + ".h5");
    io::ResultsWriter w(path, *sim, opt);
    for (int k = 0; k < 4; ++k) w.write_snapshot(*sim);
    w.finalize(nullptr, 0);
    if (l.chunk_x == 8) sizes[l.level == 0 ? 0 : 1] = std::filesystem::file_size(path);
    const io::ResultsReader r(path);
    expect_same(r.read_snapshot("depth", 3), interior(*sim, sim->h()), "depth, " + what);
    expect_same(r.read_snapshot("water_level", 2), as_f32(*sim, sim->water_level()),
                "water_level, " + what);
    expect_same(r.read_snapshot("velocity_x", 1), as_f32(*sim, sim->velocity_x()),
                "velocity_x, " + what);
    expect_same(r.read_snapshot("velocity_y", 0), as_f32(*sim, sim->velocity_y()),
                "velocity_y, " + what);
    expect_same(r.read("elevation"), as_f32(*sim, sim->elevation()), "elevation, " + what);
  }
  EXPECT_LT(sizes[1], sizes[0]);
  io::ResultsOptions bad;
  bad.deflate_level = 12;
  EXPECT_THROW(io::ResultsWriter(dir / "bad.h5", *sim, bad), ConfigError);
  io::ResultsOptions outside;
  outside.gauges = {{"far", 0.0, 0.0}};
  EXPECT_THROW(io::ResultsWriter(dir / "bad.h5", *sim, outside), InputError);
}

TEST(Results, ElevationIsTheBedOfTheLastSnapshotAfterABedChange) {
  // A breach lowers cells during the run (Simulation::set_elevation, as schedule_elevation
  // does): the static `elevation` map follows, so that water_level - depth is the bed.
  const ft::TempDir dir("bed_change");
  const auto path = dir / "run.h5";
  auto sim = ft::lake_at_rest();
  const solver::Grid& g = sim->grid();
  std::vector<Real> bed = sim->elevation();
  {
    io::ResultsWriter w(path, *sim);
    w.write_snapshot(*sim);
    sim->step(1.0);
    w.write_snapshot(*sim);
    EXPECT_FALSE(io::ResultsReader(io::partial_path(path)).has_attribute("elevation", "comment"));
    for (int i = 3; i < 7; ++i) bed[static_cast<std::size_t>(4 * g.nx + i)] -= Real(0.75);
    sim->set_elevation(bed);
    sim->step(1.0);
    w.write_snapshot(*sim);
    w.finalize(nullptr, 0.0);
  }
  const io::ResultsReader r(path);
  expect_same(r.read("elevation"), as_f32(*sim, bed), "elevation after the breach");
  EXPECT_NE(r.text_attribute("elevation", "comment").find("changed during the run"),
            std::string::npos);
  const std::vector<double> depth = r.read_snapshot("depth", 2);
  const std::vector<double> level = r.read_snapshot("water_level", 2);
  const std::vector<double> elevation = r.read("elevation");
  for (int i = 3; i < 7; ++i) {
    const auto c = static_cast<std::size_t>(4 * g.nx + i);
    EXPECT_NEAR(level[c] - depth[c], elevation[c], 1e-4) << "cell " << i;
  }
}
