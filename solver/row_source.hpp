#pragma once
/// @file row_source.hpp
/// Rows on demand for rank 0's writers under a decomposition (docs/mpi.md, "Memory per
/// process"). Every process holds only its block of rows (Grid::kept_rows), rank 0 included;
/// rank 0 writes the results, checkpoints and VTK files within Simulation::on_root, during
/// which the other processes answer its requests for rows. A writer reading rows [j0, j1) of a
/// field holds them with HeldRows: they are fetched from their owners first and given back to
/// the system afterwards, so rank 0 holds a stripe of the others' rows at a time, not the grid.
#include <initializer_list>
#include <span>

#include "solver/grid.hpp"

namespace floodtwin::solver {

/// The rows of a decomposed run's fields that rank 0 reads while it writes (RootRows in
/// decomposed.cpp).
class RowSource {
 public:
  virtual ~RowSource() = default;
  /// Makes rows [j0, j1) (-1 and ny: the ghost rows) of the padded `fields` current on this
  /// process; a pointer that is not a decomposed field (the mask, a copy) is left alone.
  virtual void load(int j0, int j1, std::span<const void* const> fields) = 0;
  /// Gives the rows [j0, j1) this process does not keep back to the system (they read zero).
  virtual void drop(int j0, int j1) = 0;
};

/// The row source of the Simulation::on_root in progress on this process (rank 0), or null.
[[nodiscard]] RowSource* current_row_source();
/// Set by Simulation::on_root for its duration.
void set_current_row_source(RowSource* source);

/// Rows [j0, j1) of `fields` current while it lives. Without a row source: nothing to do when
/// the process holds every row (one process), and an error (std::logic_error) when it does not
/// (a read of rows it does not hold, outside Simulation::on_root).
class HeldRows {
 public:
  HeldRows(const Grid& grid, int j0, int j1, std::initializer_list<const void*> fields);
  ~HeldRows();
  HeldRows(const HeldRows&) = delete;
  HeldRows& operator=(const HeldRows&) = delete;

 private:
  RowSource* source_;
  int j0_;
  int j1_;
};

/// The number of rows a reader of whole fields holds at a time (HeldRows).
inline constexpr int held_stripe_rows = 64;

}  // namespace floodtwin::solver
