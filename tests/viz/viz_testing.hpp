#pragma once
/// @file viz_testing.hpp
/// A small results file for the viz tests: a pond draining down a sloping valley, 40 x 30
/// cells of 5 m in UTM coordinates, a no-data corner, two gauges, snapshots every 10 s to 30 s.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/results_writer.hpp"
#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::testing {

using solver::Real;

inline const char* const viz_wkt =
    R"(PROJCS["WGS 84 / UTM zone 11N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32611"]])";

inline solver::Grid viz_grid() { return solver::Grid{40, 30, 5.0, 5.0, 500000.0, 4200150.0}; }

/// Writes the results file; without `with_maps` no flood maps are written (as by a run that
/// never reached its first output with maps).
inline void write_viz_results(const std::filesystem::path& path, bool with_maps = true) {
  const solver::Grid g = viz_grid();
  std::vector<Real> z(g.cell_count()), eta(g.cell_count());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j * g.nx + i);
      // A valley along x falling to the east, with a pond in the west.
      z[c] = 2.0 - 0.03 * i + 0.004 * (j - 15) * (j - 15) + 0.2 * std::sin(0.7 * i + 0.3 * j);
      eta[c] = i < 12 && j > 6 && j < 24 ? 2.2 : 0.0;
    }
  }
  for (int j = 0; j < 4; ++j)
    for (int i = 36; i < 40; ++i) z[static_cast<std::size_t>(j * g.nx + i)] = std::nan("");
  solver::Simulation sim(g, z);
  sim.set_manning(0.03);
  sim.set_water_level(eta);
  solver::BoundaryCondition out;
  out.side = solver::Side::east;
  out.type = solver::BoundaryType::open;
  sim.add_boundary(out);
  solver::FloodMaps maps(g, 0.1);
  io::ResultsOptions opt;
  opt.start_time = "2024-03-01T12:00:00";
  opt.crs_wkt = viz_wkt;
  opt.title = "floodtwin forecast: viz_test.toml";
  opt.gauges = {{"pond", 500027.5, 4200077.5}, {"valley exit", 500187.5, 4200072.5}};
  io::ResultsWriter writer(path, sim, opt);
  writer.write_snapshot(sim, with_maps ? &maps : nullptr);
  for (int k = 1; k <= 3; ++k) {
    sim.advance_to(Real(10.0 * k), [&](Real dt) {
      maps.update(sim, dt);
      return true;
    });
    writer.write_snapshot(sim, with_maps ? &maps : nullptr);
  }
  writer.finalize(with_maps ? &maps : nullptr, 0.1);
}

/// A fresh temporary folder, removed with its contents at scope exit.
struct VizTempDir {
  std::filesystem::path path;
  explicit VizTempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("floodtwin_viz_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~VizTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  VizTempDir(const VizTempDir&) = delete;
  VizTempDir& operator=(const VizTempDir&) = delete;
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path / name;
  }
};

}  // namespace floodtwin::testing
