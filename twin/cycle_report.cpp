#include "twin/cycle_report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "floodtwin/version.hpp"
#include "io/results_reader.hpp"
#include "io/station_series.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "twin/cycle.hpp"
#include "twin/state_store.hpp"

namespace floodtwin::twin {

namespace fs = std::filesystem;
using solver::Real;

/// Writes `text` to `path` through a temporary file and a rename.
void write_text(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw IoError(tmp.string() + ": cannot write");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    throw IoError(path.string() + ": cannot rename from " + tmp.string() + ": " + ec.message());
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char out[40];
  std::snprintf(out, sizeof out, "%.10g", v);
  return out;
}

/// The gauges of a results file as a CF discrete-sampling-geometry file.
void write_gauge_forecast(const fs::path& results, const fs::path& out, const std::string& start,
                          const std::string& cycle) {
  const io::ResultsReader r(results);
  if (!r.has_variable("station_name")) return;
  io::StationSeries s;
  s.ids = r.read_strings("station_name");
  s.x = r.read("station_x");
  s.y = r.read("station_y");
  s.times = r.read("gauge_time");
  s.time_units = "seconds since " + start;
  s.crs_wkt = r.has_attribute("crs", "crs_wkt") ? r.text_attribute("crs", "crs_wkt") : "";
  if (!s.crs_wkt.empty() && !s.ids.empty()) {
    std::vector<terrain::Station> st;
    for (std::size_t k = 0; k < s.ids.size(); ++k) {
      st.push_back({s.ids[k], static_cast<Real>(s.x[k]), static_cast<Real>(s.y[k]), 0});
    }
    try {
      terrain::transform_stations(st, "EPSG:4326", s.crs_wkt, results.string());
      for (const auto& p : st) {
        s.lon.push_back(p.x);
        s.lat.push_back(p.y);
      }
    } catch (const Error&) {
      s.lon.clear();
      s.lat.clear();
    }
  }
  const std::size_t ns = s.ids.size(), nt = s.times.size();
  auto transpose = [&](const std::string& name) {
    const std::vector<double> v = r.read(name);  // [time][station]
    std::vector<double> t(ns * nt);
    for (std::size_t i = 0; i < nt; ++i) {
      for (std::size_t k = 0; k < ns; ++k) t[k * nt + i] = v[i * ns + k];
    }
    return t;
  };
  s.variables.push_back(
      {"depth", "m", "forecast water depth at the gauge", "", transpose("gauge_depth")});
  s.variables.push_back({"water_level", "m", "forecast water surface elevation at the gauge",
                         "water_surface_height_above_reference_datum",
                         transpose("gauge_water_level")});
  s.attributes["title"] = "floodtwin gauge forecast, cycle " + cycle;
  s.attributes["source"] = std::string("floodtwin ") + floodtwin::version;
  s.attributes["forecast_reference_time"] = cycle;
  io::write_station_series(out, s);
}

std::string to_json(const CycleSummary& s) {
  std::ostringstream j;
  auto warnings = [&](const std::vector<driver::Warning>& ws) {
    j << "[";
    for (std::size_t k = 0; k < ws.size(); ++k) {
      const auto& w = ws[k];
      j << (k ? ", " : "") << "{\"gauge\": " << json_string(w.gauge)
        << ", \"indicator\": " << json_string(w.what)
        << ", \"threshold\": " << json_number(w.threshold)
        << ", \"value\": " << json_number(w.value)
        << ", \"time\": " << json_string(iso(s.origin + w.time))
        << ", \"lead_time_s\": " << json_number(w.time - s.t0_seconds) << "}";
    }
    j << "]";
  };
  j << "{\n";
  j << "  \"cycle\": " << json_string(s.cycle) << ",\n";
  j << "  \"t0\": " << json_string(s.t0) << ",\n";
  j << "  \"lead_s\": " << json_number(s.lead) << ",\n";
  j << "  \"exit_status\": \"ok\",\n";
  j << "  \"floodtwin_version\": " << json_string(floodtwin::version) << ",\n";
  j << "  \"state_used\": " << (s.state_used.empty() ? "null" : json_string(s.state_used)) << ",\n";
  j << "  \"cold_start\": " << (s.cold_start ? "true" : "false") << ",\n";
  j << "  \"state_time\": " << json_string(s.state_time) << ",\n";
  j << "  \"state_saved\": " << json_string(s.state_saved) << ",\n";
  j << "  \"observations_until\": " << json_string(s.observations_until) << ",\n";
  j << "  \"forecast_rain\": " << (s.forecast_rain.empty() ? "null" : json_string(s.forecast_rain))
    << ",\n";
  j << "  \"forecast_rain_until\": "
    << (s.forecast_rain_until.empty() ? "null" : json_string(s.forecast_rain_until)) << ",\n";
  j << "  \"data_issues\": [";
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    j << (k ? ", " : "") << "{\"what\": " << json_string(s.issues[k].what)
      << ", \"message\": " << json_string(s.issues[k].message) << "}";
  }
  j << "],\n  \"notes\": [";
  for (std::size_t k = 0; k < s.notes.size(); ++k) j << (k ? ", " : "") << json_string(s.notes[k]);
  j << "],\n  \"warnings\": ";
  warnings(s.warnings);
  j << ",\n  \"analysis_warnings\": ";
  warnings(s.analysis_warnings);
  j << ",\n  \"analysis\": {\"steps\": " << s.analysis_steps
    << ", \"wall_s\": " << json_number(s.analysis_wall) << "},\n";
  j << "  \"forecast\": {\"results\": \"forecast.h5\", \"gauges\": \"gauges.nc\", \"steps\": "
    << s.forecast_steps << ", \"wall_s\": " << json_number(s.forecast_wall)
    << ", \"max_depth_m\": " << json_number(s.max_depth)
    << ", \"flooded_area_m2\": " << json_number(s.flooded_area) << "},\n";
  j << "  \"impacts\": " << (s.impacts.empty() ? "null" : json_string(s.impacts)) << ",\n";
  j << "  \"impacts_headline\": " << (s.impacts.empty() ? "null" : json_string(s.impacts_headline))
    << ",\n";
  j << "  \"wall_s\": " << json_number(s.wall) << "\n}\n";
  return j.str();
}

