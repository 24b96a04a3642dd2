#pragma once
/// @file decomposition.hpp
/// How a Simulation's rows are shared among processes, and the few collective operations a
/// decomposed step needs. The solver depends only on this interface; the default (`Serial`) is
/// one process owning every row. `parallel/` implements it with MPI (docs/mpi.md).
///
/// Row-block decomposition: process p owns the grid rows [begins[p], begins[p+1]). Every
/// process keeps the full padded layout (grid.hpp) but fills only its kept rows (the block
/// and a margin: Grid::kept_rows, field_memory.hpp); it computes only its own rows, and the
/// rows next to its block (the halo, as deep as the stencil reaches) are copied from their
/// owners after every stage. Sums stay bitwise those of one process: per-row partial sums are
/// gathered whole (allgather_rows) and added up in row order, as the serial code does.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::solver {

/// Splits `weights.size()` rows into `parts` contiguous blocks of about equal weight (e.g. the
/// active cells of each row plus one), each at least `min_rows` rows: begins[0] = 0,
/// begins[parts] = rows. Throws InputError when rows < parts * min_rows.
std::vector<int> split_rows(std::span<const double> weights, int parts, int min_rows);

/// A padded field whose rows rank 0 may fetch within Decomposition::serve_root.
struct ServedField {
  void* data = nullptr;
  std::size_t value_bytes = 0;  ///< bytes of one value (a row is grid.stride() values)
};

class Decomposition {
 public:
  virtual ~Decomposition() = default;
  [[nodiscard]] virtual int rank() const { return 0; }
  [[nodiscard]] virtual int size() const { return 1; }

  /// The row blocks (split_rows); set by Simulation::set_decomposition.
  void set_rows(std::vector<int> begins) { begins_ = std::move(begins); }
  [[nodiscard]] const std::vector<int>& begins() const { return begins_; }
  [[nodiscard]] int first_row() const { return begins_[static_cast<std::size_t>(rank())]; }
  [[nodiscard]] int end_row() const { return begins_[static_cast<std::size_t>(rank()) + 1]; }
  /// The process owning grid row j (in [0, ny)).
  [[nodiscard]] int owner(int j) const;

  /// Halo exchange of padded fields (stride nx + 2): the `halo` rows above and below this
  /// process's block receive their owners' values, and this process sends its edge rows.
  /// start_exchange posts the messages; finish_exchange waits for them (work on rows that
  /// need no halo may go in between).
  virtual void start_exchange(std::span<Real* const> /*fields*/, const Grid& /*grid*/,
                              int /*halo*/) {}
  virtual void finish_exchange() {}
  /// The largest `value` over all processes.
  [[nodiscard]] virtual double max(double value) { return value; }
  /// Element-wise: values[e] becomes the largest values[e] over all processes.
  virtual void max_each(std::span<double> /*values*/) {}
  /// True on every process when `flag` is true on any.
  [[nodiscard]] virtual bool any(bool flag) { return flag; }
  /// `values` holds `per_row` numbers for each grid row [0, ny), row-major: afterwards every
  /// process holds the owners' numbers of every row.
  virtual void allgather_rows(double* /*values*/, int /*per_row*/) {}
  /// Collective sum over the grid rows, bitwise the one a single process forms. `values` holds
  /// `per_row` numbers for each grid row [0, ny), row-major, of which this process has filled
  /// its own rows' (begins()); afterwards every process holds every row's numbers (as
  /// allgather_rows leaves them) and totals[c] (c < per_row) is the sum of the rows' c-th
  /// numbers added in row order 0..ny-1, from 0: the same additions as one process's.
  void sum_rows(std::span<double> values, int per_row, std::span<double> totals);
  /// values[e] belongs to grid row rows[e]: afterwards every process holds, for every e, the
  /// value of row rows[e]'s owner.
  virtual void merge_tagged(std::span<double> /*values*/, std::span<const int> /*rows*/) {}
  /// Rank 0 receives the rows of padded `field` owned by the other processes (the ghost row
  /// north of the grid from the first block, south of it from the last). For fields of
  /// either precision (the flood maps keep some in float: flood_maps.hpp).
  virtual void gather_to_root(double* /*field*/, const Grid& /*grid*/) {}
  virtual void gather_to_root(float* /*field*/, const Grid& /*grid*/) {}
  /// Every process receives the rows of padded byte `field` within `depth` rows of its block
  /// (rows -1..ny) from their owners, however many blocks that spans (the ghost row north of
  /// the grid belongs to the first block, the one south of it to the last): a per-cell code
  /// needed farther than the halo reaches (local time steps' levels: local_steps.cpp).
  virtual void exchange_near(std::uint8_t* /*field*/, const Grid& /*grid*/, int /*depth*/) {}
  /// Collective: rank 0 runs `root_work`, within which fetch_rows copies rows of `fields`
  /// (the same list, in the same order, on every process) from their owners; every other
  /// process answers those requests until root_work returns or throws (row_source.hpp).
  virtual void serve_root(std::span<const ServedField> /*fields*/, const Grid& /*grid*/,
                          const std::function<void()>& root_work) {
    root_work();
  }
  /// On rank 0 within serve_root: padded rows [r0, r1) (row -1 of the grid is 0, ny is
  /// ny + 1) of the fields whose bit (1 << their index in the list) is set in `which`, from
  /// the processes owning them (the first block owns padded row 0, the last row ny + 1).
  virtual void fetch_rows(int /*r0*/, int /*r1*/, std::uint64_t /*which*/) {}

 protected:
  std::vector<int> begins_{0, 0};
};

/// One process owning every row: no communication.
using SerialDecomposition = Decomposition;

}  // namespace floodtwin::solver
