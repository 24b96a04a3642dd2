#pragma once
/// @file structures.hpp
/// Structures from vector files burnt into the elevation: building footprints (polygons) and
/// levees or walls (lines). Vectors in another CRS are reprojected on the fly.
#include <span>
#include <string>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain {

enum class BuildingMode {
  raise,  ///< add a height to the cells whose centre lies in a footprint
  block,  ///< make those cells inactive (NaN elevation): water flows around
};

struct BuildingOptions {
  BuildingMode mode = BuildingMode::raise;
  Real height = 10;  ///< height added in `raise` mode [m]
  /// Optional numeric attribute with each footprint's height [m] (overrides `height`).
  std::string height_attribute;
  std::string layer;  ///< layer name; empty for the first layer
};

/// Burns building footprints (polygons of any OGR vector) into `elevation` (nx*ny, row 0
/// north). Cells are those whose centre lies inside a polygon. Inactive cells stay inactive.
/// @return the number of cells changed
std::size_t burn_buildings(const std::string& path, const solver::Grid& grid,
                           const std::string& crs_wkt, std::span<Real> elevation,
                           const BuildingOptions& options = {});

struct LeveeOptions {
  /// Crest height above the ground of each touched cell [m]: z = z + crest_height.
  Real crest_height = 1;
  /// Optional numeric attribute with the absolute crest elevation [m] of each line
  /// (overrides `crest_height`): z = max(z, crest).
  std::string crest_attribute;
  std::string layer;  ///< layer name; empty for the first layer
};

/// Burns levee or wall lines into `elevation`: every cell a line touches (GDAL ALL_TOUCHED,
/// so the wall is watertight for flow between 4-neighbours) is raised to the crest.
/// @return the number of cells changed
std::size_t burn_levees(const std::string& path, const solver::Grid& grid,
                        const std::string& crs_wkt, std::span<Real> elevation,
                        const LeveeOptions& options = {});

}  // namespace floodtwin::terrain
