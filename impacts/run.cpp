#include "impacts/run.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "driver/forecast.hpp"
#include "impacts/inputs.hpp"
#include "impacts/report.hpp"
#include "io/results_names.hpp"
#include "io/results_reader.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "terrain/rainfall.hpp"

namespace floodtwin::impacts {

namespace fs = std::filesystem;

namespace {

std::string number(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, res.ptr};
}

std::string duration_text(double s) {
  if (std::isnan(s)) return "";
  const bool neg = s < 0;
  auto a = static_cast<long long>(std::llround(std::fabs(s)));
  std::ostringstream o;
  if (neg) o << "-";
  if (a >= 3600) o << a / 3600 << "h";
  if (a >= 60) o << (a / 60) % 60 << "min";
  if (a < 60 || a % 60 != 0) o << a % 60 << "s";
  return o.str();
}

/// Every [impacts] input loaded onto the grid.
struct Loaded {
  Zones zones;
  std::vector<DamageCurve> curves;
  std::vector<double> population;
  std::vector<double> assets;
  const DamageCurve* assets_curve = nullptr;  ///< into curves
  Buildings buildings;
  RoadPieces roads;
  std::vector<LevelRule> rules;
  std::vector<PlanRow> plan;
  std::vector<std::string> notes;
};

Loaded load_inputs(const scenarios::ImpactsSpec& spec, const GridGeometry& grid,
                   const std::string& crs, const std::vector<std::string>& gauges) {
  Loaded in;
  in.zones = load_zones(spec.zones, grid, crs);
  in.notes.push_back("zones: " + std::to_string(in.zones.size()) + " from " + spec.zones);
  in.curves =
      spec.damage_curves.empty() ? default_damage_curves() : load_damage_curves(spec.damage_curves);
  if (!spec.population.empty()) {
    in.population = load_population(spec.population, grid, crs);
    in.notes.push_back("population: " + spec.population);
  }
  if (!spec.assets.empty()) {
    in.assets = load_assets(spec.assets, grid, crs);
    in.notes.push_back("assets: " + spec.assets);
    if (!spec.assets_curve.empty()) {
      std::string known;
      for (const DamageCurve& c : in.curves) {
        if (c.occupancy == spec.assets_curve) in.assets_curve = &c;
        known += (known.empty() ? "" : ", ") + c.occupancy;
      }
      if (in.assets_curve == nullptr) {
        throw ConfigError("[impacts] assets_curve: no damage curve '" + spec.assets_curve +
                          "' (the curves have: " + known + ")");
      }
    }
  }
  if (!spec.buildings.empty()) {
    in.buildings = load_buildings(spec.buildings, grid, crs, in.curves);
    in.notes.push_back("buildings: " + std::to_string(in.buildings.size()) + " on the grid from " +
                       spec.buildings);
  }
  if (!spec.roads.empty()) in.roads = load_roads(spec.roads, grid, crs);
  if (!spec.levels.empty()) {
    in.rules = load_levels(spec.levels, in.zones, gauges);
    in.notes.push_back("levels: " + std::to_string(in.rules.size()) + " from " + spec.levels);
  }
  if (!spec.plan.empty()) in.plan = load_plan(spec.plan, in.zones, in.rules);
  return in;
}

}  // namespace

std::vector<std::size_t> depth_above_ground(std::vector<double>& depth,
                                            const std::vector<double>& level,
                                            const std::vector<double>& elevation) {
  std::vector<std::size_t> changed;
  if (level.size() != depth.size() || elevation.size() != depth.size()) return changed;
  for (std::size_t c = 0; c < depth.size(); ++c) {
    const double above = level[c] - elevation[c];
    if (!std::isfinite(above) || !(depth[c] > above + 1e-3)) continue;
    depth[c] = std::max(0.0, above);
    changed.push_back(c);
  }
  return changed;
}

bool levels_need_snapshots(const std::vector<LevelRule>& rules) {
  return std::any_of(rules.begin(), rules.end(), [](const LevelRule& rule) {
    return rule.indicator == Indicator::max_depth || rule.indicator == Indicator::flooded_area ||
           rule.indicator == Indicator::depth_share;
  });
}

