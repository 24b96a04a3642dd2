#pragma once
/// @file scenario.hpp
/// A scenario: one TOML file parsed once into plain structs and validated before anything is
/// allocated. Paths are resolved relative to the scenario file. The key names are public
/// interface (see docs/scenario.md).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "solver/boundary.hpp"
#include "solver/real.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::scenarios {

using solver::Real;

/// Sane ranges of scenario values (docs/scenario.md, "Limits"): a value outside is refused
/// with the key and the range, before anything is loaded.
namespace limits {
inline constexpr double max_duration = 3650.0 * 86400;  ///< [s], ten years
inline constexpr double min_interval = 1e-3;            ///< output and gauge intervals [s]
inline constexpr double max_snapshots = 1e6;            ///< duration / output_interval
inline constexpr double max_gauge_samples = 1e7;        ///< duration / gauge_interval
inline constexpr double min_max_dt = 1e-4;              ///< [s]
inline constexpr double max_max_dt = 86400;             ///< [s]
inline constexpr double max_steps = 1e9;                ///< duration / max_dt
inline constexpr double min_cell_size = 1e-3;           ///< resampling cell size [m]
inline constexpr double max_cell_size = 1e5;            ///< resampling cell size [m]
inline constexpr double max_discharge = 1e6;    ///< |discharge| of boundaries, sources [m3/s]
inline constexpr double max_water_level = 1e4;  ///< |water level| [m]
inline constexpr double max_rain = 5000;        ///< rain intensity [mm/h]
}  // namespace limits

/// A number, or a raster path (resolved against the scenario's folder).
struct NumberOrRaster {
  std::optional<double> number;
  std::string path;
  [[nodiscard]] bool is_raster() const { return !path.empty(); }
};

/// A constant, or a CSV time series path (time, value).
struct NumberOrSeries {
  std::optional<double> number;
  std::string path;
  /// What a series gives past its last time: "error" (default: a run past it is refused),
  /// "hold" or "zero" (solver::AfterEnd). Only for series, not constants.
  std::string after_end = "error";
};

struct BoundarySpec {
  solver::Side side = solver::Side::west;
  solver::BoundaryType type = solver::BoundaryType::wall;
  NumberOrSeries series;  ///< m3/s (discharge) or m (water_level)
  std::optional<double> from, to;
  int line = 0;  ///< line of the [[boundary]] table in the file
};

struct PointSourceSpec {
  std::string name;
  double x = 0, y = 0;
  NumberOrSeries series;  ///< m3/s
  int line = 0;
  /// An area source instead of a point (terrain/channels.hpp): the discharge spread over the
  /// cells this polygon covers ([[x, y], ...]), or over a circle (center + radius > 0).
  std::vector<std::array<double, 2>> polygon;
  std::optional<std::array<double, 2>> center;
  double radius = 0;
  /// Into a channel instead ([[channel]] of this name): the source goes to the channel cell
  /// nearest `chainage` [m along its centreline from the first vertex].
  std::string channel;
  double chainage = 0;
};

/// A [[channel]]: a river narrower than a cell, a sub-grid channel (solver/subgrid_channel.hpp,
/// the default) or burnt into the grid (terrain/channel_burn.hpp).
struct ChannelFileSpec {
  std::string name;
  std::string centreline;  ///< OGR lines file (key `line`); empty: `vertices`
  std::string layer;       ///< its layer; empty: the first
  /// Inline centreline [[x, y], ...] or [[x, y, width, bed], ...] (a per-vertex profile).
  std::vector<std::array<double, 2>> vertices;
  std::vector<double> vertex_widths, vertex_beds;  ///< per vertex, when given
  double width = 0;     ///< constant width [m]
  double depth = 0;     ///< constant bank-full depth below the DEM [m]
  std::string profile;  ///< CSV chainage,width,bed
  double manning = 0.03;
  double design_depth = 0;  ///< [m]; 0: the local bank-full depth (burn only)
  std::string model = "subgrid";  ///< "subgrid" | "burn"
  int line = 0;
};

/// A [[cross_section]]: discharge through a polyline (solver/cross_section.hpp).
struct CrossSectionSpec {
  std::string name;
  std::vector<std::array<double, 2>> points;  ///< [[x, y], ...] in the grid's CRS
  int line = 0;
};

struct GaugeSpec {
  std::string name;
  double x = 0, y = 0;
  std::optional<double> warning_depth;  ///< warn when depth exceeds this [m]
  std::optional<double> warning_level;  ///< warn when the water level exceeds this [m]
  int line = 0;
};

