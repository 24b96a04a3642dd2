#pragma once
/// @file channels.hpp
/// Where rivers enter and run below the grid's resolution: inflows spread over a polygon or a
/// circle (area sources).
///
/// An area source is a discharge series Q(t) [m3/s] shared among the active cells the shape
/// covers, each in proportion to the covered part of its area (exact polygon-rectangle
/// clipping); the shares sum to 1, so the volume entering is exactly the integral of Q
/// (up to rounding). Each share becomes a point source of the solver at that cell.
#include <array>
#include <span>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"
#include "solver/simulation.hpp"
#include "solver/time_series.hpp"

namespace floodtwin::terrain {

using Point2 = std::array<double, 2>;  ///< (x, y) in the grid's CRS

/// One cell's share of an area source.
struct CellShare {
  int i = 0;              ///< column
  int j = 0;              ///< row (0 north)
  double fraction = 0;    ///< share of the discharge (the shares sum to 1)
  double covered = 0;     ///< area of the cell inside the shape [m2]
};

/// Area of a simple polygon (shoelace; positive for either orientation) [m2].
double polygon_area(std::span<const Point2> polygon);

/// The polygon approximating a circle: `segments` vertices on the circle (area within
/// 1 - sin(2 pi / n) / (2 pi / n) of pi r^2: 1.0e-4 relative for 256).
std::vector<Point2> circle_polygon(Point2 center, double radius, int segments = 256);

/// Shares of the active cells (z not NaN; z may be empty: all active) covered by a simple
/// polygon (either orientation), by covered area. Throws InputError naming `what` when the
/// polygon has fewer than 3 vertices, no area, or covers no active cell.
std::vector<CellShare> area_shares(const solver::Grid& grid, std::span<const Real> z,
                                   std::span<const Point2> polygon, const std::string& what);

/// Adds an area source to `sim`: one point source per covered cell carrying its share of
/// `discharge` (same times, after_end and name). Returns the shares.
std::vector<CellShare> add_area_source(solver::Simulation& sim, std::span<const Real> z,
                                       std::span<const Point2> polygon,
                                       const solver::TimeSeries& discharge,
                                       const std::string& name);

}  // namespace floodtwin::terrain