void add_level_snapshot(LevelSeries& s, const std::vector<LevelRule>& rules,
                        std::span<const double> depth, std::span<const std::int32_t> zone,
                        std::size_t nz, double flood_threshold, double cell_area) {
  s.snap_max.resize(nz);
  s.snap_area.resize(nz);
  s.snap_share.resize(rules.size());
  const ZoneSnapshotStats st = zone_snapshot_stats(depth, zone, nz, flood_threshold, cell_area);
  for (std::size_t z = 0; z < nz; ++z) {
    s.snap_max[z].push_back(st.max_depth[z]);
    s.snap_area[z].push_back(st.flooded_area[z]);
  }
  for (std::size_t q = 0; q < rules.size(); ++q) {
    const LevelRule& rule = rules[q];
    if (rule.indicator != Indicator::depth_share) continue;
    const auto share = zone_depth_share(depth, zone, nz, rule.value);
    s.snap_share[q].push_back(share[rule.zone]);
  }
}

void set_level_map_peaks(LevelSeries& s, std::span<const double> max_depth,
                         std::span<const double> time_of_max, std::span<const std::int32_t> zone,
                         std::size_t zones) {
  s.peak.assign(zones, nan);
  s.peak_time.assign(zones, nan);
  for (std::size_t c = 0; c < max_depth.size(); ++c) {
    const std::int32_t z = zone[c];
    if (z < 0 || std::isnan(max_depth[c])) continue;
    auto zi = static_cast<std::size_t>(z);
    if (std::isnan(s.peak[zi]) || max_depth[c] > s.peak[zi]) {
      s.peak[zi] = max_depth[c];
      s.peak_time[zi] = time_of_max.empty() ? nan : time_of_max[c];
    }
  }
}

