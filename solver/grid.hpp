#pragma once
/// @file grid.hpp
/// The regular raster grid and the one index helper used for all index arithmetic.
///
/// Layout (the same for every field of the solver):
///
///          i = -1   0   1  ...  nx-1  nx        x (east) ->
///   j = -1   g    g   g  ...   g     g         <- ghost row (north of the domain)
///   j =  0   g    c   c  ...   c     g         <- northern row of the DEM
///   ...
///   j = ny-1 g    c   c  ...   c     g         <- southern row
///   j = ny   g    g   g  ...   g     g         <- ghost row
///                                              y (north) points up, rows grow southwards
///
/// Each field is one contiguous row-major buffer of (nx + 2) x (ny + 2) values with one
/// ghost layer (`ghost` = 1) on every side. Row 0 is the northern row, as in a north-up
/// GDAL raster, and `origin_x`, `origin_y` are the north-west corner of cell (0, 0), as in a
/// geotransform. Cell (i, j) has its centre at
///   x = origin_x + (i + 0.5) dx,   y = origin_y - (j + 0.5) dy.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "solver/real.hpp"

namespace floodtwin::solver {

struct Grid {
  int nx = 0;           ///< cells west-east
  int ny = 0;           ///< cells north-south
  Real dx = 1;          ///< cell size west-east [m]
  Real dy = 1;          ///< cell size north-south [m]
  Real origin_x = 0;    ///< x of the north-west corner [CRS units, m]
  Real origin_y = 0;    ///< y of the north-west corner [CRS units, m]

  static constexpr int ghost = 1;

  /// Rows [keep_first, keep_end) of the padded fields (-1..ny) that this process fills: under
  /// a decomposition, its block and a margin (docs/mpi.md, "Memory per process"). Fields keep
  /// the full padded size and layout, but setters, constructors and derived fields write
  /// only these rows; the others read as zero and take no memory (field_memory.hpp). The
  /// default, and one process: every row.
  int keep_first = -1;
  int keep_end = std::numeric_limits<int>::max();

  /// Distance in memory between vertically adjacent cells.
  [[nodiscard]] std::ptrdiff_t stride() const { return nx + 2 * ghost; }
  /// Number of values in one padded field.
  [[nodiscard]] std::size_t padded_size() const {
    return static_cast<std::size_t>(nx + 2 * ghost) * static_cast<std::size_t>(ny + 2 * ghost);
  }
  /// Number of interior cells.
  [[nodiscard]] std::size_t cell_count() const {
    return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  }
  /// Offset of cell (i, j) in a padded field; i in [-1, nx], j in [-1, ny].
  [[nodiscard]] std::ptrdiff_t index(int i, int j) const {
    return static_cast<std::ptrdiff_t>(j + ghost) * stride() + (i + ghost);
  }
  /// The kept rows, clamped to the padded rows [-1, ny + 1).
  [[nodiscard]] std::pair<int, int> kept_rows() const {
    return {std::max(-1, keep_first), std::min(ny + 1, keep_end)};
  }
  /// True when every row is kept.
  [[nodiscard]] bool keeps_all() const { return keep_first <= -1 && keep_end >= ny + 1; }
  /// The kept interior rows, clamped to [0, ny).
  [[nodiscard]] std::pair<int, int> kept_interior_rows() const {
    return {std::max(0, keep_first), std::min(ny, keep_end)};
  }
  /// Interior offsets [first, end) (c = j * nx + i) of the kept interior rows.
  [[nodiscard]] std::pair<std::size_t, std::size_t> kept_cells() const {
    const auto [j0, j1] = kept_interior_rows();
    const auto n = static_cast<std::size_t>(nx);
    return {static_cast<std::size_t>(j0) * n, static_cast<std::size_t>(std::max(j0, j1)) * n};
  }
  /// Padded offsets [first, end) (index(-1, j0) .. index(-1, j1)) of the kept rows.
  [[nodiscard]] std::pair<std::size_t, std::size_t> kept_offsets() const {
    const auto [j0, j1] = kept_rows();
    return {static_cast<std::size_t>(index(-1, j0)),
            static_cast<std::size_t>(index(-1, std::max(j0, j1)))};
  }
  [[nodiscard]] Real cell_area() const { return dx * dy; }
  [[nodiscard]] Real x_center(int i) const { return origin_x + (Real(i) + Real(0.5)) * dx; }
  [[nodiscard]] Real y_center(int j) const { return origin_y - (Real(j) + Real(0.5)) * dy; }

  /// Throws InputError naming the offending member when the grid is not usable.
  void validate() const;
};

}  // namespace floodtwin::solver
