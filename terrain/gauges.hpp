#pragma once
/// @file gauges.hpp
/// Rain gauge tables: a station table (CSV `id,x,y`) and time-series tables (CSV: a time
/// column, ISO-8601 timestamps or seconds, then one column per station or one value column).
/// Every error names the file, the line and the column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain {

struct Station {
  std::string id;
  Real x = 0;    ///< easting in the DEM's CRS (or longitude before transform_stations)
  Real y = 0;    ///< northing in the DEM's CRS (or latitude before transform_stations)
  int line = 0;  ///< line of the station table
};

/// Reads a station table with columns id, x, y (case-insensitive; `name` for id and
/// lon/longitude, lat/latitude for x, y are accepted too); other columns are ignored.
/// Throws InputError naming file, line and column for a bad number or a duplicate id.
std::vector<Station> read_stations(const std::string& path);

/// Converts station coordinates from `from_crs` (any definition OGR accepts: "EPSG:4326",
/// WKT, PROJ string; lon/lat order for geographic CRSs) to the CRS `to_crs_wkt` (the DEM's).
/// @param path  the station table, for error messages
void transform_stations(std::vector<Station>& stations, const std::string& to_crs_wkt,
                        const std::string& from_crs = "EPSG:4326", const std::string& path = "");

/// Checks the stations a rain series uses against the grid (stations in the grid's CRS):
/// throws InputError naming the station table, line and station when a station lies more
/// than ten grid extents from the grid (coordinates in another CRS, lon/lat without
/// station_crs, a typo such as 1e300), or when the series' time column is named after a
/// station (a series without a time column). Returns warnings for stations that are outside
/// the grid by more than the grid's extent.
std::vector<std::string> check_stations(const solver::Grid& grid,
                                        const std::vector<Station>& stations,
                                        const std::vector<std::string>& used,
                                        const std::string& time_column, const std::string& path,
                                        const std::string& series_path);

/// Parses an ISO-8601 date-time: YYYY-MM-DD, optionally followed by T or a blank and
/// hh:mm[:ss[.fff]], optionally followed by Z or +hh[:mm] / -hh[:mm].
/// @return seconds since 1970-01-01T00:00:00Z, or nothing when the text is not one
std::optional<double> parse_iso8601(std::string_view text);

/// A time-series table: times in seconds of simulation time.
struct SeriesTable {
  std::string path;
  std::string time_column;                ///< name of the first (time) column
  std::vector<std::string> columns;       ///< value column names (station ids)
  std::vector<Real> times;                ///< [s], strictly increasing
  std::vector<int> lines;                 ///< file line of each row
  std::vector<std::vector<Real>> values;  ///< [row][column], NaN where missing
  bool timestamps = false;                ///< the time column held ISO-8601 timestamps
};

struct SeriesOptions {
  std::string what = "rain series";  ///< what the file is, for error messages
  /// For timestamped series: the ISO-8601 time of t = 0; empty takes the first row's time.
  std::string origin;
  bool allow_missing = true;    ///< empty / NaN / NA cells are missing values (NaN)
  bool allow_negative = false;  ///< values must be >= 0 unless set
  /// Largest magnitude of a value (e.g. 1e6 m3/s of discharge); larger ones are refused as
  /// absurd, naming the file, line and column.
  Real max_magnitude = Real(1e6);
};

/// Reads a time series: first column the time (seconds, or ISO-8601 timestamps for every
/// row), then value columns. Times must increase strictly.
SeriesTable read_series(const std::string& path, const SeriesOptions& options = {});

}  // namespace floodtwin::terrain
