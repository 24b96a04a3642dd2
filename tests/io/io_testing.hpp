#pragma once
/// @file io_testing.hpp
/// Small cases and temporary folders shared by the io tests and the example writer.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "io/results_writer.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::testing {

using solver::Real;

/// WKT of EPSG:32611 (WGS 84 / UTM zone 11N), the CRS of the demo basin.
inline const char* const utm11_wkt =
    R"(PROJCS["WGS 84 / UTM zone 11N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32611"]])";

/// The lake at rest of the Python tests: 12 x 8 cells of 10 x 5 m with the north-west corner
/// at (500000, 4200000), bed z = 0.1 i + 0.05 j, cell (0, 0) inactive, still water at 1 m.
inline solver::Grid lake_grid() { return solver::Grid{12, 8, 10.0, 5.0, 500000.0, 4200000.0}; }
inline double lake_bed(int i, int j) { return 0.1 * i + 0.05 * j; }
inline constexpr double lake_level = 1.0;

inline std::unique_ptr<solver::Simulation> lake_at_rest() {
  const solver::Grid g = lake_grid();
  std::vector<Real> z(g.cell_count());
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) z[static_cast<std::size_t>(j * g.nx + i)] = lake_bed(i, j);
  z[0] = std::numeric_limits<Real>::quiet_NaN();
  auto sim = std::make_unique<solver::Simulation>(g, z);
  sim->set_manning(0.03);
  sim->set_water_level(std::vector<Real>(g.cell_count(), lake_level));
  return sim;
}

/// A dam break with rain, a point source and (when `open_outlet`) an open east side, second
/// order: every term of the mass balance moves. 24 x 16 cells of 2 m.
inline std::unique_ptr<solver::Simulation> busy_case(bool open_outlet = true) {
  const solver::Grid g{24, 16, 2.0, 2.0, 1000.0, 2032.0};
  std::vector<Real> z(g.cell_count());
  std::vector<Real> eta(g.cell_count());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j * g.nx + i);
      z[c] = 0.02 * (g.nx - i) + 0.01 * std::abs(j - g.ny / 2);
      eta[c] = i < g.nx / 3 ? 1.2 : 0.0;
    }
  }
  z[static_cast<std::size_t>(5 * g.nx + 12)] = std::numeric_limits<Real>::quiet_NaN();
  solver::SolverConfig cfg;
  cfg.scheme = solver::Scheme::second_order;
  auto sim = std::make_unique<solver::Simulation>(g, z, cfg);
  sim->set_manning(0.03);
  sim->set_water_level(eta);
  solver::BoundaryCondition out;
  out.side = solver::Side::east;
  out.type = solver::BoundaryType::open;
  if (open_outlet) sim->add_boundary(out);
  sim->set_uniform_rain(solver::TimeSeries(Real(20e-3 / 3600)));
  sim->add_point_source(1030.0, 2010.0, solver::TimeSeries(Real(0.5)), "pump");
  return sim;
}

/// A fresh temporary folder, removed with its contents at scope exit.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("floodtwin_io_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path / name;
  }
};

}  // namespace floodtwin::testing
