/// @file prepare.cpp
/// driver::prepare (forecast.hpp): a scenario loaded onto the grid (terrain, roughness,
/// structures, channels, initial state, rain, infiltration, boundaries, sources, gauges,
/// cross-sections). driver::run (forecast.cpp) runs what it prepares.
#include "driver/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "io/results_reader.hpp"
#include "solver/error.hpp"
#include "solver/infiltration.hpp"
#include "terrain/channel_burn.hpp"
#include "terrain/channel_subgrid.hpp"
#include "terrain/channels.hpp"
#include "terrain/conditioning.hpp"
#include "terrain/gauges.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"
#include "terrain/roughness.hpp"
#include "terrain/structures.hpp"

namespace floodtwin::driver {

using scenarios::NumberOrRaster;
using scenarios::NumberOrSeries;
using scenarios::Scenario;

Forecast::Forecast() = default;
Forecast::~Forecast() = default;
Forecast::Forecast(Forecast&&) noexcept = default;
Forecast& Forecast::operator=(Forecast&&) noexcept = default;

namespace {

std::string at_line(const Scenario& s, int line) {
  return s.file + ":" + std::to_string(line) + ": ";
}

/// A per-cell field from a number or a raster on the grid.
std::vector<Real> field(const NumberOrRaster& v, const solver::Grid& grid,
                        const std::string& crs, std::span<const Real> elevation,
                        const std::string& what, Real lo, Real hi) {
  if (!v.is_raster()) return std::vector<Real>(grid.cell_count(), static_cast<Real>(*v.number));
  return terrain::load_cell_parameter(v.path, grid, crs, elevation, what, lo, hi);
}

/// A model parameter from a number (one value, for models that take 1 or nx * ny values) or
/// a raster on the grid.
std::vector<Real> parameter(const NumberOrRaster& v, const solver::Grid& grid,
                            const std::string& crs, std::span<const Real> elevation,
                            const std::string& what, Real lo, Real hi) {
  if (!v.is_raster()) return {static_cast<Real>(*v.number)};
  return field(v, grid, crs, elevation, what, lo, hi);
}

/// A constant or a CSV (time, value) series as a TimeSeries.
/// `line` is the scenario line of the table that names the series, for messages.
solver::TimeSeries series(const NumberOrSeries& v, const Scenario& s, const std::string& what,
                          bool allow_negative, int line) {
  if (v.path.empty()) return solver::TimeSeries(static_cast<Real>(*v.number));
  terrain::SeriesOptions options;
  options.what = what;
  options.origin = s.start;
  options.allow_missing = false;
  options.allow_negative = allow_negative;
  const terrain::SeriesTable table = terrain::read_series(v.path, options);
  if (table.columns.size() != 1) {
    throw InputError(v.path + ": " + what + " must have two columns (time, value), found " +
                     std::to_string(table.columns.size() + 1));
  }
  std::vector<Real> values;
  values.reserve(table.values.size());
  for (const auto& row : table.values) values.push_back(row[0]);
  solver::TimeSeries out(table.times, values, v.path + " (" + what + ")",
                         solver::parse_after_end(v.after_end, what + " after_end"));
  // A series wholly outside the run (e.g. timestamps of another day than [simulation] start)
  // would give the run only its first or last value, whatever after_end says: refused, as rain
  // is (terrain::check_rain_period).
  const std::vector<Real>& t = out.times();
  const auto t_end = static_cast<Real>(s.duration);
  if (t.back() < 0 || t.front() > t_end) {
    std::ostringstream msg;
    msg.precision(10);
    msg << at_line(s, line) << out.name() << ": the series covers t = " << t.front() << " s to "
        << t.back() << " s, wholly outside the run (0 s to " << t_end << " s";
    if (!s.start.empty()) msg << " from [simulation] start = " << s.start;
    msg << "); check the times of the file and [simulation] start";
    throw InputError(msg.str());
  }
  return out;
}

/// The [[channel]] tables as terrain channels: one per centreline (a lines file may hold
/// several), each with the table's cross-section.
std::vector<terrain::ChannelSpec> channel_specs(const Scenario& s, const std::string& crs_wkt) {
  std::vector<terrain::ChannelSpec> out;
  for (const auto& c : s.channels) {
    terrain::ChannelSpec spec;
    spec.name = c.name;
    spec.width = c.width;
    spec.depth = c.depth;
    spec.manning = c.manning;
    spec.design_depth = c.design_depth;
    spec.model = c.model;
    spec.where = at_line(s, c.line) + "[[channel]] '" + c.name + "'";
    try {
      if (!c.profile.empty()) terrain::read_channel_profile(c.profile, spec);
    } catch (const InputError& e) {
      throw InputError(at_line(s, c.line) + e.what());
    }
    if (!c.vertex_widths.empty()) {
      double chain = 0;
      for (std::size_t k = 0; k < c.vertices.size(); ++k) {
        if (k > 0) {
          chain += std::hypot(c.vertices[k][0] - c.vertices[k - 1][0],
                              c.vertices[k][1] - c.vertices[k - 1][1]);
        }
        if (k > 0 && !(chain > spec.chainage.back())) continue;  // repeated vertex
        spec.chainage.push_back(chain);
        spec.widths.push_back(c.vertex_widths[k]);
        spec.beds.push_back(c.vertex_beds[k]);
      }
    }
    std::vector<std::vector<terrain::Point2>> lines;
    if (!c.centreline.empty()) {
      lines = terrain::read_centrelines(c.centreline, c.layer, crs_wkt);
    } else {
      lines.emplace_back(c.vertices.begin(), c.vertices.end());
    }
    if (lines.size() > 1 && !spec.chainage.empty()) {
      throw InputError(spec.where + ": a profile needs a single centreline; '" + c.centreline +
                       "' holds " + std::to_string(lines.size()) + " lines");
    }
    for (std::size_t k = 0; k < lines.size(); ++k) {
      spec.line = lines[k];
      out.push_back(spec);
      if (lines.size() > 1) out.back().where += " (line " + std::to_string(k + 1) + ")";
    }
  }
  return out;
}

terrain::RainTiming timing_of(const std::string& text) {
  return text == "period-beginning" ? terrain::RainTiming::period_beginning
                                    : terrain::RainTiming::period_ending;
}

}  // namespace

Forecast prepare(const Scenario& s, const std::shared_ptr<solver::Decomposition>& processes) {
  Forecast f;
  f.scenario = s;

  terrain::ElevationOptions eo;
  eo.cell_size_x = static_cast<Real>(s.cell_size);
  eo.resampling = s.resampling;
  eo.basin = s.basin;
  terrain::Raster dem = terrain::load_elevation(s.elevation, eo);
  f.crs_wkt = dem.crs_wkt;
  solver::Grid& grid = dem.grid;  // its kept rows are set below under a decomposition
  {
    std::ostringstream n;
    n << "terrain: " << s.elevation << ", " << grid.nx << " x " << grid.ny << " cells of "
      << grid.dx << " x " << grid.dy << " m";
    f.notes.push_back(n.str());
  }
  for (const auto& w : s.warnings) f.notes.push_back("warning: " + w);
  for (const auto& w : dem.warnings) f.notes.push_back("warning: " + w);
  // Conditioning sees the bare DEM: buildings and levees burnt in later are not filled around.
  if (s.condition.find("breach") != std::string::npos) {
    terrain::BreachOptions bo;
    if (s.breach_max_depth > 0) bo.max_depth = s.breach_max_depth;
    if (s.breach_max_length > 0) bo.max_length = s.breach_max_length;
    if (s.breach_max_volume > 0) bo.max_volume = s.breach_max_volume;
    const terrain::BreachReport r =
        terrain::breach_depressions(dem.values, grid.nx, grid.ny, grid.dx, grid.dy, bo);
    f.notes.push_back("terrain conditioning (breach): " + r.summary());
  }
  if (s.condition.find("fill") != std::string::npos) {
    terrain::ConditioningOptions co;
    if (s.condition_max_depth > 0) co.max_depth = s.condition_max_depth;
    if (s.condition_max_volume > 0) co.max_volume = s.condition_max_volume;
    const terrain::ConditioningReport r =
        terrain::fill_depressions(dem.values, grid.nx, grid.ny, grid.dx, grid.dy, co);
    f.notes.push_back("terrain conditioning (fill): " + r.summary());
  }
  if (!s.buildings.empty()) {
    terrain::BuildingOptions bo;
    bo.mode = s.buildings_mode == "block" ? terrain::BuildingMode::block
                                          : terrain::BuildingMode::raise;
    bo.height = static_cast<Real>(s.buildings_height);
    const std::size_t n = terrain::burn_buildings(s.buildings, grid, f.crs_wkt, dem.values, bo);
    f.notes.push_back("buildings: " + std::to_string(n) + " cells from " + s.buildings);
  }
  if (!s.levees.empty()) {
    terrain::LeveeOptions lo;
    lo.crest_height = static_cast<Real>(s.levee_crest_height);
    const std::size_t n = terrain::burn_levees(s.levees, grid, f.crs_wkt, dem.values, lo);
    f.notes.push_back("levees: " + std::to_string(n) + " cells from " + s.levees);
  }

  // Channels narrower than a cell (terrain/channel_burn.hpp): beds now, their Manning n once
  // the floodplain's is known.
  std::vector<terrain::ChannelReport> channels;
  const auto specs = channel_specs(s, f.crs_wkt);
  const bool burns = std::any_of(specs.begin(), specs.end(),
                                 [](const auto& spec) { return spec.model == "burn"; });
  // Allocated only for a run with burnt channels (16 M cells: 144 MB to clear otherwise).
  std::vector<Real> channel_n(burns ? grid.cell_count() : 0, Real(0));
  std::vector<std::uint8_t> channel_cells(burns ? grid.cell_count() : 0, 0);
  std::vector<solver::ChannelReach> subgrid;  // added once the simulation exists
  for (const auto& spec : specs) {
    if (spec.model == "burn") {
      channels.push_back(terrain::burn_channel(grid, dem.values, channel_n, channel_cells, spec));
      f.notes.push_back(channels.back().summary());
    } else {
      terrain::SubgridChannel ch = terrain::subgrid_channel(grid, dem.values, spec);
      f.notes.push_back(ch.summary());
      channels.push_back(std::move(ch.report));
      subgrid.push_back(std::move(ch.reach));
    }
  }

  solver::SolverConfig cfg;
  cfg.scheme = s.scheme;
  cfg.limiter = s.limiter;
  cfg.cfl = static_cast<Real>(s.cfl);
  cfg.max_dt = static_cast<Real>(s.max_dt);
  cfg.local_levels = s.local_levels;
  if (processes && processes->size() > 1) {
    // Memory per process (docs/mpi.md): the blocks now, from the conditioned bed, so that
    // every field below is filled in this process's rows only (rank 0 too: its writers are
    // served the others' rows, Simulation::on_root).
    processes->set_rows(solver::block_rows(grid, dem.values, processes->size(), cfg.scheme));
    solver::keep_block(grid, *processes);
  }
  f.sim = std::make_unique<solver::Simulation>(grid, dem.values, cfg);
  solver::Simulation& sim = *f.sim;

  if (!s.landcover.empty()) {
    sim.set_manning(terrain::manning_from_landcover(s.landcover, grid, f.crs_wkt, dem.values,
                                                    s.landcover_manning));
  } else if (s.manning.is_raster()) {
    sim.set_manning(terrain::load_manning(s.manning.path, grid, f.crs_wkt, dem.values));
  } else {
    sim.set_manning(static_cast<Real>(*s.manning.number));
  }
  if (burns) {  // the burnt channels' n over the floodplain's
    std::vector<Real> n(grid.cell_count());
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                       static_cast<std::size_t>(i);
        n[c] = channel_cells[c] != 0 ? channel_n[c] : sim.manning()[grid.index(i, j)];
      }
    }
    sim.set_manning(n);
  }
  for (const auto& reach : subgrid) sim.add_channel(reach);

  if (!s.initial_state.empty()) {
    const double t = io::read_final_state(s.initial_state, sim);
    std::ostringstream n;
    n << "hot start: state at t = " << t << " s of " << s.initial_state;
    f.notes.push_back(n.str());
  } else if (s.initial_water_level) {
    sim.set_water_level(field(*s.initial_water_level, grid, f.crs_wkt, dem.values,
                              "initial water level raster", -1e5, 1e5));
  } else if (s.initial_depth.is_raster() || *s.initial_depth.number != 0 || !subgrid.empty()) {
    sim.set_depth(
        field(s.initial_depth, grid, f.crs_wkt, dem.values, "initial depth raster", 0, 1e4));
  }  // else dry: the simulation starts so (no grid of zeros is built)

  // Rainfall.
  const terrain::RainUnits units = terrain::parse_rain_units(s.rain_units);
  if (!s.rain_stations.empty()) {
    std::vector<terrain::Station> stations = terrain::read_stations(s.rain_stations);
    if (!s.rain_station_crs.empty()) {
      terrain::transform_stations(stations, f.crs_wkt, s.rain_station_crs, s.rain_stations);
    }
    terrain::SeriesOptions so;
    so.what = "rain series";
    so.origin = s.start;
    const terrain::SeriesTable table = terrain::read_series(s.rain_series, so);
    for (const auto& w : terrain::check_stations(grid, stations, table.columns, table.time_column,
                                                 s.rain_stations, s.rain_series)) {
      f.notes.push_back("warning: " + w);
    }
    terrain::GaugeRainOptions go;
    go.units = units;
    go.interpolation = terrain::parse_interpolation(s.rain_interpolation);
    go.idw_power = static_cast<Real>(s.rain_idw_power);
    go.timing = timing_of(s.rain_timing);
    if (s.rain_fallback) go.fallback_rate = static_cast<Real>(*s.rain_fallback / 3.6e6);
    f.rain = std::make_shared<terrain::RainfallField>(
        terrain::RainfallField::from_gauges(grid, stations, table, go));
    f.notes.push_back("rain: " + std::to_string(stations.size()) + " gauges, " +
                      s.rain_interpolation + ", " + std::to_string(table.times.size()) +
                      " times from " + s.rain_series);
  } else if (!s.rain_uniform.empty()) {
    terrain::SeriesOptions so;
    so.what = "hyetograph";
    so.origin = s.start;
    so.allow_missing = false;
    f.rain = std::make_shared<terrain::RainfallField>(terrain::RainfallField::uniform(
        grid, terrain::read_series(s.rain_uniform, so), units, timing_of(s.rain_timing)));
    f.notes.push_back("rain: uniform hyetograph " + s.rain_uniform);
  } else if (!s.rain_grids.empty()) {
    terrain::GriddedRainOptions ro;
    ro.units = units;
    ro.timing = timing_of(s.rain_timing);
    f.rain = std::make_shared<terrain::RainfallField>(terrain::RainfallField::from_stack(
        grid, f.crs_wkt, s.rain_grids, terrain::raster_band_times(s.rain_grids, s.start), ro));
    f.notes.push_back("rain: gridded " + s.rain_grids);
  }

  if (f.rain) {
    f.rain->set_after_end(solver::parse_after_end(s.rain_after_end, "[rainfall] after_end"),
                          s.file + ": [rainfall]");
  }

  // Infiltration.
  if (s.infiltration_model == "green-ampt") {
    // A number stays one value (the model keeps uniform soil so, without grids).
    const auto ks = parameter(s.ks, grid, f.crs_wkt, dem.values, "Green-Ampt ks raster", 0, 1);
    const auto psi =
        parameter(s.psi, grid, f.crs_wkt, dem.values, "Green-Ampt psi raster", 0, 100);
    const auto dth =
        parameter(s.dtheta, grid, f.crs_wkt, dem.values, "Green-Ampt dtheta raster", 0, 1);
    sim.set_loss_model(std::make_shared<solver::GreenAmpt>(grid, ks, psi, dth));
    f.notes.push_back("infiltration: Green-Ampt");
  } else if (s.infiltration_model == "scs-cn") {
    const auto cn =
        field(s.curve_number, grid, f.crs_wkt, dem.values, "curve number raster", 1, 100);
    // The curve-number model follows the rain the simulation adds (LossModel::compute).
    f.curve_number = std::make_shared<solver::ScsCurveNumber>(
        grid, cn, static_cast<Real>(s.initial_abstraction_ratio));
    sim.set_loss_model(f.curve_number);
    f.notes.push_back("infiltration: SCS curve number");
  }

  // Rain wholly outside the run would fall on nothing: refused.
  if (f.rain) {
    terrain::check_rain_period(*f.rain, static_cast<Real>(s.duration),
                               "rain '" + s.rain_series + s.rain_uniform + s.rain_grids + "'",
                               s.start);
  }

  // Boundaries.
  for (const auto& b : s.boundaries) {
    solver::BoundaryCondition bc;
    bc.side = b.side;
    bc.type = b.type;
    const std::string what =
        "boundary " + solver::to_string(b.side) + " " + solver::to_string(b.type) + " series";
    if (b.series.number || !b.series.path.empty()) {
      bc.series = series(b.series, s, what, b.type == solver::BoundaryType::water_level, b.line);
    }
    if (b.from) bc.from = static_cast<Real>(*b.from);
    if (b.to) bc.to = static_cast<Real>(*b.to);
    try {
      sim.add_boundary(bc);
    } catch (const ConfigError& e) {
      throw ConfigError(at_line(s, b.line) + e.what());
    }
  }
  for (const auto& p : s.point_sources) {
    // Read outside the try: a series the file cannot give is an input error, not a config one.
    solver::TimeSeries q =
        series(p.series, s, "point source '" + p.name + "' series", true, p.line);
    try {
      if (!p.channel.empty()) {
        const terrain::ChannelCell* best = nullptr;
        for (const auto& ch : channels) {
          if (ch.name != p.channel) continue;
          const terrain::ChannelCell& c = ch.at_chainage(p.chainage);
          if (best == nullptr || std::abs(c.chainage - p.chainage) <
                                     std::abs(best->chainage - p.chainage)) {
            best = &c;
          }
        }
        if (best == nullptr) throw InputError("no channel '" + p.channel + "' in the grid");
        sim.add_point_source(static_cast<Real>(grid.x_center(best->i)),
                             static_cast<Real>(grid.y_center(best->j)), std::move(q), p.name);
        std::ostringstream n;
        n << "inflow '" << p.name << "': into channel '" << p.channel << "' at chainage "
          << best->chainage << " m (cell " << best->i << ", " << best->j << ")";
        f.notes.push_back(n.str());
      } else if (!p.polygon.empty() || p.center) {
        const auto shape = p.center ? terrain::circle_polygon(*p.center, p.radius) : p.polygon;
        const auto shares = terrain::add_area_source(sim, dem.values, shape, q, p.name);
        f.notes.push_back("inflow '" + p.name + "': spread over " +
                          std::to_string(shares.size()) + " cells");
      } else {
        sim.add_point_source(static_cast<Real>(p.x), static_cast<Real>(p.y), std::move(q),
                             p.name);
      }
    } catch (const InputError& e) {
      throw ConfigError(at_line(s, p.line) + e.what());
    }
  }

  // Gauges.
  for (const auto& g : s.gauges) {
    const double fi = (g.x - grid.origin_x) / grid.dx;
    const double fj = (grid.origin_y - g.y) / grid.dy;
    if (!(fi >= 0 && fi < grid.nx && fj >= 0 && fj < grid.ny)) {
      std::ostringstream msg;
      msg << at_line(s, g.line) << "gauge '" << g.name << "' at (" << g.x << ", " << g.y
          << ") lies outside the grid (x " << grid.origin_x << " to "
          << grid.origin_x + grid.nx * grid.dx << ", y " << grid.origin_y - grid.ny * grid.dy
          << " to " << grid.origin_y << ")";
      throw ConfigError(msg.str());
    }
    Gauge gauge{g, static_cast<int>(fi), static_cast<int>(fj)};
    if (!sim.is_active(gauge.i, gauge.j)) {
      throw ConfigError(at_line(s, g.line) + "gauge '" + g.name +
                        "' lies in an inactive (no-data) cell");
    }
    f.gauges.push_back(gauge);
  }
  // Cross-sections.
  for (const auto& c : s.cross_sections) {
    std::vector<solver::LinePoint> line;
    for (const auto& p : c.points) {
      line.push_back({static_cast<Real>(p[0]), static_cast<Real>(p[1])});
    }
    try {
      sim.add_cross_section(c.name, std::move(line));
    } catch (const InputError& e) {
      throw ConfigError(at_line(s, c.line) + e.what());
    }
  }
  // The simulation holds the bed: the DEM's copy is freed before the maps are allocated, so
  // that the peak memory of a run does not hold both (`grid` is still needed).
  std::vector<Real>().swap(dem.values);
  f.maps = std::make_unique<solver::FloodMaps>(grid, static_cast<Real>(s.flood_threshold));
  return f;
}

}  // namespace floodtwin::driver
