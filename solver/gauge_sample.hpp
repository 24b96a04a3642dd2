#pragma once
/// @file gauge_sample.hpp
/// What a gauge reads at a cell (the results file's gauge series, an ensemble member's).
#include <cstddef>
#include <span>

#include "solver/simulation.hpp"
#include "solver/subgrid_channel.hpp"

namespace floodtwin::solver {

/// A gauge's reading at one cell.
struct GaugeSample {
  double depth = 0;  ///< [m]
  double level = 0;  ///< water level [m]
  double speed = 0;  ///< [m/s]
};

/// The reading at padded cell `k`: NaN for an inactive cell; on a sub-grid channel cell the
/// river's (`river`: Simulation::channel_outputs(), taken once for all gauges; its depth is
/// above the channel bed); else the cell's depth, h + z and |q| / h (0 at or below the dry
/// depth). Under a decomposition call it within Simulation::on_root: the cell's row comes
/// from its owner (row_source.hpp).
GaugeSample sample_gauge(const Simulation& sim, std::size_t k,
                         std::span<const ChannelCellOutput> river);

}  // namespace floodtwin::solver
