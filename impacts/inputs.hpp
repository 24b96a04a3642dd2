#pragma once
/// @file inputs.hpp
/// Loading the [impacts] inputs onto a grid (the GDAL/OGR edge of the module): zones, buildings
/// and roads from any OGR vector (reprojected to the grid's CRS), population from any GDAL
/// raster (resampled keeping totals), and the CSV tables (levels, plan, damage curves).
/// Errors name the file and the line (CSV) or feature (vectors), the value and what was
/// expected: InputError for bad content, IoError for unreadable files.
#include <cstdint>
#include <string>
#include <vector>

#include "impacts/impacts.hpp"
#include "impacts/warnings.hpp"

namespace floodtwin::impacts {

struct Zones {
  std::string path;
  std::vector<std::string> id, name;
  std::vector<long long> feature;              ///< OGR feature id, for messages
  std::vector<std::vector<Polygon>> polygons;  ///< in the grid's CRS
  std::vector<std::int32_t> cell_zone;         ///< per cell, -1 outside every zone
  [[nodiscard]] std::size_t size() const { return id.size(); }
  /// Index of a zone id, -1 when unknown.
  [[nodiscard]] long index(const std::string& zone_id) const;
};

/// Zones: polygons with attributes `id` (text or integer) and `name` (optional, default the
/// id). Refused: no `id` field, empty or duplicate ids, geometries that are not polygons, a
/// zone outside the grid (the usual sign of a wrong CRS), zones that share a cell, a file in a
/// geographic CRS for a grid without one.
Zones load_zones(const std::string& path, const GridGeometry& grid, const std::string& crs_wkt);

/// levels.csv: zone,level,indicator,value[,gauge][,duration]. `gauges` are the station names
/// of the results file (gauge_depth must name one); rain needs a duration.
std::vector<LevelRule> load_levels(const std::string& path, const Zones& zones,
                                   const std::vector<std::string>& gauges);

/// plan.csv: zone,level,action,responsible,lead_time; the zone and its level must be in the
/// levels table.
std::vector<PlanRow> load_plan(const std::string& path, const Zones& zones,
                               const std::vector<LevelRule>& levels);

/// curves.csv: occupancy,depth,fraction. Per occupancy, depths must increase strictly and
/// fractions must not decrease and lie in [0, 1].
std::vector<DamageCurve> load_damage_curves(const std::string& path);

/// Buildings: points or footprints with `occupancy` (a curve's name), `value` (>= 0) and
/// optional `floor_height` (m, default 0).
Buildings load_buildings(const std::string& path, const GridGeometry& grid,
                         const std::string& crs_wkt, const std::vector<DamageCurve>& curves);

/// Roads: lines (or multi-lines), clipped to the cells.
RoadPieces load_roads(const std::string& path, const GridGeometry& grid,
                      const std::string& crs_wkt);

/// Population (people per cell) on the grid: read as is when the raster is the grid, else
/// warped with GDAL's `sum` resampling (totals kept). No-data is 0.
std::vector<double> load_population(const std::string& path, const GridGeometry& grid,
                                    const std::string& crs_wkt);
/// Asset value per cell, as the population (resampled with `sum`, which keeps totals).
std::vector<double> load_assets(const std::string& path, const GridGeometry& grid,
                                const std::string& crs_wkt);

/// The zones' outer rings in WGS 84 (x = longitude, y = latitude). Empty when the grid has no
/// CRS.
std::vector<std::vector<Ring>> zones_wgs84(const Zones& zones, const std::string& crs_wkt);

}  // namespace floodtwin::impacts
