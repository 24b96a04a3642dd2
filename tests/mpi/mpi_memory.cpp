// Memory per process (docs/mpi.md, "Memory per process"): run under mpirun -np P (P >= 2).
//
//   floodtwin_mpi_memory second|first-local|second-resume CHECKPOINT
//
// Every process builds a case twice: a reference Simulation alone (every row) and one whose
// blocks are chosen first (block_rows) and whose grid keeps only this process's block and its
// margin (keep_block), as `floodtwin run` under mpirun builds it: a wet tilted valley with a
// rain field, Green-Ampt losses of a per-cell conductivity, an open side, an inflow and flood
// maps folded into the steps. Each is built and stepped 40 times (second order, or first order
// with local time steps); rank 0 writes the reference's checkpoint to CHECKPOINT, and, within
// Simulation::on_root, the kept-rows case's (served the other processes' rows a stripe at a
// time). The growth of each process's resident memory (/proc/self/statm: pages read but never
// written are not resident) is taken for each case: every process, rank 0 included, must grow
// by no more than its kept share of the reference's growth plus 10 % of it (the masks, one
// byte a cell, are whole everywhere): a pass that writes another process's rows of any field,
// or a write on rank 0 that holds more than a stripe of them, fails. Rank 0 then reads the
// kept-rows case's checkpoint back on one process and compares its state and maps with the
// reference's bit for bit. With second-resume, both steps 20 times, the kept-rows case
// resumed from the reference's checkpoint (io::read_checkpoint: each process reads its kept
// rows only) and the reference going on: the same bounds and comparison hold (a resume
// holding the whole checkpoint on every process fails).
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

/// Compares the interior cells of two padded fields bit for bit (NaN equals NaN).
template <class A, class B>
void expect_equal(const char* what, const solver::Grid& g, const A* got, const B* want) {
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto k = static_cast<std::size_t>(g.index(i, j));
      const double a = static_cast<double>(got[k]);
      const double b = static_cast<double>(want[k]);
      if (std::memcmp(&a, &b, sizeof a) != 0 && !(std::isnan(a) && std::isnan(b))) {
        ++g_failures;
        std::printf("rank 0: %s differs at cell (%d, %d): %.17g, one process: %.17g\n", what, i, j,
                    a, b);
        return;
      }
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
  if (size < 2 || argc < 3) {
    std::printf("run this under mpirun -np 2 or more, with a mode and a checkpoint path\n");
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
  // Rank 0 writes the reference's checkpoint (resumed from with second-resume); HDF5 is then
  // started, and its code paged in, on every process before the measurement (its libraries'
  // pages count as resident): what is measured below is the fields.
  const std::string reference_checkpoint = argv[2];
  const std::string split_checkpoint = reference_checkpoint + ".split.h5";
  if (rank == 0) io::write_checkpoint(reference_checkpoint, *one.sim, one.maps.get(), {});
  (void)d->any(false);  // every process waits for the checkpoint
  (void)io::read_checkpoint_info(reference_checkpoint);
  if (resume) step(one, steps);
  solver::Grid mine = whole;
  {
    std::vector<Real> z(whole.cell_count(), Real(0));  // every cell active: blocks by rows
    d->set_rows(solver::block_rows(whole, z, size, scheme));
  }
  solver::keep_block(mine, *d);
  const double before_split = resident_now();
  Case split = make_case(mine, scheme, levels);
  split.sim->set_decomposition(d);
  if (resume) io::read_checkpoint(reference_checkpoint, *split.sim, split.maps.get());
  step(split, steps);
  // Rank 0 writes the whole state and maps, served the others' rows a stripe at a time.
  split.sim->on_root(split.maps.get(),
                     [&] { io::write_checkpoint(split_checkpoint, *split.sim, split.maps.get()); });
  const double grown_split = resident_now() - before_split;
  {
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
  (void)d->any(false);  // the split checkpoint is on disk
  if (rank == 0) {
    // Read back whole, one process: bitwise the reference's state and maps.
    Case back = make_case(whole, scheme, levels);
    io::read_checkpoint(split_checkpoint, *back.sim, back.maps.get());
    if (one.sim->time() != back.sim->time()) {
      ++g_failures;
      std::printf("rank 0: time %.17g, one process %.17g\n", double(back.sim->time()),
                  double(one.sim->time()));
    }
    expect_equal("h", whole, back.sim->h(), one.sim->h());
    expect_equal("qx", whole, back.sim->qx(), one.sim->qx());
    expect_equal("qy", whole, back.sim->qy(), one.sim->qy());
    back.maps->for_each_map([&](const char* name, const auto& field) {
      one.maps->for_each_map([&](const char* other, const auto& reference) {
        if (std::strcmp(name, other) == 0)
          expect_equal(name, whole, field.data(), reference.data());
      });
    });
  }
  const bool failed = d->any(g_failures > 0);  // collective
  if (rank == 0) std::printf(failed ? "FAILED\n" : "passed\n");
  parallel::finalize();
  return failed ? 1 : 0;
}
