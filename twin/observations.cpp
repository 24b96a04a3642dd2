#include "twin/observations.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/raster.hpp"
#include "twin/state_store.hpp"

namespace floodtwin::twin {

namespace fs = std::filesystem;
using solver::Real;
using terrain::RainfallField;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}  // namespace

terrain::RainTiming timing_of(const std::string& text) {
  return text == "period-beginning" ? terrain::RainTiming::period_beginning
                                    : terrain::RainTiming::period_ending;
}

terrain::RainUnits units_of(const std::string& text) { return terrain::parse_rain_units(text); }

std::vector<terrain::Station> stations_of(const RainSource& r, const std::string& crs_wkt) {
  std::vector<terrain::Station> stations = terrain::read_stations(r.stations);
  if (!r.station_crs.empty()) {
    terrain::transform_stations(stations, crs_wkt, r.station_crs, r.stations);
  }
  return stations;
}

GaugeObservations read_gauges(const RainSource& r, const scenarios::Scenario& s,
                              const std::string& crs_wkt, double t0_limit,
                              std::vector<DataIssue>& issues, double origin) {
  GaugeObservations g;
  g.stations = stations_of(r, crs_wkt);
  terrain::SeriesOptions so;
  so.what = "observed rain series";
  so.origin = s.start;
  so.allow_missing = true;
  g.table = terrain::read_series(r.series, so);
  std::vector<double> last(g.table.columns.size(), -inf);
  for (std::size_t row = 0; row < g.table.times.size(); ++row) {
    const double t = g.table.times[row];
    if (t > t0_limit) break;
    for (std::size_t c = 0; c < g.table.columns.size(); ++c) {
      if (std::isnan(g.table.values[row][c])) continue;
      last[c] = t;
      g.first = std::min(g.first, t);
      g.newest = std::max(g.newest, t);
    }
  }
  for (std::size_t c = 0; c < g.table.columns.size(); ++c) {
    if (last[c] >= g.newest) continue;
    std::ostringstream m;
    if (std::isinf(last[c])) {
      m << "gauge '" << g.table.columns[c] << "' has no observation in " << r.series
        << ": its rain is interpolated from the other gauges";
    } else {
      m << "gauge '" << g.table.columns[c] << "' stopped reporting at " << iso(origin + last[c])
        << " (" << hours(g.newest - last[c]) << " before the newest observation) in " << r.series
        << ": its rain is interpolated from the other gauges since";
    }
    issues.push_back({"gauge_stale", m.str()});
  }
  return g;
}

RainfallField gauge_field(const solver::Grid& grid, const RainSource& r,
                          const std::vector<terrain::Station>& stations,
                          const terrain::SeriesTable& table) {
  terrain::GaugeRainOptions go;
  go.units = units_of(r.units);
  go.interpolation = terrain::parse_interpolation(r.interpolation);
  go.idw_power = static_cast<Real>(r.idw_power);
  go.timing = timing_of(r.timing);
  if (r.fallback) go.fallback_rate = static_cast<Real>(*r.fallback / 3.6e6);
  return RainfallField::from_gauges(grid, stations, table, go);
}