std::string format_summary(const CycleSummary& s) {
  std::ostringstream o;
  o << "cycle " << s.cycle << " (T0 " << s.t0 << ", lead " << hours(s.lead) << ")\n";
  if (s.cold_start) {
    o << "  state: COLD START from " << s.state_time << "\n";
  } else {
    o << "  state: " << s.state_used << " (" << s.state_time << ")\n";
  }
  o << "  observations used up to " << s.observations_until << "\n";
  o << "  forecast rain: "
    << (s.forecast_rain.empty() ? std::string("none (no rain after T0)")
                                : s.forecast_rain + " until " + s.forecast_rain_until)
    << "\n";
  for (const auto& i : s.issues) o << "WARN " << i.what << ": " << i.message << "\n";
  o << "  warnings: " << s.warnings.size() << "\n";
  for (const auto& w : s.warnings) {
    char line[256];
    std::snprintf(line, sizeof line, "    %s: %s %.3f > %.3f at %s (lead time %s)\n",
                  w.gauge.c_str(), w.what.c_str(), w.value, w.threshold,
                  iso(s.origin + w.time).c_str(), hours(w.time - s.t0_seconds).c_str());
    o << line;
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "  wall %.1f s (analysis %.1f s, %lld steps; forecast %.1f s, %lld steps); peak "
                "depth %.2f m\n",
                s.wall, s.analysis_wall, s.analysis_steps, s.forecast_wall, s.forecast_steps,
                s.max_depth);
  o << line;
  // The cycle's ensemble (ensemble/cycle.cpp): its members and per warning zone the
  // probability of each level.
  for (const auto& n : s.notes) {
    if (n.starts_with("ensemble: ")) o << "  " << n << "\n";
  }
  if (!s.impacts.empty())
    o << s.impacts_headline << (s.impacts_headline.ends_with('\n') ? "" : "\n")
      << "  impacts: " << s.impacts << "\n";
  o << "  results: " << s.directory << "\n  state saved: " << s.state_saved << "\n";
  return o.str();
}

}  // namespace floodtwin::twin
