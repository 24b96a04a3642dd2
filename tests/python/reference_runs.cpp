// Reference runs for the Python binding tests (test_reference.py): the same cases driven from
// C++, written as raw little-endian doubles (interior fields, nx * ny, row 0 north) so that the
// Python side can compare bit for bit, and L1 errors printed as "name value" lines.
//
//   floodtwin_python_reference OUT_DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "channel.hpp"
#include "exact.hpp"
#include "solver/simulation.hpp"

namespace ft = floodtwin::testing;
using floodtwin::solver::AfterEnd;
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

void write(const std::string& path, const std::vector<Real>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(Real)));
}

/// Ritter dam break of the analytic tests: 1 m onto a dry bed at x = 50 m, 200 cells, t = 4 s.
void ritter(const std::string& dir, Scheme scheme) {
  const auto grid = ft::channel_grid(200, 100.0);
  SolverConfig cfg;
  cfg.scheme = scheme;
  Simulation sim(grid, ft::along_x(grid, [](double) { return 0.0; }), cfg);
  sim.set_depth(ft::along_x(grid, [](double x) { return x < 50 ? 1.0 : 0.0; }));
  sim.advance_to(4.0);
  const std::string name = "ritter_" + floodtwin::solver::to_string(scheme);
  write(dir + "/" + name + "_depth.bin", sim.depth());
  const double l1 =
      ft::l1_error(grid, sim.depth(), [](double x) { return ft::ritter_depth(x, 4.0, 1.0, 50); });
  std::printf("%s_l1 %.17g\n%s_steps %lld\n", name.c_str(), l1, name.c_str(), sim.steps());
}

/// A 2D case with every kind of forcing the binding passes on.
void forced(const std::string& dir) {
  const Grid grid{30, 20, 5.0, 4.0, 1000.0, 2000.0};
  std::vector<Real> z(grid.cell_count()), rain(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const auto c = static_cast<std::size_t>(j * grid.nx + i);
      z[c] = 0.01 * i + 0.02 * j + 0.05 * ((i * j) % 7);
      rain[c] = i < 10 ? 2e-6 : 0.0;
    }
  }
  SolverConfig cfg;
  cfg.scheme = Scheme::second_order;
  cfg.cfl = 0.45;
  Simulation sim(grid, z, cfg);
  sim.set_manning(0.035);
  sim.set_water_level(std::vector<Real>(grid.cell_count(), 1.0));
  sim.add_boundary({Side::west, BoundaryType::discharge,
                    TimeSeries({0, 60, 120}, {0, 5, 2}, "boundary west discharge", AfterEnd::hold)});
  sim.add_boundary({Side::east, BoundaryType::open, {}});
  BoundaryCondition level{Side::north, BoundaryType::water_level, TimeSeries(1.2)};
  level.from = 1050;
  level.to = 1100;
  sim.add_boundary(level);
  sim.set_uniform_rain(TimeSeries({0, 100}, {1e-5, 3e-5}, "uniform rain", AfterEnd::hold));
  sim.set_rain_rate(rain);
  sim.add_point_source(1100, 1950, TimeSeries({0, 50}, {0.5, 0}, "well", AfterEnd::hold), "well");
  sim.advance_to(150);
  write(dir + "/forced_depth.bin", sim.depth());
  write(dir + "/forced_velocity_x.bin", sim.velocity_x());
  write(dir + "/forced_velocity_y.bin", sim.velocity_y());
  write(dir + "/forced_water_level.bin", sim.water_level());
  std::printf("forced_steps %lld\nforced_volume %.17g\n", sim.steps(), sim.stored_volume());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  ritter(dir, Scheme::first_order);
  ritter(dir, Scheme::second_order);
  forced(dir);
  return 0;
}