RadarObservations read_radar(const RainSource& r, const scenarios::Scenario& s,
                             const solver::Grid& grid, const std::string& crs_wkt, double t0_limit,
                             double origin, std::vector<DataIssue>& issues) {
  RadarObservations out;
  terrain::GriddedRainOptions ro;
  ro.units = units_of(r.units);
  ro.timing = timing_of(r.timing);
  if (r.grids.find("{time}") == std::string::npos) {
    // One stack with a time axis.
    std::vector<Real> times;
    try {
      times = terrain::raster_band_times(r.grids, s.start);
    } catch (const Error& e) {
      issues.push_back({"radar_unreadable", std::string("radar stack unusable: ") + e.what()});
      return out;
    }
    auto field = std::make_shared<RainfallField>(
        RainfallField::from_stack(grid, crs_wkt, r.grids, times, ro));
    for (const Real t : times) {
      if (t <= t0_limit) {
        out.first = std::min(out.first, static_cast<double>(t));
        out.newest = std::max(out.newest, static_cast<double>(t));
      }
    }
    const auto& b = field->bounds();
    out.pieces.push_back({field, b.front(), b.back()});
    return out;
  }
  // One file per time: every frame from the first found to T0 is expected.
  const fs::path pattern(r.grids);
  const std::string name = pattern.filename().string();
  const std::size_t at = name.find("{time}");
  const std::regex re(
      "^" + std::regex_replace(name.substr(0, at), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"((\d{8}T\d{4}Z))" +
      std::regex_replace(name.substr(at + 6), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      "$");
  std::vector<double> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(pattern.parent_path(), ec)) {
    std::smatch m;
    const std::string f = e.path().filename().string();
    if (!std::regex_match(f, m, re)) continue;
    const std::string st = m[1].str();
    const std::string iso_text = st.substr(0, 4) + "-" + st.substr(4, 2) + "-" + st.substr(6, 2) +
                                 "T" + st.substr(9, 2) + ":" + st.substr(11, 2) + ":00Z";
    if (const auto t = terrain::parse_iso8601(iso_text)) found.push_back(*t - origin);
  }
  if (found.empty()) {
    issues.push_back({"radar_missing", "no radar frame matches " + r.grids});
    return out;
  }
  std::sort(found.begin(), found.end());
  const double dt = r.grid_interval;
  const bool ending = timing_of(r.timing) == terrain::RainTiming::period_ending;
  for (double t = found.front(); t <= t0_limit + 1e-6; t += dt) {
    const std::string path = expand(r.grids, "time", stamp(origin + t));
    std::error_code e2;
    if (!fs::exists(path, e2)) {
      issues.push_back({"radar_missing", "radar frame " + path + " is missing: " +
                                             "gauge rain (or none) used for its interval"});
      continue;
    }
    try {
      if (terrain::raster_band_count(path, "radar frame") < 1) throw InputError(path + ": no band");
      // Two samples of the same frame give it an interval of length dt; the window keeps only
      // the interval of time t.
      const std::vector<Real> times = ending ? std::vector<Real>{Real(t - dt), Real(t)}
                                             : std::vector<Real>{Real(t), Real(t + dt)};
      auto field = std::make_shared<RainfallField>(RainfallField::from_rasters(
          grid, crs_wkt, times, {terrain::RasterBand{path, 1}, terrain::RasterBand{path, 1}}, ro));
      (void)field->rate_at(Real(ending ? t - dt / 2 : t + dt / 2));  // read it now: corrupt?
      out.pieces.push_back({field, ending ? t - dt : t, ending ? t : t + dt});
      out.first = std::min(out.first, t);
      out.newest = std::max(out.newest, t);
    } catch (const Error& e) {
      issues.push_back({"radar_corrupt", "radar frame " + path + " is unreadable (" + e.what() +
                                             "): gauge rain (or none) used for its interval"});
    }
  }
  return out;
}

/// An observed inflow: the series as read now, held after its last sample (persistence).
solver::TimeSeries read_inflow(const std::string& path, const scenarios::Scenario& s,
                               const std::string& what) {
  terrain::SeriesOptions so;
  so.what = what;
  so.origin = s.start;
  so.allow_missing = false;
  so.allow_negative = false;
  const terrain::SeriesTable t = terrain::read_series(path, so);
  if (t.columns.size() != 1) {
    throw InputError(path + ": " + what + " must have two columns (time, discharge)");
  }
  std::vector<Real> values;
  for (const auto& row : t.values) values.push_back(row[0]);
  return solver::TimeSeries(t.times, values, path + " (" + what + ")", solver::AfterEnd::hold);
}

}  // namespace floodtwin::twin
