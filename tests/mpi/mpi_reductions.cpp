// Decomposition-aware reductions (solver/simulation.hpp, docs/mpi.md "Progress"): run under
// mpirun -np P (P >= 2) by mpi_reductions.sh.
//
//   floodtwin-mpi-reductions first|second
//
// Every process builds the same case twice: a reference Simulation alone (no decomposition)
// and one decomposed over MPI_COMM_WORLD. A dam break on a tilted plane with rain, Green-Ampt
// infiltration, a point source, an inflow and an open side. After every step (a) every process
// calls stored_volume(), wet_cells() at three thresholds and mass_balance() of the decomposed
// simulation together (collective) and compares them with the reference's, bit for bit; every
// 7th step (b) the state is gathered to rank 0, which alone then calls mass_balance() and
// stored_volume() (the results and checkpoint writers' pattern) and compares them, and (c)
// Decomposition::sum_rows of numbers whose sum depends on the order of the additions equals the
// row-order sum. At step 45 both go back to the state of step 30 (Simulation::restore) right
// after stepping, while the decomposed simulation's halo exchange is still in flight: restore
// must let it land before writing the state (a halo received after it would be of step 45).
// Prints one line per failure and exits 1 on every process when any failed.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "parallel/mpi_decomposition.hpp"
#include "solver/infiltration.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin;
using solver::Real;

namespace {

int g_failures = 0;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same(const char* what, long long step, double got, double want) {
  if (same_bits(got, want)) return;
  ++g_failures;
  std::printf("rank %d, step %lld: %s = %.17g, one process: %.17g\n", parallel::world_rank(), step,
              what, got, want);
}

void expect_same_balance(const char* what, long long step, const solver::MassBalance& got,
                         const solver::MassBalance& want) {
  const std::string w(what);
  expect_same((w + " initial_volume").c_str(), step, got.initial_volume, want.initial_volume);
  expect_same((w + " volume").c_str(), step, got.volume, want.volume);
  expect_same((w + " rain_in").c_str(), step, got.rain_in, want.rain_in);
  expect_same((w + " boundary_in").c_str(), step, got.boundary_in, want.boundary_in);
  expect_same((w + " boundary_out").c_str(), step, got.boundary_out, want.boundary_out);
  expect_same((w + " point_in").c_str(), step, got.point_in, want.point_in);
  expect_same((w + " losses").c_str(), step, got.losses, want.losses);
  expect_same((w + " correction").c_str(), step, got.correction, want.correction);
  expect_same((w + " relative_error").c_str(), step, got.relative_error(), want.relative_error());
}

std::unique_ptr<solver::Simulation> make_case(solver::Scheme scheme) {
  solver::Grid g;
  g.nx = 23;
  g.ny = 19;
  g.dx = 7;
  g.dy = 5;
  std::vector<Real> z(g.cell_count()), h(g.cell_count(), Real(0));
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
                     static_cast<std::size_t>(i);
      z[c] = static_cast<Real>(0.01 * i + 0.003 * j + 0.05 * std::sin(0.7 * i + 0.3 * j));
      if (i < 8 && j > 4) h[c] = static_cast<Real>(1.0 + 0.01 * j);  // the dam
    }
  }
  z[static_cast<std::size_t>(2 * g.nx + 20)] = std::numeric_limits<Real>::quiet_NaN();  // a hole
  solver::SolverConfig cfg;
  cfg.scheme = scheme;
  auto sim = std::make_unique<solver::Simulation>(g, z, cfg);
  sim->set_manning(Real(0.035));
  sim->set_depth(h);
  sim->set_uniform_rain(solver::TimeSeries(Real(2e-5)));
  sim->set_loss_model(std::make_shared<solver::GreenAmpt>(g, Real(3e-6), Real(0.1), Real(0.3)));
  sim->add_point_source(g.x_center(15), g.y_center(3), solver::TimeSeries(Real(0.4)), "well");
  solver::BoundaryCondition open;
  open.side = solver::Side::west;
  open.type = solver::BoundaryType::open;
  sim->add_boundary(open);
  solver::BoundaryCondition inflow;
  inflow.side = solver::Side::north;
  inflow.type = solver::BoundaryType::discharge;
  inflow.series = solver::TimeSeries(Real(0.8));
  inflow.from = g.x_center(10);
  inflow.to = g.x_center(14);
  sim->add_boundary(inflow);
  return sim;
}

}  // namespace

