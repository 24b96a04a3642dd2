/// @file bench.cpp
/// floodtwin-bench: throughput of the time-stepping loop on a fully wet tilted valley with
/// flow and Manning friction.
///
///   floodtwin-bench --nx N --ny N --order 1|2 --threads T [--steps S]
///
/// prints one line per run:
///   bench order=1 threads=2 cells=2000x2000 steps=200 mcups=63.2 bytes_per_cell=88
/// mcups: million cell-updates per second of the stepping loop (a second-order step counts
/// once, although it has two stages); bytes_per_cell: peak resident memory / cells.
#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "solver/simulation.hpp"

using namespace floodtwin::solver;

namespace {

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "floodtwin-bench: %s\nusage: floodtwin-bench --nx N --ny N --order 1|2 "
               "--threads T [--steps S]\n",
               msg);
  std::exit(2);
}

long peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss * 1024L;
}

}  // namespace

int main(int argc, char** argv) {
  int nx = 2000, ny = 2000, order = 1, threads = 0, steps = 200;
  for (int a = 1; a < argc; ++a) {
    auto value = [&](const char* name) {
      if (a + 1 >= argc) usage((std::string("missing value for ") + name).c_str());
      char* end = nullptr;
      const long v = std::strtol(argv[++a], &end, 10);
      if (*end != '\0' || v <= 0) usage((std::string("bad value for ") + name).c_str());
      return static_cast<int>(v);
    };
    if (!std::strcmp(argv[a], "--nx")) nx = value("--nx");
    else if (!std::strcmp(argv[a], "--ny")) ny = value("--ny");
    else if (!std::strcmp(argv[a], "--order")) order = value("--order");
    else if (!std::strcmp(argv[a], "--threads")) threads = value("--threads");
    else if (!std::strcmp(argv[a], "--steps")) steps = value("--steps");
    else usage((std::string("unknown argument ") + argv[a]).c_str());
  }
  if (order != 1 && order != 2) usage("--order must be 1 or 2");
  if (threads > 0) omp_set_num_threads(threads);
  threads = omp_get_max_threads();

  // A valley 10 m cells: 0.1 % slope down to the east, side slopes of 1 %, a channel in the
  // middle; water 0.5 m above the channel bed everywhere (fully wet), open outlet east,
  // inflow west.
  const Grid grid{nx, ny, 10.0, 10.0, 0.0, 10.0 * ny};
  std::vector<Real> z(grid.cell_count()), h(grid.cell_count());
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const double across = std::abs(j - ny / 2.0) * 10.0;
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
                     static_cast<std::size_t>(i);
      z[c] = 0.001 * 10.0 * (nx - i) + 1e-4 * across;
      h[c] = 0.5 + 0.3 * std::sin(0.01 * i) * std::cos(0.013 * j);
    }
  }
  SolverConfig cfg;
  cfg.scheme = order == 1 ? Scheme::first_order : Scheme::second_order;
  Simulation sim(grid, z, cfg);
  z = {};
  sim.set_depth(h);
  h = {};
  sim.set_manning(0.035);
  BoundaryCondition out{Side::east, BoundaryType::open, {}, -1e300, 1e300};
  sim.add_boundary(out);
  BoundaryCondition in{Side::west, BoundaryType::discharge, TimeSeries(100.0), -1e300, 1e300};
  sim.add_boundary(in);
  sim.step();  // warm-up: allocates workspaces

  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) sim.step();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mcups = static_cast<double>(grid.cell_count()) * steps / seconds / 1e6;
  std::printf("bench order=%d threads=%d cells=%dx%d steps=%d mcups=%.1f bytes_per_cell=%.0f\n",
              order, threads, nx, ny, steps, mcups,
              static_cast<double>(peak_rss_bytes()) / static_cast<double>(grid.cell_count()));
  return 0;
}
