#include "twin/twin_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/toml_section.hpp"
#include "solver/error.hpp"

namespace floodtwin::twin {

namespace fs = std::filesystem;
using scenarios::Section;

std::string expand(const std::string& pattern, const std::string& key, const std::string& stamp) {
  const std::string token = "{" + key + "}";
  std::string out = pattern;
  for (std::size_t pos = out.find(token); pos != std::string::npos;
       pos = out.find(token, pos + stamp.size())) {
    out.replace(pos, token.size(), stamp);
  }
  return out;
}

namespace {

/// The rain keys shared by [observations] and [forecast]. Files that name `{cycle}` or
/// `{time}` are patterns and need not exist yet.
RainSource rain_source(const Section& sec, const RainSource& defaults) {
  RainSource r;
  r.line = sec.line();
  auto path = [&](const std::string& key) -> std::string {
    const auto t = sec.text(key);
    if (!t) return "";
    const bool pattern =
        t->find("{cycle}") != std::string::npos || t->find("{time}") != std::string::npos;
    return sec.resolve(key, *t, !pattern);
  };
  r.stations = path("stations");
  if (r.stations.empty()) r.stations = defaults.stations;
  r.series = path("series");
  r.grids = path("grids");
  r.grid_interval = sec.duration("grid_interval").value_or(0.0);
  if (r.grids.find("{time}") != std::string::npos && !(r.grid_interval > 0)) {
    sec.fail("grid_interval", "radar frames named by {time} need grid_interval (e.g. \"1h\")");
  }
  r.units = sec.choice("units", defaults.units, {"mm/h", "mm", "m/s"});
  r.interpolation = sec.choice("interpolation", defaults.interpolation, {"idw", "thiessen"});
  r.idw_power = sec.number_in("power", defaults.idw_power, 1e-3, 10);
  r.timing = sec.choice("timing", defaults.timing, {"period-ending", "period-beginning"});
  r.station_crs = sec.text("station_crs").value_or(defaults.station_crs);
  r.fallback = defaults.fallback;
  if (sec.has("fallback")) r.fallback = sec.number_in("fallback", 0, 0, 1e3);
  if (!r.series.empty() && r.stations.empty()) {
    sec.fail("series", "gauge rain needs the station table (stations = \"...\")");
  }
  return r;
}

}  // namespace

TwinSpec load_twin(const std::string& path) {
  TwinSpec t;
  const fs::path p = fs::absolute(fs::path(path)).lexically_normal();
  t.file = p.string();
  t.dir = p.parent_path().string();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    throw IoError("twin file not found or not a regular file: " + t.file);
  }
  {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw IoError("twin file unreadable: " + t.file);
    std::ostringstream buf;
    buf << in.rdbuf();
    t.text = buf.str();
  }
  scenarios::check_toml_text(t.text, t.file);  // bytes toml++ mishandles, refused first
  toml::table root;
  try {
    root = toml::parse(t.text, t.file);
  } catch (const toml::parse_error& e) {
    throw ConfigError(t.file + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  // [ensemble]: members of each cycle's forecast leg, read by ensemble/cycle.cpp.
  const std::vector<std::string> top = {"twin", "observations", "forecast", "ensemble"};
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (std::find(top.begin(), top.end(), k) == top.end()) {
      const std::string hint = scenarios::closest_key(k, top);
      throw ConfigError(
          t.file + ":" + std::to_string(node.source().begin.line) + ": unknown table or key '" + k +
          "'" +
          (hint.empty() ? "; known: " + Section::join(top) : "; did you mean '" + hint + "'?"));
    }
  }

  if (const toml::node* e = root.get("ensemble")) {
    t.ensemble_line = static_cast<int>(e->source().begin.line);
  }
  {
    const Section tw(
        scenarios::sub_table(root, "twin", t.file, true), "twin", t.file, t.dir,
        {"scenario", "states", "cycles", "state_expiry", "spin_up", "max_observation_gap"});
    tw.require("scenario");
    const std::string scenario = tw.file("scenario");
    try {
      t.scenario = scenarios::load_scenario(scenario);
    } catch (const Error& e) {
      throw ConfigError(tw.where_key("scenario") + "[twin] scenario: " + e.what());
    }
    t.states = tw.resolve("states", tw.text("states").value_or("states"), false);
    t.cycles = tw.resolve("cycles", tw.text("cycles").value_or("cycles"), false);
    t.state_expiry = tw.duration("state_expiry").value_or(t.state_expiry);
    if (!(t.state_expiry > 0)) tw.fail("state_expiry", "must be positive");
    t.spin_up = tw.duration("spin_up").value_or(0.0);
    t.max_observation_gap = tw.duration("max_observation_gap").value_or(t.max_observation_gap);
    if (fs::path(t.states).lexically_normal() == fs::path(t.cycles).lexically_normal()) {
      tw.fail("cycles", "must differ from states");
    }
  }

  RainSource scenario_rain;  // defaults: the scenario's [rainfall] settings
  scenario_rain.stations = t.scenario.rain_stations;
  scenario_rain.units = t.scenario.rain_units;
  scenario_rain.interpolation = t.scenario.rain_interpolation;
  scenario_rain.idw_power = t.scenario.rain_idw_power;
  scenario_rain.timing = t.scenario.rain_timing;
  scenario_rain.station_crs = t.scenario.rain_station_crs;
  scenario_rain.fallback = t.scenario.rain_fallback;

  {
    const toml::table& obs_table = scenarios::sub_table(root, "observations", t.file, false);
    const Section obs(obs_table, "observations", t.file, t.dir,
                      {"stations", "series", "grids", "grid_interval", "units", "interpolation",
                       "power", "timing", "station_crs", "fallback", "inflow"});
    t.observed = rain_source(obs, scenario_rain);
    if (t.observed.empty() && !obs_table.contains("inflow")) {
      throw ConfigError(t.file +
                        ": [observations] needs series (gauges), grids (radar) or "
                        "[[observations.inflow]]: a twin runs on observations");
    }
    for (const toml::table* it : scenarios::table_array(obs_table, "inflow", t.file)) {
      const Section in(*it, "observations.inflow", t.file, t.dir,
                       {"side", "from", "to", "series", "forecast"});
      InflowSource f;
      f.line = in.line();
      in.require("side");
      try {
        f.side = solver::parse_side(*in.text("side"));
      } catch (const ConfigError& e) {
        in.fail("side", e.what());
      }
      f.from = in.number("from");
      f.to = in.number("to");
      in.require("series");
      f.series = in.file("series");
      if (const auto fc = in.text("forecast")) {
        f.forecast = in.resolve("forecast", *fc, fc->find("{cycle}") == std::string::npos);
      }
      t.inflows.push_back(std::move(f));
    }
  }

  {
    const Section fc(scenarios::sub_table(root, "forecast", t.file, false), "forecast", t.file,
                     t.dir,
                     {"lead", "stations", "series", "grids", "units", "interpolation", "power",
                      "timing", "station_crs", "fallback"});
    t.lead = fc.duration("lead").value_or(t.lead);
    if (!(t.lead > 0)) fc.fail("lead", "must be positive");
    RainSource defaults = t.observed;
    defaults.series.clear();
    defaults.grids.clear();
    t.forecast = rain_source(fc, defaults);
  }
  return t;
}

}  // namespace floodtwin::twin
