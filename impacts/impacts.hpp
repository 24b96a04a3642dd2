#pragma once
/// @file impacts.hpp
/// The pure core of the impacts module: from arrays (max-depth and hazard maps, a zone index per
/// cell, exposure, damage curves) and time series (zone statistics per snapshot, gauge depths,
/// rain) to impacts per warning zone and the levels each zone reaches. No files, no GDAL, no
/// HDF5: the adapters (inputs.hpp, report.hpp, run.hpp) load and write, this computes, and a
/// test can compute the same numbers by hand.
///
/// Cells are numbered c = j * nx + i (row 0 north), as every nx * ny field of floodtwin. A cell
/// belongs to the zone whose polygon contains its centre (rasterize_polygons); zones do not
/// overlap. Definitions (issue 11, docs/impacts.md):
///   - people affected: population of the zone's cells whose max depth > people_depth;
///   - building depth: the largest max depth of its cells (the cells whose centres lie in its
///     footprint, or the cell that holds its point); flooded when depth > floor_height;
///     damage = value * curve(depth - floor_height), the curve linear between its points, 0
///     below its first point and held after its last;
///   - road cut: road length in cells whose max depth > road_depth;
///   - flooded area: area of the zone's cells whose max depth > the flood threshold.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace floodtwin::impacts {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The regular grid of the maps: nx * ny cells, (origin_x, origin_y) the north-west corner.
struct GridGeometry {
  int nx = 0, ny = 0;
  double dx = 1, dy = 1;  ///< cell size [m]
  double origin_x = 0, origin_y = 0;
  [[nodiscard]] std::size_t cells() const {
    return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  }
  [[nodiscard]] double cell_area() const { return dx * dy; }
};

/// A point in the grid's CRS.
struct Point {
  double x = 0, y = 0;
};
/// A polygon: its rings (exterior and holes, any orientation), filled by the even-odd rule.
using Ring = std::vector<Point>;
using Polygon = std::vector<Ring>;
using Line = std::vector<Point>;

/// The cells whose centres lie inside the polygons (even-odd over all rings of one polygon;
/// a cell in several polygons of the list appears once per polygon). Sorted within a polygon.
std::vector<std::uint32_t> rasterize_polygons(const GridGeometry& grid,
                                              std::span<const Polygon> polygons);

/// The cell that holds a point, or -1 outside the grid.
std::int64_t cell_of(const GridGeometry& grid, Point p);

/// Road length per cell: pieces of lines clipped exactly to the cells.
struct RoadPieces {
  std::vector<std::uint32_t> cell;  ///< cell index, increasing, unique
  std::vector<double> length;       ///< [m] of road in that cell
};
RoadPieces road_pieces(const GridGeometry& grid, std::span<const Line> lines);

/// A depth-damage curve: damage fraction of the value at a depth above the floor.
struct DamageCurve {
  std::string occupancy;
  std::vector<double> depth;     ///< [m], strictly increasing
  std::vector<double> fraction;  ///< [0, 1], non-decreasing
};
/// Linear between the points, 0 below the first depth, the last fraction after the last.
double curve_fraction(const DamageCurve& curve, double depth);
/// The default curves: JRC global flood depth-damage functions for Europe (Huizinga et al.
/// 2017, EUR 28552 EN, doi:10.2760/16510), residential, commercial and industrial buildings.
const std::vector<DamageCurve>& default_damage_curves();

/// Buildings as structure of arrays; cells in compressed rows (building b has the cells
/// cells[offsets[b]] .. cells[offsets[b+1] - 1], at least one).
struct Buildings {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> cells;
  std::vector<std::uint32_t> anchor;  ///< the cell of its point (or point on its surface)
  std::vector<std::int32_t> curve;    ///< index into the curves
  std::vector<double> value;          ///< replacement value [currency]
  std::vector<double> floor_height;   ///< [m] above the ground
  [[nodiscard]] std::size_t size() const { return value.size(); }
};

/// FD2320 hazard classes of a rating HR (as the hazard maps): low < 0.75 <= moderate < 1.25
/// <= significant < 2.0 <= extreme.
int hazard_class(double rating);
inline constexpr std::array<const char*, 4> hazard_class_names{"low", "moderate", "significant",
                                                               "extreme"};

