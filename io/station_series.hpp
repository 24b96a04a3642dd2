#pragma once
/// @file station_series.hpp
/// Station time series as a CF-1.8 discrete sampling geometry (featureType = timeSeries,
/// orthogonal multidimensional layout) in netCDF-4: the file forecasting platforms such as
/// Delft-FEWS import (station ids with cf_role = timeseries_id, names, coordinates in the
/// model's CRS and in WGS84 lon/lat, a CF time axis).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace floodtwin::io {

struct StationVariable {
  std::string name;   ///< e.g. "depth"
  std::string units;  ///< e.g. "m"
  std::string long_name;
  std::string standard_name;   ///< CF standard name, or ""
  std::vector<double> values;  ///< [station][time], row-major; NaN: missing
};

struct StationSeries {
  std::vector<std::string> ids;  ///< station ids (also the names)
  std::vector<double> x, y;      ///< in the CRS of crs_wkt [m]
  std::vector<double> lon, lat;  ///< WGS84 [degrees]; empty when unknown
  std::string crs_wkt;
  std::string time_units;     ///< e.g. "seconds since 2024-01-01T00:00:00Z"
  std::vector<double> times;  ///< in time_units
  std::vector<StationVariable> variables;
  std::map<std::string, std::string> attributes;  ///< global text attributes (title, ...)
};

/// Writes `series` to `path` (as `<path>.partial`, renamed when complete). Throws IoError
/// naming the file, InputError when the shapes do not agree.
void write_station_series(const std::filesystem::path& path, const StationSeries& series);

}  // namespace floodtwin::io
