// The second-order step's mid-step halo exchange overlaps the second stage's interior rows
// (solver/stepper.cpp, Simulation::stage's `halo_in`; docs/mpi.md). Run under mpirun -np P
// (P >= 3: the middle block has neighbours on both sides) by CTest.
//
//   floodtwin-mpi-overlap
//
// The decomposition over MPI_COMM_WORLD is wrapped by one that watches the exchanges: when the
// exchange of stage 1's output is posted it copies this process's rows of the state (which
// stage 2 overwrites), and when the wait for it is called it counts the cells that have
// changed since, in the rows that read no halo row and in the block's edge rows (the two rows
// next to a neighbouring block). Rain falls on every cell, so every updated cell changes.
// Overlapped: the interior has changed and no edge row has. Waited for at once (no overlap):
// nothing has changed. The decomposed state after every step is also compared with a run on
// one process, bit for bit. Prints one line per failure and exits 1 when any failed.
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "parallel/mpi_decomposition.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin;
using solver::Real;

namespace {

int g_failures = 0;

void fail(const char* what, long long step, long long value) {
  ++g_failures;
  std::printf("rank %d, step %lld: %s (%lld)\n", parallel::world_rank(), step, what, value);
}

/// Forwards every call to the world decomposition; watches the mid-step exchanges.
class Watching : public solver::Decomposition {
 public:
  explicit Watching(std::shared_ptr<solver::Decomposition> inner) : inner_(std::move(inner)) {}
  const solver::Simulation* sim = nullptr;
  long long step = 0;
  long long mid_waits = 0;  ///< waits for a mid-step exchange seen

  [[nodiscard]] int rank() const override { return inner_->rank(); }
  [[nodiscard]] int size() const override { return inner_->size(); }
  void start_exchange(std::span<Real* const> fields, const solver::Grid& grid, int halo) override {
    mid_step_ = sim != nullptr && fields[0] != sim->h();  // stage 1's output, not the state
    if (mid_step_) {
      const auto [r0, r1] = sim->owned_rows();
      before_.assign(sim->h() + grid.index(-1, r0), sim->h() + grid.index(-1, r1));
    }
    rows()->start_exchange(fields, grid, halo);
  }
  void finish_exchange() override {
    if (mid_step_) {
      ++mid_waits;
      count_changes();
      mid_step_ = false;
    }
    inner_->finish_exchange();
  }
  [[nodiscard]] double max(double value) override { return rows()->max(value); }
  void max_each(std::span<double> values) override { rows()->max_each(values); }
  [[nodiscard]] bool any(bool flag) override { return rows()->any(flag); }
  void allgather_rows(double* values, int per_row) override {
    rows()->allgather_rows(values, per_row);
  }
  void merge_tagged(std::span<double> values, std::span<const int> tagged) override {
    rows()->merge_tagged(values, tagged);
  }
  void gather_to_root(double* field, const solver::Grid& grid) override {
    rows()->gather_to_root(field, grid);
  }
  void gather_to_root(float* field, const solver::Grid& grid) override {
    rows()->gather_to_root(field, grid);
  }
  void exchange_near(std::uint8_t* field, const solver::Grid& grid, int depth) override {
    rows()->exchange_near(field, grid, depth);
  }
  void serve_root(std::span<const solver::ServedField> fields, const solver::Grid& grid,
                  const std::function<void()>& root_work) override {
    rows()->serve_root(fields, grid, root_work);
  }
  void fetch_rows(int r0, int r1, std::uint64_t which) override {
    rows()->fetch_rows(r0, r1, which);
  }

 private:
  std::shared_ptr<solver::Decomposition> inner_;
  bool mid_step_ = false;
  std::vector<Real> before_;

  /// The inner decomposition, with the row blocks Simulation::set_decomposition gave this one.
  solver::Decomposition* rows() {
    if (inner_->begins() != begins()) inner_->set_rows(begins());
    return inner_.get();
  }
  void count_changes() {
    const solver::Grid& g = sim->grid();
    const auto [r0, r1] = sim->owned_rows();
    const int first_interior = rank() > 0 ? r0 + 2 : r0;
    const int end_interior = rank() + 1 < size() ? r1 - 2 : r1;
    long long interior = 0;
    long long edges = 0;
    for (int j = r0; j < r1; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const auto k = static_cast<std::size_t>(g.index(i, j));
        const auto b = static_cast<std::size_t>(g.index(i, j) - g.index(-1, r0));
        if (std::memcmp(sim->h() + k, before_.data() + b, sizeof(Real)) == 0) continue;
        (j >= first_interior && j < end_interior ? interior : edges) += 1;
      }
    }
    if (interior == 0) fail("no interior cell updated before the wait for the halo", step, 0);
    if (edges != 0) fail("edge cells updated before their halo landed", step, edges);
  }
};

std::unique_ptr<solver::Simulation> make_case() {
  solver::Grid g;
  g.nx = 17;
  g.ny = 30;
  g.dx = 6;
  g.dy = 4;
  std::vector<Real> z(g.cell_count()), h(g.cell_count(), Real(0.2));
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
                     static_cast<std::size_t>(i);
      z[c] = static_cast<Real>(0.02 * i + 0.01 * j + 0.03 * std::sin(0.5 * i + 0.9 * j));
      if (j < 12) h[c] = Real(1.1);  // the dam: a wave crosses the blocks
    }
  }
  solver::SolverConfig cfg;
  cfg.scheme = solver::Scheme::second_order;
  auto sim = std::make_unique<solver::Simulation>(g, z, cfg);
  sim->set_manning(Real(0.03));
  sim->set_depth(h);
  sim->set_uniform_rain(solver::TimeSeries(Real(5e-5)));
  return sim;
}

}  // namespace

int main(int argc, char** argv) {
  parallel::init(&argc, &argv, 60);
  auto one = make_case();
  auto split = make_case();
  const auto watch = std::make_shared<Watching>(parallel::world_decomposition());
  split->set_decomposition(watch);
  watch->sim = split.get();
  if (watch->size() < 3) {
    std::printf("run this under mpirun -np 3 or more\n");
    parallel::finalize();
    return 1;
  }
  const int steps = 25;
  for (int s = 1; s <= steps; ++s) {
    watch->step = s;
    one->step();
    split->step();
    const solver::Grid& g = one->grid();
    const auto [r0, r1] = split->owned_rows();
    long long differ = 0;
    for (int j = r0; j < r1; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const auto k = static_cast<std::size_t>(g.index(i, j));
        for (const auto field :
             {&solver::Simulation::h, &solver::Simulation::qx, &solver::Simulation::qy}) {
          differ += std::memcmp((split.get()->*field)() + k, (one.get()->*field)() + k,
                                sizeof(Real)) != 0;
        }
      }
    }
    if (differ != 0) fail("values differ from one process's", s, differ);
  }
  if (watch->mid_waits != steps)
    fail("mid-step waits seen, one a step expected", steps, watch->mid_waits);
  const bool failed = watch->any(g_failures > 0);
  if (watch->rank() == 0) {
    std::printf("%d processes, %d second-order steps: %s\n", watch->size(), steps,
                failed ? "FAILED" : "the mid-step halo lands after the interior rows, bitwise");
  }
  parallel::finalize();
  return failed ? 1 : 0;
}
