#pragma once
/// @file twin_file.hpp
/// A basin twin: `twin.toml`, an ordinary scenario plus the keys of the forecast cycle (where
/// warm states and cycles live, where observations and forecast rain come from). Parsed once
/// and checked like a scenario: unknown keys refused with file, line and the closest key;
/// relative paths resolved against the twin file's folder. Keys are documented in
/// docs/twin.md.
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "solver/boundary.hpp"

namespace floodtwin::twin {

/// Rain from gauges (stations + series), gridded rasters, or both. Paths may hold `{cycle}`
/// (forecast files: the cycle time written YYYYmmddTHHMMZ) or `{time}` (observed radar frames,
/// one file per time, written the same way).
struct RainSource {
  std::string stations;  ///< station table (id, x, y); forecast series default to the observed
  std::string
      series;  ///< CSV: time (ISO-8601 or seconds since the clock origin), one column per station
  std::string
      grids;  ///< one multi-band raster (NetCDF/GRIB with a time axis), or a `{time}` pattern
  double grid_interval = 0;  ///< [s] spacing of `{time}` frames
  std::string units = "mm/h";
  std::string interpolation = "idw";
  double idw_power = 2;
  std::string timing = "period-ending";
  std::string station_crs;
  std::optional<double> fallback;  ///< mm/h where no station reports
  int line = 0;
  [[nodiscard]] bool empty() const { return series.empty() && grids.empty(); }
};

/// An observed boundary inflow, `[[observations.inflow]]`.
struct InflowSource {
  solver::Side side = solver::Side::west;
  std::optional<double> from, to;  ///< segment along the side [m]
  std::string series;              ///< observed discharge CSV [m3/s]
  std::string forecast;  ///< forecast discharge CSV (may hold `{cycle}`); "" : persistence
  int line = 0;
};

struct TwinSpec {
  std::string file;                   ///< absolute path of twin.toml
  std::string dir;                    ///< its folder
  std::string text;                   ///< its text
  scenarios::Scenario scenario;       ///< [twin] scenario, loaded and checked
  std::string states;                 ///< folder of warm states
  std::string cycles;                 ///< folder of cycles
  double state_expiry = 5 * 86400.0;  ///< [s]
  double spin_up = 0;                 ///< [s] cold start this long before the first observation
  RainSource observed;
  std::vector<InflowSource> inflows;
  double lead = 6 * 3600.0;  ///< [s]
  RainSource forecast;
  /// Longest tolerated span of T0 after the newest observation [s]: a cycle past it stops with
  /// an error (the analysis would run on no data).
  double max_observation_gap = 6 * 3600.0;
  /// Line of the [ensemble] table (0: none): each cycle also runs an ensemble of its forecast
  /// leg from the T0 state and publishes ensemble.h5 (ensemble/cycle.hpp, docs/ensemble.md).
  int ensemble_line = 0;
};

/// Parses and checks a twin file (and the scenario it names). Throws ConfigError naming the
/// file, line and key; IoError when the file cannot be read.
TwinSpec load_twin(const std::string& path);

/// `{cycle}`/`{time}` in a path replaced by `stamp` (YYYYmmddTHHMMZ).
std::string expand(const std::string& pattern, const std::string& key, const std::string& stamp);

}  // namespace floodtwin::twin
