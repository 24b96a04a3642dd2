#pragma once
/// @file boundary.hpp
/// Boundary conditions on the four sides of the grid, per side and per segment of a side.
#include <limits>
#include <string>
#include <string_view>

#include "solver/real.hpp"
#include "solver/time_series.hpp"

namespace floodtwin::solver {

enum class Side { north, south, east, west };
enum class BoundaryType {
  wall,         ///< no flow through the side (default everywhere)
  open,         ///< free outflow: zero-gradient (transmissive) ghost state
  discharge,    ///< inflow Q(t) [m3/s] spread evenly over the wet-able cells of the segment
  water_level,  ///< free-surface elevation eta(t) [m] imposed in the ghost cells
};

/// One boundary condition on (a segment of) one side.
struct BoundaryCondition {
  Side side = Side::west;
  BoundaryType type = BoundaryType::wall;
  /// Q(t) [m3/s] for `discharge`, eta(t) [m] for `water_level`, unused otherwise.
  TimeSeries series;
  /// Segment along the side in CRS coordinates (y for west/east sides, x for north/south):
  /// the cells whose centres lie in [min(from, to), max(from, to)]. Default: the whole side.
  Real from = -std::numeric_limits<Real>::infinity();
  Real to = std::numeric_limits<Real>::infinity();
};

/// Parses "north" | "south" | "east" | "west"; throws ConfigError otherwise.
Side parse_side(std::string_view text);
/// Parses "wall" | "open" | "discharge" | "water_level"; throws ConfigError otherwise.
BoundaryType parse_boundary_type(std::string_view text);
std::string to_string(Side side);
std::string to_string(BoundaryType type);

}  // namespace floodtwin::solver