int main(int argc, char** argv) {
  parallel::init(&argc, &argv, 60);
  const int rank = parallel::world_rank();
  const solver::Scheme scheme = argc > 1 && std::string(argv[1]) == "second"
                                    ? solver::Scheme::second_order
                                    : solver::Scheme::first_order;
  auto one = make_case(scheme);
  auto split = make_case(scheme);
  const std::shared_ptr<solver::Decomposition> d = parallel::world_decomposition();
  split->set_decomposition(d);
  if (!split->decomposed()) {
    std::printf("run this under mpirun -np 2 or more\n");
    parallel::finalize();
    return 1;
  }
  // Before the first step every process holds the whole state: no communication either way.
  expect_same("stored_volume before stepping", 0, split->stored_volume(), one->stored_volume());
  const Real thresholds[] = {Real(0), Real(1e-3), Real(0.05)};
  const int steps = 60;
  struct Saved {
    Real time = 0;
    long long steps = 0;
    solver::MassBalance balance;
    std::vector<Real> h, qx, qy;
  } saved;
  for (int s = 1; s <= steps; ++s) {
    one->step();
    split->step();
    if (s == 45) {  // no MPI call between the step and the restore
      for (solver::Simulation* sim : {one.get(), split.get()}) {
        sim->restore(saved.time, saved.steps, saved.balance, saved.h, saved.qx, saved.qy);
      }
    }
    if (s == 30) {
      const std::size_t n = one->grid().padded_size();
      saved = {one->time(),
               one->steps(),
               one->mass_balance(),
               std::vector<Real>(one->h(), one->h() + n),
               std::vector<Real>(one->qx(), one->qx() + n),
               std::vector<Real>(one->qy(), one->qy() + n)};
    }
    const solver::Simulation& a = *split;
    expect_same("stored_volume", s, a.stored_volume(), one->stored_volume());
    for (const Real t : thresholds) {
      expect_same("wet_cells", s, static_cast<double>(a.wet_cells(t)),
                  static_cast<double>(one->wet_cells(t)));
    }
    expect_same_balance("mass_balance", s, a.mass_balance(), one->mass_balance());
    if (s % 7 == 0) {
      split->gather_to_root();
      if (rank == 0) {  // alone: the writers' pattern after a gather
        expect_same_balance("gathered mass_balance", s, a.mass_balance(), one->mass_balance());
        expect_same("gathered stored_volume", s, a.stored_volume(), one->stored_volume());
      }
      expect_same("wet_cells after a gather", s, static_cast<double>(a.wet_cells()),
                  static_cast<double>(one->wet_cells()));
      // sum_rows: (1e16 + 1) + 1 ... differs from 1e16 + (1 + 1): row order is kept.
      const int ny = a.grid().ny;
      std::vector<double> rows(2 * static_cast<std::size_t>(ny), 0.0);
      std::vector<double> serial(rows.size());
      for (int j = 0; j < ny; ++j) {
        const auto r = 2 * static_cast<std::size_t>(j);
        serial[r] = j == 0 ? 1e16 : (j % 3 == 0 ? -1.0 : 1.0);
        serial[r + 1] = 0.1 * (j + s);
      }
      const auto [r0, r1] = a.owned_rows();
      for (int j = r0; j < r1; ++j) {
        const auto r = 2 * static_cast<std::size_t>(j);
        rows[r] = serial[r];
        rows[r + 1] = serial[r + 1];
      }
      double totals[2] = {0, 0};
      d->sum_rows(rows, 2, totals);
      double want[2] = {0, 0};
      for (int j = 0; j < ny; ++j) {
        want[0] += serial[2 * static_cast<std::size_t>(j)];
        want[1] += serial[2 * static_cast<std::size_t>(j) + 1];
      }
      expect_same("sum_rows column 0", s, totals[0], want[0]);
      expect_same("sum_rows column 1", s, totals[1], want[1]);
    }
  }
  // The water moved across the blocks: a stale copy of the others' rows would have shown.
  if (!(one->mass_balance().boundary_out > 0 && one->mass_balance().losses > 0)) {
    ++g_failures;
    std::printf("rank %d: the case has no outflow or no losses: it tests too little\n", rank);
  }
  const bool failed = d->any(g_failures > 0);
  if (rank == 0) {
    std::printf("%s order, %d processes, %d steps: %s\n",
                scheme == solver::Scheme::first_order ? "first" : "second", parallel::world_size(),
                steps, failed ? "reductions differ from one process" : "reductions bitwise equal");
  }
  parallel::finalize();
  return failed ? 1 : 0;
}
