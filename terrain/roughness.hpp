#pragma once
/// @file roughness.hpp
/// Manning roughness on the elevation grid: from a raster of n, or from a land-cover raster
/// and a class -> n table (a constant needs no help: Simulation::set_manning(Real)); and
/// other per-cell parameter rasters (Green-Ampt Ks, psi, dtheta; curve numbers).
///
/// Returned fields are nx * ny, row 0 north, like the elevation. Active cells (finite
/// elevation) always get a finite n >= 0; inactive cells get 0.
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain {

/// Reads a per-cell parameter raster onto the grid (resampled with `resampling` when it does
/// not match), checking lo <= value <= hi in every active cell (finite elevation); inactive
/// cells get `inactive_value`.
/// @param what  what the raster is, for messages ("Green-Ampt ks raster")
/// Throws InputError naming `what`, the file and the first bad cell when an active cell has
/// no value (no-data, outside the raster) or one out of range.
std::vector<Real> load_cell_parameter(const std::string& path, const solver::Grid& grid,
                                      const std::string& crs_wkt, std::span<const Real> elevation,
                                      const std::string& what, Real lo = 0,
                                      Real hi = std::numeric_limits<Real>::infinity(),
                                      const std::string& resampling = "near",
                                      Real inactive_value = 0);

/// Reads a Manning n raster [s/m^(1/3)] onto the grid. A raster that does not match the grid
/// is resampled (`resampling`, a gdalwarp name; "near" keeps the original values).
/// Throws InputError naming the file when an active cell gets no value (no-data or outside
/// the raster) or a negative or non-finite n.
std::vector<Real> load_manning(const std::string& path, const solver::Grid& grid,
                               const std::string& crs_wkt, std::span<const Real> elevation,
                               const std::string& resampling = "near");

/// Maps a land-cover raster (integer classes) through `table` (class -> Manning n). A raster
/// that does not match the grid is resampled with "mode" (or "near", as given).
/// Throws InputError listing every class found in active cells that the table lacks (with
/// their cell counts), and naming the file when active cells have no class (no-data).
std::vector<Real> manning_from_landcover(const std::string& path, const solver::Grid& grid,
                                         const std::string& crs_wkt,
                                         std::span<const Real> elevation,
                                         const std::map<int, double>& table,
                                         const std::string& resampling = "mode");

}  // namespace floodtwin::terrain
