// Memory per process (docs/mpi.md, "Memory per process"): run under mpirun -np P (P >= 2).
//
//   floodtwin_mpi_memory second|first-local
//   floodtwin_mpi_memory second-resume CHECKPOINT
//
// Every process builds a case twice: a reference Simulation alone (every row) and one whose
// blocks are chosen first (block_rows) and whose grid keeps only this process's block and its
// margin (keep_block), as `floodtwin run` under mpirun builds it: a wet tilted valley with a
// rain field, Green-Ampt losses of a per-cell conductivity, an open side, an inflow and flood
// maps folded into the steps. Each is built and stepped 40 times (second order, or first order
// with local time steps), and the growth of the process's resident memory (/proc/self/statm:
// pages read but never written are not resident) is taken for each. Every process but rank 0
// (which keeps every row: it gathers the whole state for the writers) must grow by no more
// than its kept share of the reference's growth plus 10 % of it (the masks, one byte a cell,
// are whole everywhere): a pass that writes another process's rows of any field fails. Then
// the state and maps are gathered to rank 0, which compares them with the reference bit for
// bit. With second-resume, the reference steps 20 times and rank 0 writes its checkpoint to
// CHECKPOINT; the kept-rows case is built, resumed from it (io::read_checkpoint: each process
// reads its kept rows only) and steps 20 times, and the reference 20 more: the same bounds
// and comparison hold (a resume holding the whole checkpoint on every process fails).
// Prints one line per failure and exits 1 on every process when any failed.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "parallel/mpi_decomposition.hpp"
#include "solver/flood_maps.hpp"
#include "solver/infiltration.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin;
using solver::Real;

namespace {

int g_failures = 0;

struct Case {
  std::unique_ptr<solver::Simulation> sim;
  std::unique_ptr<solver::FloodMaps> maps;
};

/// The case on `g` (whose kept rows the caller may have set).
Case make_case(const solver::Grid& g, solver::Scheme scheme, int local_levels) {
  // Inputs in fields mapped apart (solver/field_memory.hpp), returned to the system when
  // freed: the resident memory measured after the build holds no heap they left behind.
  const std::size_t n = g.cell_count();
  solver::Field<Real> z(n), h(n), rain(n), ks(n);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
                     static_cast<std::size_t>(i);
      const double x = (i - g.nx / 3.0) / g.nx;
      z[c] = static_cast<Real>(8 * x * x + 0.002 * j + 0.02 * std::sin(0.3 * i + 0.2 * j));
      if (i > g.nx / 5 && i < g.nx / 2) h[c] = static_cast<Real>(0.4 + 0.001 * j);
      rain[c] = static_cast<Real>(1e-5 * (1 + std::sin(0.05 * i) * std::cos(0.07 * j)));
      ks[c] = static_cast<Real>(1e-6 * (1.5 + std::cos(0.11 * i + 0.05 * j)));
    }
  }
  solver::SolverConfig cfg;
  cfg.scheme = scheme;
  cfg.local_levels = local_levels;
  Case out;
  out.sim = std::make_unique<solver::Simulation>(g, z, cfg);
  solver::Simulation& sim = *out.sim;
  sim.set_manning(Real(0.035));
  sim.set_depth(h);
  sim.set_rain_rate(rain);
  const Real psi = Real(0.09);
  const Real dtheta = Real(0.2);
  sim.set_loss_model(std::make_shared<solver::GreenAmpt>(g, ks, std::span<const Real>(&psi, 1),
                                                         std::span<const Real>(&dtheta, 1)));
  solver::BoundaryCondition open;
  open.side = solver::Side::west;
  open.type = solver::BoundaryType::open;
  sim.add_boundary(open);
  solver::BoundaryCondition inflow;
  inflow.side = solver::Side::north;
  inflow.type = solver::BoundaryType::discharge;
  inflow.series = solver::TimeSeries(Real(3));
  inflow.from = g.x_center(g.nx / 4);
  inflow.to = g.x_center(g.nx / 4 + 6);
  sim.add_boundary(inflow);
  out.maps = std::make_unique<solver::FloodMaps>(g, Real(0.05));
  sim.fold_maps(out.maps.get());
  return out;
}