/// Everything the zone impacts read; spans are nx * ny unless said otherwise.
struct ExposureInputs {
  GridGeometry grid;
  std::span<const double> max_depth;   ///< [m], NaN inactive
  std::span<const double> max_hazard;  ///< rating [-]; empty: no hazard classes
  std::span<const std::int32_t> zone;  ///< zone index per cell, -1 outside every zone
  std::size_t zone_count = 0;
  std::span<const double> population;  ///< people per cell; empty: none
  std::span<const double> assets;      ///< asset value per cell; empty: none
  /// Damage curve of the assets (value x curve(max depth)); null: the whole value of a cell
  /// deeper than people_depth.
  const DamageCurve* assets_curve = nullptr;
  const Buildings* buildings = nullptr;
  std::span<const DamageCurve> curves;
  const RoadPieces* roads = nullptr;
  double flood_threshold = 0.1;  ///< [m]
  double people_depth = 0.1;     ///< [m]
  double road_depth = 0.3;       ///< [m]
};

struct ZoneImpact {
  std::size_t cells = 0;
  double flooded_area = 0;  ///< [m2]
  double max_depth = 0;     ///< [m]
  double population = 0;    ///< people living in the zone
  double people_affected = 0;
  std::array<double, 4> people_by_hazard{};  ///< affected people by hazard class
  std::size_t buildings = 0, buildings_flooded = 0;
  double damage = 0;       ///< [currency]
  double roads_m = 0;      ///< road length in the zone [m]
  double roads_cut_m = 0;  ///< [m]
  double assets = 0;          ///< asset value in the zone
  double assets_damaged = 0;  ///< value damaged (ExposureInputs::assets_curve)
};

/// Impacts per zone; element zone_count holds the totals over all zones. Serial and in a fixed
/// order: the same sums on every machine.
std::vector<ZoneImpact> zone_impacts(const ExposureInputs& in);

/// Per zone, per snapshot: max depth and flooded area (depth > threshold).
struct ZoneSnapshotStats {
  std::vector<double> max_depth;     ///< [zone]
  std::vector<double> flooded_area;  ///< [zone] [m2]
};
ZoneSnapshotStats zone_snapshot_stats(std::span<const double> depth,
                                      std::span<const std::int32_t> zone, std::size_t zone_count,
                                      double threshold, double cell_area);

/// Share (0-1) of each zone's cells deeper than `depth_threshold` [m] (strictly), for the
/// `depth_share` indicator; 0 for a zone without cells.
std::vector<double> zone_depth_share(std::span<const double> depth,
                                     std::span<const std::int32_t> zone, std::size_t zone_count,
                                     double depth_threshold);

/// Mean of a field over each zone's cells (NaN cells skipped; NaN for a zone without cells).
std::vector<double> zone_means(std::span<const double> field, std::span<const std::int32_t> zone,
                               std::size_t zone_count);

/// Areal rain [mm] over a past window: piecewise-constant rates[k] [m/s] over
/// [bounds[k], bounds[k+1]), integrated over [t - window, t] for each t of `times`.
std::vector<double> past_rain_mm(std::span<const double> bounds, std::span<const double> rates,
                                 std::span<const double> times, double window);

/// What a level indicator does over time.
struct LevelOutcome {
  bool reached = false;
  double first_time = nan;  ///< first sample time with value >= threshold [s]
  double peak = nan;        ///< the largest value
  double peak_time = nan;   ///< its (first) time [s]
  double duration = 0;      ///< time at or above the threshold [s] (sample and hold)
};

/// Evaluates a threshold on samples (t[k], v[k]), t increasing: reached when some v >= value.
/// Duration: sum of t[k+1] - t[k] over samples k at or above it (the last sample adds nothing).
/// `map_peak`/`map_peak_time` (NaN: none) are a peak known between samples (the max-depth map):
/// when larger than the samples' it is the peak, and reaching the threshold only there sets
/// first_time to map_peak_time.
LevelOutcome evaluate_threshold(std::span<const double> t, std::span<const double> v, double value,
                                double map_peak = nan, double map_peak_time = nan);

/// Seconds since 1970-01-01T00:00:00Z as ISO 8601 ("2024-01-01T06:30:00Z"); `utc_suffix`
/// replaces the "Z" (CAP wants "-00:00"). Whole seconds; empty for NaN.
std::string iso_time(double epoch_seconds, const std::string& utc_suffix = "Z");

}  // namespace floodtwin::impacts
