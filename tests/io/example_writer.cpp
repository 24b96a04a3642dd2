// Writes the small results file that the Python tests open with xarray, netCDF4, h5py and GDAL,
// and, with --hang-after K, a run that is killed (SIGKILL) by test_kill after K snapshots.
//
// usage: io_example_writer OUT.h5 [--hang-after K]
//   Lake at rest (io_testing.hpp), snapshots every 20 s up to 60 s, gauges every 10 s.
//   With --hang-after K: prints "snapshot k" after each flushed snapshot and, after the K-th,
//   keeps stepping without writing until it is killed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--hang-after")) {
    std::fprintf(stderr, "usage: io_example_writer OUT.h5 [--hang-after K]\n");
    return 2;
  }
  const int hang_after = argc == 4 ? std::atoi(argv[3]) : -1;
  try {
    auto sim = ft::lake_at_rest();
    solver::FloodMaps maps(sim->grid(), 0.1);
    io::ResultsOptions opt;
    opt.start_time = "2024-01-15T06:00:00";
    opt.crs_wkt = ft::utm11_wkt;
    opt.scenario_text = "[scenario]\nname = \"lake at rest\"\n";
    opt.threads = 2;
    opt.attributes["command_line"] = "io_example_writer";
    opt.gauges = {{"north-west", 500035.0, 4199992.5}, {"east", 500105.0, 4199982.5}};
    opt.chunk_x = 5;
    opt.chunk_y = 4;
    io::ResultsWriter writer(argv[1], *sim, opt);
    writer.write_snapshot(*sim, &maps);
    writer.write_gauges(*sim);
    if (hang_after == 1) std::printf("snapshot 1\n");
    std::fflush(stdout);
    int written = 1;
    for (int k = 1; k <= 6; ++k) {
      const double t_end = 10.0 * k;
      while (sim->time() < t_end) {
        const Real dt = sim->step(t_end - sim->time());
        maps.update(*sim, dt);
      }
      writer.write_gauges(*sim);
      if (k % 2 == 0) {
        writer.write_snapshot(*sim, &maps);
        ++written;
        if (hang_after > 0) {
          std::printf("snapshot %d\n", written);
          std::fflush(stdout);
        }
      }
      if (hang_after > 0 && written >= hang_after) {
        for (;;) {  // a long computation between two outputs, until SIGKILL
          sim->step(0.5);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
    }
    writer.finalize(&maps, 0.25);
  } catch (const floodtwin::Error& e) {
    std::fprintf(stderr, "io_example_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