/// [impacts]: warning zones, levels, exposure, damage curves and the contingency plan (see
/// docs/scenario.md and impacts/README.md). Paths are resolved against the scenario's folder.
struct ImpactsSpec {
  std::string zones;                 ///< polygons with attributes id (text) and name (required)
  std::string levels;                ///< CSV zone,level,indicator,value[,gauge][,duration]
  std::string population;            ///< raster of people per cell
  std::string buildings;             ///< points or footprints: occupancy, value, floor_height
  std::string damage_curves;         ///< CSV occupancy,depth,fraction; empty: the JRC defaults
  std::string roads;                 ///< lines
  std::string plan;                  ///< CSV zone,level,action,responsible,lead_time
  std::string assets;                ///< raster of asset value per cell (any currency)
  /// Occupancy of the damage curves for the assets; empty: a cell's whole value counts as
  /// damaged when its max depth exceeds people_depth.
  std::string assets_curve;
  double people_depth = 0.1;         ///< [m]; default: [output] flood_threshold
  double road_depth = 0.3;           ///< [m]
  std::string sender = "floodtwin";  ///< CAP <sender>
  int line = 0;                      ///< line of the [impacts] table
};

struct Scenario {
  std::string file;  ///< absolute path of the TOML file
  std::string dir;   ///< its folder
  std::string text;  ///< the file's text (recorded in results)
  /// Legal but suspicious settings, for the notes `run` and `validate` print.
  std::vector<std::string> warnings;

  // [simulation]
  double duration = 0;         ///< [s]
  double output_interval = 0;  ///< [s]
  solver::Scheme scheme = solver::Scheme::second_order;
  solver::Limiter limiter = solver::Limiter::van_leer;  ///< the second order's slope limiter
  double cfl = 0;  ///< 0: the scheme's default, solver::positivity_cfl (0.75 / 0.5)
  double max_dt = 10;
  int local_levels = 0;  ///< local time stepping: up to 2^levels global steps per cell step
  std::string start = "1970-01-01T00:00:00Z";  ///< ISO-8601 datetime of t = 0
  double gauge_interval = 0;                   ///< [s]; 0: the output interval

  // [terrain]
  std::string elevation;
  double cell_size = 0;  ///< resample to this cell size [m]; 0: native
  std::string resampling = "bilinear";
  std::string basin;  ///< polygon clipping the domain
  NumberOrRaster manning{0.035, ""};
  std::string landcover;  ///< land-cover raster (with landcover_manning)
  std::map<int, double> landcover_manning;
  NumberOrRaster initial_depth{0.0, ""};
  std::optional<NumberOrRaster> initial_water_level;
  std::string initial_state;  ///< hot start from a previous results/checkpoint file
  std::string buildings;
  std::string buildings_mode = "raise";
  double buildings_height = 10;
  std::string levees;
  double levee_crest_height = 1;
  /// Hydrological conditioning of the DEM (terrain/conditioning.hpp): "none", "fill",
  /// "breach" or "fill+breach";
  /// depressions deeper [m] or larger [m3] than the limits are kept (0: no limit).
  std::string condition = "none";
  double condition_max_depth = 0;
  double condition_max_volume = 0;
  /// "breach" / "fill+breach" (breaching first, then filling what is left): limits of a cut,
  /// deepest [m], longest [m], volume [m3] (0: no limit).
  double breach_max_depth = 0;
  double breach_max_length = 0;
  double breach_max_volume = 0;

  // [rainfall]
  std::string rain_stations, rain_series, rain_uniform, rain_grids;
  std::string rain_units = "mm/h";
  std::string rain_interpolation = "idw";
  double rain_idw_power = 2;
  std::string rain_timing = "period-ending";
  /// Past the last rain interval: "error" (default), "hold" (the last interval's rain) or
  /// "zero" (no more rain).
  std::string rain_after_end = "error";
  std::string rain_station_crs;  ///< CRS of station coordinates if not the DEM's (e.g. EPSG:4326)
  std::optional<double> rain_fallback;  ///< mm/h where no station has a value

  // [infiltration]
  std::string infiltration_model;  ///< "", "green-ampt" or "scs-cn"
  NumberOrRaster ks{0.0, ""}, psi{0.0, ""}, dtheta{0.0, ""}, curve_number{0.0, ""};
  double initial_abstraction_ratio = 0.2;

  std::vector<BoundarySpec> boundaries;
  std::vector<PointSourceSpec> point_sources;
  std::vector<GaugeSpec> gauges;
  std::vector<CrossSectionSpec> cross_sections;
  std::vector<ChannelFileSpec> channels;

  // [output]
  std::string output = "results.nc";
  double flood_threshold = 0.1;
  int compression = 4;  ///< deflate level 0-9
  std::string vtk_dir;  ///< write a VTK time series here too ("" : none)

  // [impacts]
  std::optional<ImpactsSpec> impacts;
};

/// Parses and validates a scenario file. Throws ConfigError naming file, line and key (and
/// the closest known key for a misspelt one), IoError when the file cannot be read.
/// Referenced input files must exist.
Scenario load_scenario(const std::string& path);

/// Parses a duration: a number of seconds, or a number with a unit s, min, h, d
/// ("90s", "10min", "6h", "2d", "1.5h"). Throws ConfigError naming `what`.
double parse_duration(const std::string& text, const std::string& what);

/// The known key closest to `key` (Levenshtein distance at most 3), or "".
std::string closest_key(const std::string& key, const std::vector<std::string>& known);

}  // namespace floodtwin::scenarios
