#include "solver/grid.hpp"

#include <cmath>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::solver {

void Grid::validate() const {
  std::ostringstream msg;
  if (nx < 1 || ny < 1) {
    msg << "grid: nx and ny must be at least 1, got nx = " << nx << ", ny = " << ny;
  } else if (!(std::isfinite(dx) && dx > 0)) {
    msg << "grid: dx must be a positive finite cell size, got " << dx;
  } else if (!(std::isfinite(dy) && dy > 0)) {
    msg << "grid: dy must be a positive finite cell size, got " << dy;
  } else if (!std::isfinite(origin_x) || !std::isfinite(origin_y)) {
    msg << "grid: origin must be finite, got (" << origin_x << ", " << origin_y << ")";
  } else if (static_cast<double>(nx + 2) * static_cast<double>(ny + 2) > 4.0e9) {
    msg << "grid: " << nx << " x " << ny << " cells is too large (at most 4e9 cells)";
  } else {
    return;
  }
  throw InputError(msg.str());
}

}  // namespace floodtwin::solver
