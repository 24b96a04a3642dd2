#pragma once
/// @file observations.hpp
/// What a forecast cycle reads as forcing, as the files are now (late data included): gauge
/// rain with each station's last report, radar frames (one stack, or one file per time with
/// gaps and corrupt frames named), observed inflows, and the forecast rain's fields. Problems
/// are appended to `issues` with the rule applied (docs/twin.md); errors that make a cycle
/// unsafe are thrown.
#include <limits>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "solver/grid.hpp"
#include "solver/time_series.hpp"
#include "terrain/gauges.hpp"
#include "terrain/rainfall.hpp"
#include "twin/cycle.hpp"
#include "twin/twin_file.hpp"

namespace floodtwin::twin {

terrain::RainTiming timing_of(const std::string& text);
terrain::RainUnits units_of(const std::string& text);

/// Observed gauge rain as read now: the table, the stations, and the span of rows with any
/// value at or before the cycle's T0.
struct GaugeObservations {
  std::vector<terrain::Station> stations;
  terrain::SeriesTable table;
  double first = std::numeric_limits<double>::infinity();    ///< [s since the origin]
  double newest = -std::numeric_limits<double>::infinity();  ///< [s since the origin]
};

/// The station table of a rain source, in the grid's CRS.
std::vector<terrain::Station> stations_of(const RainSource& r, const std::string& crs_wkt);

/// Reads the gauge series (rows after `t0_limit` ignored for the span); a station that stopped
/// reporting is a "gauge_stale" issue.
GaugeObservations read_gauges(const RainSource& r, const scenarios::Scenario& s,
                              const std::string& crs_wkt, double t0_limit,
                              std::vector<DataIssue>& issues, double origin);

/// Gauge rain interpolated on the grid (units, interpolation, timing, fallback of `r`).
terrain::RainfallField gauge_field(const solver::Grid& grid, const RainSource& r,
                                   const std::vector<terrain::Station>& stations,
                                   const terrain::SeriesTable& table);

/// Radar frames: pieces of rain with their windows, and the span they cover.
struct RadarObservations {
  std::vector<terrain::RainfallField::Piece> pieces;
  double first = std::numeric_limits<double>::infinity();
  double newest = -std::numeric_limits<double>::infinity();
};

/// Reads the radar of `r.grids`: a stack with a time axis, or `{time}` frames every
/// `r.grid_interval` from the first found to `t0_limit` (missing and corrupt frames are named
/// and left out: their intervals get the gauge rain, or none).
RadarObservations read_radar(const RainSource& r, const scenarios::Scenario& s,
                             const solver::Grid& grid, const std::string& crs_wkt, double t0_limit,
                             double origin, std::vector<DataIssue>& issues);

/// An observed or forecast inflow CSV (time, discharge), held after its last sample.
solver::TimeSeries read_inflow(const std::string& path, const scenarios::Scenario& s,
                               const std::string& what);

}  // namespace floodtwin::twin
