#pragma once
/// @file channel.hpp
/// Builds one-dimensional test channels: nx cells along x, one row, walls north and south.
#include <functional>
#include <vector>

#include "solver/simulation.hpp"

namespace floodtwin::testing {

using solver::Real;

/// A channel of `nx` cells on [0, length]; the single row is `width` wide so that the CFL
/// condition is set by the x direction.
inline solver::Grid channel_grid(int nx, double length, double width = 1.0e3) {
  return solver::Grid{nx, 1, length / nx, width, 0.0, width};
}

inline std::vector<Real> along_x(const solver::Grid& grid, const std::function<double(double)>& f) {
  std::vector<Real> out(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      out[static_cast<std::size_t>(j * grid.nx + i)] = static_cast<Real>(f(grid.x_center(i)));
    }
  }
  return out;
}

/// L1 norm of (computed - exact) over the cells, divided by the domain length (units of f).
inline double l1_error(const solver::Grid& grid, const std::vector<Real>& computed,
                       const std::function<double(double)>& exact) {
  double s = 0;
  for (int i = 0; i < grid.nx; ++i) {
    s += std::abs(computed[static_cast<std::size_t>(i)] - exact(grid.x_center(i))) * grid.dx;
  }
  return s / (grid.nx * grid.dx);
}

}  // namespace floodtwin::testing
