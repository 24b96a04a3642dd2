#pragma once
/// @file stripe_writer.hpp
/// Writes the float32 grids of a results file (maps [y][x], snapshot rows of [time][y][x]) a
/// stripe of chunk rows at a time, with no whole-grid copy; compressed chunks are filtered on
/// all threads. Part of io/ (includes HDF5); used by results_writer.cpp.
#include <hdf5.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "solver/grid.hpp"

namespace floodtwin::io::detail {

/// The chunk shape and filters the grid variables were created with.
struct StripeLayout {
  int chunk_x = 0;        ///< 0: min(nx, 256)
  int chunk_y = 0;        ///< 0: min(ny, 256)
  int deflate_level = 0;  ///< 0: stored uncompressed
  bool shuffle = false;   ///< byte shuffle before deflate
};

class StripeWriter {
 public:
  /// `file`: the file's name, for messages.
  StripeWriter(const solver::Grid& grid, StripeLayout layout, std::string file);

  /// `row(j, out)` writes the nx values of grid row j; it is called from several threads at
  /// once.
  using Row = std::function<void(int, float*)>;

  /// Writes dataset `d` (variable `var`): the map [y][x], or, when `index` is given, the row
  /// `index` of the snapshot variable [time][y][x] (grown to index + 1). Each stripe covers
  /// whole chunks, so every chunk is filtered once. With compression on, the stripe's chunks
  /// are shuffled and deflated on all threads (io/chunk_filter.hpp) and stored with
  /// H5Dwrite_chunk: the same bytes HDF5's pipeline would store, which runs on one thread
  /// only. Under a decomposition, rank 0 holds each stripe's rows of the padded fields
  /// `reads` (those row() reads) while it fills it (solver/row_source.hpp).
  void write(hid_t d, const char* var, std::optional<hsize_t> index,
             std::initializer_list<const void*> reads, const Row& row);

 private:
  /// Rows [j0, j0 + rows) filled and their chunks (cy x cx, padded with the fill value NaN
  /// past the grid's edges, as HDF5 stores edge chunks) filtered, then stored in order.
  void write_filtered(hid_t d, std::optional<hsize_t> index, int j0, int rows, int cy, int cx,
                      const Row& row, const std::string& what);

  solver::Grid grid_;
  StripeLayout layout_;
  std::string file_;
  std::vector<float> stripe_;                       // chunk rows x nx
  std::vector<std::vector<unsigned char>> packed_;  // a stripe's filtered chunks
};

}  // namespace floodtwin::io::detail
