// MPI decomposition cost model (bench/README.md, "MPI"): run under mpirun.
//
//   mpirun -np P floodtwin-mpi-bench N STEPS [first|second] [weak]
//
// An N x N grid (weak: N columns, N x P rows) (10 m cells) of a sloping valley, wet everywhere (a
// dam break on 1 m of water), STEPS steps after 5 warm-up steps. Rank 0 prints: wall time per step
// (the slowest process), halo messages and bytes per step sent by each process, Allreduce latency
// (1000 reductions of one double, mean), the time for rank 0 to write the state and seven flood
// maps (a checkpoint, the other processes serving their rows: Simulation::on_root, as
// `floodtwin run` writes its outputs), and every process's peak RSS.
#include <mpi.h>
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "parallel/mpi_decomposition.hpp"
#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin;

int main(int argc, char** argv) {
  parallel::init(&argc, &argv, 60);
  const int rank = parallel::world_rank();
  const int size = parallel::world_size();
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 50;
  const bool second = argc > 3 && std::string(argv[3]) == "second";
  const bool weak = argc > 4 && std::string(argv[4]) == "weak";
  solver::Grid g;
  g.nx = n;
  g.ny = weak ? n * size : n;
  g.dx = g.dy = 10;
  std::shared_ptr<solver::Decomposition> d = parallel::world_decomposition();
  std::vector<Real> z(g.cell_count()), h(g.cell_count());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < n; ++i) {
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(n) +
                     static_cast<std::size_t>(i);
      const double x = (i - n / 2.0) / n;
      z[c] = static_cast<Real>(20 * x * x + 0.002 * j);
      h[c] = static_cast<Real>(i < n / 2 ? 2.0 : 1.0);
    }
  }
  solver::SolverConfig cfg;
  cfg.scheme = second ? solver::Scheme::second_order : solver::Scheme::first_order;
  cfg.cfl = Real(0.5);
  if (size > 1) {  // memory per process: blocks first, each process fills its rows only
    d->set_rows(solver::block_rows(g, z, size, cfg.scheme));
    solver::keep_block(g, *d);
  }
  solver::Simulation sim(g, z, cfg);
  sim.set_manning(Real(0.03));
  sim.set_depth(h);
  std::vector<Real>().swap(z);  // the inputs are copied (in the kept rows): freed
  std::vector<Real>().swap(h);
  solver::FloodMaps maps(g);
  if (size > 1) sim.set_decomposition(d);
  for (int s = 0; s < 5; ++s) sim.step();
  const parallel::Traffic t0 = parallel::traffic();
  MPI_Barrier(MPI_COMM_WORLD);
  double w0 = MPI_Wtime();
  for (int s = 0; s < steps; ++s) {
    sim.step();
    maps.update(sim, sim.last_dt());
  }
  double step_s = (MPI_Wtime() - w0) / steps;
  MPI_Allreduce(MPI_IN_PLACE, &step_s, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  const parallel::Traffic t1 = parallel::traffic();
  // Allreduce latency.
  MPI_Barrier(MPI_COMM_WORLD);
  w0 = MPI_Wtime();
  double v = rank;
  for (int k = 0; k < 1000; ++k) {
    double out = 0;
    MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  }
  const double allreduce_us = (MPI_Wtime() - w0) / 1000 * 1e6;
  // Rank 0 writes a checkpoint of the state and maps, the other processes serving it their
  // rows a stripe at a time (Simulation::on_root), as floodtwin run writes its outputs.
  MPI_Barrier(MPI_COMM_WORLD);
  w0 = MPI_Wtime();
  const auto path = std::filesystem::temp_directory_path() / "floodtwin_mpi_bench.h5";
  sim.on_root(&maps, [&] { io::write_checkpoint(path, sim, &maps); });
  const double write_s = MPI_Wtime() - w0;
  if (rank == 0) std::filesystem::remove(path);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::vector<long> rss(static_cast<std::size_t>(size));
  long mine = ru.ru_maxrss;
  MPI_Gather(&mine, 1, MPI_LONG, rss.data(), 1, MPI_LONG, 0, MPI_COMM_WORLD);
  const auto [r0, r1] = sim.owned_rows();
  const double msgs = static_cast<double>(t1.halo_messages - t0.halo_messages) / steps;
  const double bytes = static_cast<double>(t1.halo_bytes - t0.halo_bytes) / steps;
  const double gathers = static_cast<double>(t1.gathers - t0.gathers) / steps;
  const double reductions = static_cast<double>(t1.reductions - t0.reductions) / steps;
  if (rank == 0) {
    std::printf(
        "grid %d x %d %s order, %d processes x %d threads: %.4f s/step (%.1f Mcell-updates/s)\n"
        "  rank 0 (rows %d-%d): halo %.1f messages, %.0f bytes sent per step; %.1f "
        "Allgatherv, %.1f Allreduce per step\n"
        "  Allreduce of one double: %.1f us\n"
        "  write of state + 7 maps (checkpoint, rank 0, rows served): %.4f s = %.1f steps\n"
        "  peak RSS per process [MiB]:",
        n, g.ny, second ? "second" : "first", size, omp_get_max_threads(), step_s,
        static_cast<double>(g.cell_count()) / step_s / 1e6, r0, r1 - 1, msgs, bytes, gathers,
        reductions, allreduce_us, write_s, write_s / step_s);
    for (const long r : rss) std::printf(" %.0f", static_cast<double>(r) / 1024.0);
    std::printf("\n  rank 0 waiting for halo messages: %.2f ms per step\n",
                (t1.exchange_seconds - t0.exchange_seconds) / steps * 1e3);
  }
  parallel::finalize();
  return 0;
}