std::vector<LevelOutcome> evaluate_levels(const std::vector<LevelRule>& rules,
                                          const LevelSeries& s) {
  std::vector<double> rain_times;
  const bool rain_rules = std::any_of(rules.begin(), rules.end(), [](const LevelRule& rule) {
    return rule.indicator == Indicator::rain;
  });
  if (rain_rules) {
    rain_times = s.times;
    rain_times.insert(rain_times.end(), s.gauge_time.begin(), s.gauge_time.end());
    std::sort(rain_times.begin(), rain_times.end());
    rain_times.erase(std::unique(rain_times.begin(), rain_times.end()), rain_times.end());
  }
  static const std::vector<double> none;
  const auto at = [](const std::vector<std::vector<double>>& v,
                     std::size_t k) -> const std::vector<double>& {
    return k < v.size() ? v[k] : none;
  };
  std::vector<LevelOutcome> out;
  for (std::size_t q = 0; q < rules.size(); ++q) {
    const LevelRule& rule = rules[q];
    const std::size_t z = rule.zone;
    switch (rule.indicator) {
      case Indicator::gauge_depth:
      case Indicator::gauge_level: {
        const auto st = static_cast<std::size_t>(
            std::find(s.stations.begin(), s.stations.end(), rule.gauge) - s.stations.begin());
        const std::vector<double>& series =
            rule.indicator == Indicator::gauge_depth ? s.gauge_depth : s.gauge_level;
        std::vector<double> v(s.gauge_time.size());
        for (std::size_t k = 0; k < s.gauge_time.size(); ++k) {
          v[k] = series[k * s.stations.size() + st];
        }
        out.push_back(evaluate_threshold(s.gauge_time, v, rule.value));
        break;
      }
      case Indicator::max_depth:
        out.push_back(
            evaluate_threshold(s.times, at(s.snap_max, z), rule.value, s.peak[z], s.peak_time[z]));
        break;
      case Indicator::flooded_area:
        out.push_back(evaluate_threshold(s.times, at(s.snap_area, z), rule.value));
        break;
      case Indicator::depth_share:
        out.push_back(evaluate_threshold(s.times, at(s.snap_share, q), rule.share));
        break;
      case Indicator::rain: {
        const auto v = past_rain_mm(s.rain_bounds, at(s.rain_rates, z), rain_times, rule.duration);
        out.push_back(evaluate_threshold(rain_times, v, rule.value));
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> check_impacts_inputs(const scenarios::Scenario& scenario,
                                              const GridGeometry& grid,
                                              const std::string& crs_wkt) {
  if (!scenario.impacts) return {};
  std::vector<std::string> gauges;
  for (const auto& g : scenario.gauges) gauges.push_back(g.name);
  return load_inputs(*scenario.impacts, grid, crs_wkt, gauges).notes;
}

std::string ImpactsResult::iso(double t) const {
  return std::isnan(t) ? std::string() : iso_time(start_epoch + t);
}

const std::vector<std::string>& zone_columns(bool assets) {
  static const std::vector<std::string> c{
      "zone", "name", "level", "level_time", "flooded_area_m2", "max_depth_m", "people_affected",
      "buildings_flooded", "damage", "roads_cut_m",
      // extra columns
      "lead_time_s", "levels_reached", "population", "people_hazard_low", "people_hazard_moderate",
      "people_hazard_significant", "people_hazard_extreme", "buildings", "roads_m", "cells"};
  static const std::vector<std::string> with_assets = [] {
    std::vector<std::string> a = c;
    a.emplace_back("assets");
    a.emplace_back("assets_damaged");
    return a;
  }();
  return assets ? with_assets : c;
}

std::vector<std::string> zone_row(const ImpactsResult& r, std::size_t z) {
  const bool total = z >= r.zone_id.size();
  const ZoneImpact& i = r.impacts[z];
  std::string level, level_time, lead, reached;
  if (!total) {
    const ZoneLevel& zl = r.levels[z];
    level = zl.level;
    level_time = r.iso(zl.first_time);
    lead = number(zl.first_time - r.forecast_time);
    for (std::size_t k = 0; k < zl.level_first_time.size(); ++k) {
      if (!std::isnan(zl.level_first_time[k])) {
        reached += (reached.empty() ? "" : ";") + r.level_order[z][k];
      }
    }
  }
  std::vector<std::string> row{total ? "TOTAL" : r.zone_id[z],
                               total ? "all zones" : r.zone_name[z],
                               level,
                               level_time,
                               number(i.flooded_area),
                               number(i.max_depth),
                               number(i.people_affected),
                               std::to_string(i.buildings_flooded),
                               number(i.damage),
                               number(i.roads_cut_m),
                               lead,
                               reached,
                               number(i.population),
                               number(i.people_by_hazard[0]),
                               number(i.people_by_hazard[1]),
                               number(i.people_by_hazard[2]),
                               number(i.people_by_hazard[3]),
                               std::to_string(i.buildings),
                               number(i.roads_m),
                               std::to_string(i.cells)};
  if (r.has_assets) {
    row.push_back(number(i.assets));
    row.push_back(number(i.assets_damaged));
  }
  return row;
}

std::string ImpactsResult::headline() const {
  std::ostringstream o;
  o << "impacts: " << zone_id.size() << " zones";
  std::map<std::string, std::vector<std::string>> at;
  std::vector<std::string> names;
  std::size_t none = 0;
  for (std::size_t z = 0; z < zone_id.size(); ++z) {
    if (levels[z].rank < 0) {
      ++none;
      continue;
    }
    if (!at.contains(levels[z].level)) names.push_back(levels[z].level);
    at[levels[z].level].push_back(zone_id[z]);
  }
  for (const auto& n : names) {
    o << "; " << n << ": " << at[n].size() << " (";
    for (std::size_t k = 0; k < at[n].size(); ++k) o << (k ? ", " : "") << at[n][k];
    o << ")";
  }
  o << "; no level: " << none << "\n";
  // First crossing of any level.
  double first = nan;
  std::size_t fz = 0;
  std::string fl;
  for (std::size_t z = 0; z < zone_id.size(); ++z) {
    for (std::size_t k = 0; k < levels[z].level_first_time.size(); ++k) {
      const double t = levels[z].level_first_time[k];
      if (!std::isnan(t) && (std::isnan(first) || t < first)) {
        first = t;
        fz = z;
        fl = level_order[z][k];
      }
    }
  }
  if (std::isnan(first)) {
    o << "  first crossing: none\n";
  } else {
    o << "  first crossing: " << zone_id[fz] << " " << fl << " at " << iso(first) << " (lead "
      << duration_text(first - forecast_time) << ")\n";
  }
  const ZoneImpact& t = impacts.back();
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "  people affected %.0f (depth > %.2f m), buildings flooded %zu, damage %.4g, "
                "roads cut %.0f m, flooded area %.3f km2",
                t.people_affected, people_depth, t.buildings_flooded, t.damage, t.roads_cut_m,
                t.flooded_area / 1e6);
  o << buf << "\n";
  if (!actions.empty()) o << "  plan actions due: " << actions.size() << "\n";
  return o.str();
}

ImpactsResult run_impacts(const fs::path& results, const scenarios::Scenario& scenario,
                          const ImpactsOptions& options) {
  if (!scenario.impacts) {
    throw ConfigError(scenario.file + ": the scenario has no [impacts] table (zones, levels, ...)");
  }
  const scenarios::ImpactsSpec& spec = *scenario.impacts;
  ImpactsResult r;
  r.results = results.string();
  r.people_depth = spec.people_depth;
  r.road_depth = spec.road_depth;

  // The results: grid, maps, times, gauges.
  const io::ResultsSummary sum = io::read_results_summary(results);
  if (sum.status != "complete") {
    throw InputError("results '" + r.results + "': status is '" + sum.status +
                     "', expected a complete results file");
  }
  const io::ResultsReader reader(results);
  GridGeometry grid;
  grid.nx = sum.nx;
  grid.ny = sum.ny;
  grid.dx = sum.dx;
  grid.dy = sum.dy;
  grid.origin_x = sum.x_min;
  grid.origin_y = sum.y_max;
  const std::string& crs = sum.crs_wkt;
  r.flood_threshold = reader.has_attribute(io::names::arrival_time, "threshold")
                          ? reader.number_attribute(io::names::arrival_time, "threshold")
                          : scenario.flood_threshold;
  const auto start = terrain::parse_iso8601(sum.start_time);
  if (!start) {
    throw InputError("results '" + r.results + "': start_time '" + sum.start_time +
                     "' is not an ISO-8601 time");
  }
  r.start_epoch = *start;
  const std::vector<double> times = reader.times();
  if (times.empty()) throw InputError("results '" + r.results + "': no snapshot");
  r.forecast_time = times.front();
  if (!options.forecast_time.empty()) {
    const auto ft = terrain::parse_iso8601(options.forecast_time);
    if (!ft) {
      throw ConfigError("forecast time: expected an ISO-8601 time, got '" + options.forecast_time +
                        "'");
    }
    r.forecast_time = *ft - r.start_epoch;
  }
  // Impacts and levels read depths above the ground: a river in bank floods no one.
  std::vector<double> max_depth = reader.read(io::names::max_depth);
  std::vector<double> max_hazard = reader.has_variable(io::names::max_hazard)
                                       ? reader.read(io::names::max_hazard)
                                       : std::vector<double>{};
  const std::vector<double> elevation = reader.has_variable(io::names::elevation)
                                            ? reader.read(io::names::elevation)
                                            : std::vector<double>{};
  if (reader.has_variable(io::names::max_water_level)) {
    for (const std::size_t c :
         depth_above_ground(max_depth, reader.read(io::names::max_water_level), elevation)) {
      // In bank all the way: no hazard on the ground (the river's own speed is not it).
      if (max_depth[c] == 0 && c < max_hazard.size()) max_hazard[c] = 0;
    }
  }
  const std::vector<double> time_of_max = reader.has_variable(io::names::time_of_max_depth)
                                              ? reader.read(io::names::time_of_max_depth)
                                              : std::vector<double>{};
  std::vector<std::string> stations;
  std::vector<double> gauge_time, gauge_depth, gauge_level;
  if (reader.has_variable(io::names::station_name)) {
    stations = reader.read_strings(io::names::station_name);
    gauge_time = reader.read(io::names::gauge_time);
    gauge_depth = reader.read(io::names::gauge_depth);
    gauge_level = reader.read(io::names::gauge_water_level);
  }

  // The inputs on the grid.
  Loaded in = load_inputs(spec, grid, crs, stations);
  Zones& zones = in.zones;
  const std::size_t nz = zones.size();
  r.zone_id = zones.id;
  r.zone_name = zones.name;
  r.notes = in.notes;
  r.rules = in.rules;
  r.plan = in.plan;

  // Impacts from the peak maps.
  ExposureInputs ex;
  ex.grid = grid;
  ex.max_depth = max_depth;
  ex.max_hazard = max_hazard;
  ex.zone = zones.cell_zone;
  ex.zone_count = nz;
  ex.population = in.population;
  ex.assets = in.assets;
  ex.assets_curve = in.assets_curve;
  r.has_assets = !spec.assets.empty();
  ex.buildings = spec.buildings.empty() ? nullptr : &in.buildings;
  ex.curves = in.curves;
  ex.roads = spec.roads.empty() ? nullptr : &in.roads;
  ex.flood_threshold = r.flood_threshold;
  ex.people_depth = spec.people_depth;
  ex.road_depth = spec.road_depth;
  r.impacts = zone_impacts(ex);

  // Indicator series and level outcomes.
  LevelSeries series;
  if (levels_need_snapshots(r.rules)) {
    std::vector<double> depth;  // one buffer for every snapshot
    std::vector<double> level;
    for (std::size_t k = 0; k < times.size(); ++k) {
      reader.read_snapshot(io::names::depth, k, depth);
      if (reader.has_variable(io::names::water_level)) {
        reader.read_snapshot(io::names::water_level, k, level);
        depth_above_ground(depth, level, elevation);
      }
      add_level_snapshot(series, r.rules, depth, zones.cell_zone, nz, r.flood_threshold,
                         grid.cell_area());
    }
  }
  series.times = times;
  set_level_map_peaks(series, max_depth, time_of_max, zones.cell_zone, nz);
  series.stations = stations;
  series.gauge_time = gauge_time;
  series.gauge_depth = gauge_depth;
  series.gauge_level = gauge_level;

  // Rain: zone means of each interval of the forcing, integrated over each level's window at
  // the snapshot and gauge times.
  series.rain_rates.assign(nz, {});
  const bool rain_rules = std::any_of(r.rules.begin(), r.rules.end(), [](const LevelRule& rule) {
    return rule.indicator == Indicator::rain;
  });
  if (rain_rules) {
    driver::Forecast prepared;
    const terrain::RainfallField* rain = options.rain;
    if (rain == nullptr) {
      prepared = driver::prepare(scenario);
      rain = prepared.rain.get();
    }
    if (rain != nullptr) {
      if (rain->grid().nx != grid.nx || rain->grid().ny != grid.ny) {
        throw InputError("results '" + r.results + "' (" + std::to_string(grid.nx) + " x " +
                         std::to_string(grid.ny) + " cells) do not match the grid of " +
                         scenario.file + " (" + std::to_string(rain->grid().nx) + " x " +
                         std::to_string(rain->grid().ny) + ")");
      }
      for (const auto b : rain->bounds()) series.rain_bounds.push_back(static_cast<double>(b));
      for (std::size_t k = 0; k + 1 < series.rain_bounds.size(); ++k) {
        const auto field = rain->rate_at(static_cast<solver::Real>(series.rain_bounds[k]));
        const std::vector<double> f(field.begin(), field.end());
        const auto means = zone_means(f, zones.cell_zone, nz);
        for (std::size_t z = 0; z < nz; ++z) series.rain_rates[z].push_back(means[z]);
      }
    } else {
      r.notes.push_back("rain levels: the scenario has no rain; areal rain is 0");
    }
  }
  r.outcomes = evaluate_levels(r.rules, series);
  r.level_order = zone_level_order(r.rules, nz);
  r.levels = zone_levels(r.rules, r.outcomes, nz);
  r.actions = actions_due(r.plan, r.level_order, r.levels);

  if (options.write) {
    fs::path out = options.out;
    if (out.empty()) {
      out = results.parent_path() / (results.stem().string() + "_impacts");
    }
    ReportInputs ri{grid, crs, zones, max_depth, spec.sender, scenario.file};
    write_impacts_folder(out, r, ri);
  }
  return r;
}

}  // namespace floodtwin::impacts
