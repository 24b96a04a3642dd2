// driver::run's numbers at full precision, for comparing process counts (mpi_summary.sh): run
// under mpirun -np P (P = 1: the one-process reference).
//
//   floodtwin-mpi-run-summary SCENARIO RESULTS
//
// Runs the scenario (rows shared among the processes when P > 1) with a progress report every
// 20 steps, and rank 0 prints every report (steps, time, flooded cells, balance error) and the
// run summary (steps, every mass-balance term, peak depth, flooded area) with 17 digits: the
// progress lines `floodtwin run` prints round them (%.1e), these do not.
#include <cstdio>
#include <string>
#include <vector>

#include "driver/forecast.hpp"
#include "parallel/mpi_decomposition.hpp"
#include "scenarios/scenario.hpp"

using namespace floodtwin;

int main(int argc, char** argv) {
  parallel::init(&argc, &argv, 60);
  if (argc != 3) {
    std::fprintf(stderr, "usage: floodtwin-mpi-run-summary SCENARIO RESULTS\n");
    parallel::finalize();
    return 2;
  }
  try {
    driver::Forecast f = driver::prepare(scenarios::load_scenario(argv[1]));
    if (parallel::world_size() > 1) f.sim->set_decomposition(parallel::world_decomposition());
    std::vector<std::string> lines;
    driver::RunOptions options;
    options.output = argv[2];
    options.progress_every = 0;  // every 20 steps: the same steps whatever the process count
    options.on_progress = [&](const driver::Progress& p) {
      char line[200];
      std::snprintf(line, sizeof line, "progress %lld %.17g %zu %.17g", p.steps, p.time,
                    p.wet_cells, p.balance_error);
      lines.emplace_back(line);
    };
    const driver::RunSummary s = driver::run(f, options);
    if (parallel::world_rank() == 0) {
      for (const auto& l : lines) std::printf("%s\n", l.c_str());
      const solver::MassBalance& b = s.balance;
      std::printf("steps %lld\n", s.steps);
      std::printf("balance %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
                  b.initial_volume, b.volume, b.rain_in, b.boundary_in, b.boundary_out, b.point_in,
                  b.losses, b.correction, b.edits, b.relative_error());
      std::printf("peak %.17g flooded_area %.17g\n", s.max_depth, s.flooded_area);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", parallel::world_rank(), e.what());
    parallel::abort(1);
  }
  parallel::finalize();
  return 0;
}