/// Resident memory of this process [bytes] (pages read but never written are not counted).
double resident_now() {
  std::ifstream statm("/proc/self/statm");
  double total = 0;
  double resident = 0;
  statm >> total >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

void step(Case& c, int steps) {
  for (int s = 0; s < steps; ++s) c.sim->step();
}

template <class A, class B>
void expect_equal(const char* what, const A* got, const B* want, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const double a = static_cast<double>(got[k]);
    const double b = static_cast<double>(want[k]);
    if (std::memcmp(&a, &b, sizeof a) != 0 && !(std::isnan(a) && std::isnan(b))) {
      ++g_failures;
      std::printf("rank 0: %s differs at padded index %zu: %.17g, one process: %.17g\n", what, k, a,
                  b);
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  parallel::init(&argc, &argv, 60);
  const int rank = parallel::world_rank();
  const int size = parallel::world_size();
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool local = mode == "first-local";
  const bool resume = mode == "second-resume";
  const solver::Scheme scheme = local ? solver::Scheme::first_order : solver::Scheme::second_order;
  const int levels = local ? 3 : 0;
  if (size < 2 || (resume && argc < 3)) {
    std::printf("run this under mpirun -np 2 or more (second-resume: and a checkpoint path)\n");
    parallel::finalize();
    return 1;
  }
  solver::Grid whole;
  whole.nx = 600;
  whole.ny = 120 * size;
  whole.dx = 10;
  whole.dy = 10;
  const int steps = resume ? 20 : 40;
  const double before_one = resident_now();
  Case one = make_case(whole, scheme, levels);
  step(one, steps);
  const double grown_one = resident_now() - before_one;

  const std::shared_ptr<solver::Decomposition> d = parallel::world_decomposition();
  if (resume) {
    if (rank == 0) io::write_checkpoint(argv[2], *one.sim, one.maps.get(), {});
    (void)d->any(false);  // every process waits for the checkpoint
    step(one, steps);
    // HDF5 started, and its code paged in, before the measurement (its libraries' pages
    // count as resident): what is measured below is the fields read.
    (void)io::read_checkpoint_info(argv[2]);
  }
  solver::Grid mine = whole;
  {
    std::vector<Real> z(whole.cell_count(), Real(0));  // every cell active: blocks by rows
    d->set_rows(solver::block_rows(whole, z, size, scheme));
  }
  solver::keep_block(mine, *d);
  const double before_split = resident_now();
  Case split = make_case(mine, scheme, levels);
  split.sim->set_decomposition(d);
  if (resume) io::read_checkpoint(argv[2], *split.sim, split.maps.get());
  step(split, steps);
  const double grown_split = resident_now() - before_split;
  if (rank > 0) {
    const auto [k0, k1] = mine.kept_rows();
    const double share = static_cast<double>(k1 - k0) / (whole.ny + 2);
    const double bound = (share + 0.1) * grown_one;
    std::printf(
        "rank %d: kept rows %d to %d (%.1f %% of the grid): resident memory grew by %.1f "
        "MiB, one process's by %.1f MiB (%.1f %%; at most %.1f %%)\n",
        rank, k0, k1 - 1, 100 * share, grown_split / 1048576, grown_one / 1048576,
        100 * grown_split / grown_one, 100 * (share + 0.1));
    if (!(grown_split <= bound)) {
      ++g_failures;
      std::printf("rank %d: FAILED: more than its share of the fields is resident\n", rank);
    }
  }
  split.sim->gather_to_root();
  split.maps->gather_to_root(*d);
  const std::size_t n = whole.padded_size();
  if (rank == 0) {
    if (one.sim->time() != split.sim->time()) {
      ++g_failures;
      std::printf("rank 0: time %.17g, one process %.17g\n", double(split.sim->time()),
                  double(one.sim->time()));
    }
    expect_equal("h", split.sim->h(), one.sim->h(), n);
    expect_equal("qx", split.sim->qx(), one.sim->qx(), n);
    expect_equal("qy", split.sim->qy(), one.sim->qy(), n);
    split.maps->for_each_map([&](const char* name, const auto& field) {
      one.maps->for_each_map([&](const char* other, const auto& reference) {
        if (std::strcmp(name, other) == 0) expect_equal(name, field.data(), reference.data(), n);
      });
    });
  }
  const bool failed = d->any(g_failures > 0);  // collective
  if (rank == 0) std::printf(failed ? "FAILED\n" : "passed\n");
  parallel::finalize();
  return failed ? 1 : 0;
}
