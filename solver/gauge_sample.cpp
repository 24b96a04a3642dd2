/// @file gauge_sample.cpp
#include "solver/gauge_sample.hpp"

#include <cmath>
#include <limits>

#include "solver/row_source.hpp"

namespace floodtwin::solver {

GaugeSample sample_gauge(const Simulation& sim, std::size_t k,
                         std::span<const ChannelCellOutput> river) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (sim.mask()[k] != cell_active) return {nan, nan, nan};
  const std::ptrdiff_t c =
      river.empty() ? -1 : sim.channels()->find(static_cast<std::ptrdiff_t>(k));
  if (c >= 0) {
    const ChannelCellOutput& o = river[static_cast<std::size_t>(c)];
    return {o.depth, o.level, o.speed};
  }
  const Grid& grid = sim.grid();
  const int row = static_cast<int>(k / static_cast<std::size_t>(grid.stride())) - Grid::ghost;
  const HeldRows held(grid, row, row + 1, {sim.h(), sim.z(), sim.qx(), sim.qy()});
  const double h = sim.h()[k];
  const double qx = sim.qx()[k];
  const double qy = sim.qy()[k];
  return {h, h + static_cast<double>(sim.z()[k]),
          h > sim.config().dry_depth ? std::sqrt(qx * qx + qy * qy) / h : 0.0};
}

}  // namespace floodtwin::solver
