#include "driver/forecast.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "driver/inputs.hpp"
#include "driver/vtk_output.hpp"
#include "floodtwin/version.hpp"
#include "io/checkpoint.hpp"
#include "io/file_lock.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
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

namespace fs = std::filesystem;
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

Forecast prepare(const Scenario& s) {
  Forecast f;
  f.scenario = s;

  terrain::ElevationOptions eo;
  eo.cell_size_x = static_cast<Real>(s.cell_size);
  eo.resampling = s.resampling;
  eo.basin = s.basin;
  terrain::Raster dem = terrain::load_elevation(s.elevation, eo);
  f.crs_wkt = dem.crs_wkt;
  const solver::Grid& grid = dem.grid;
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
  cfg.cfl = static_cast<Real>(s.cfl);
  cfg.max_dt = static_cast<Real>(s.max_dt);
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
  } else {
    sim.set_depth(
        field(s.initial_depth, grid, f.crs_wkt, dem.values, "initial depth raster", 0, 1e4));
  }

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
    const auto ks = field(s.ks, grid, f.crs_wkt, dem.values, "Green-Ampt ks raster", 0, 1);
    const auto psi = field(s.psi, grid, f.crs_wkt, dem.values, "Green-Ampt psi raster", 0, 100);
    const auto dth =
        field(s.dtheta, grid, f.crs_wkt, dem.values, "Green-Ampt dtheta raster", 0, 1);
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
  f.maps = std::make_unique<solver::FloodMaps>(grid, static_cast<Real>(s.flood_threshold));
  return f;
}

namespace {

/// Checkpoint metadata key of the cross-section and boundary flow totals.
constexpr const char* flows_key = "flow_accounts";

/// FlowAccounts::totals() as text (numbers that round-trip exactly).
std::string format_flows(const solver::FlowAccounts& flows) {
  std::string out;
  char number[40];
  for (const double v : flows.totals()) {
    std::snprintf(number, sizeof number, "%.17g", v);
    if (!out.empty()) out.push_back(' ');
    out += number;
  }
  return out;
}

void restore_flows(solver::FlowAccounts& flows, const std::string& text, const std::string& file) {
  std::vector<double> values;
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end != '\0') {
      throw InputError(file + ": metadata/" + flows_key + " holds '" + token +
                       "' where a number was expected");
    }
    values.push_back(v);
  }
  try {
    flows.restore_totals(values);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what() + " (the scenario's cross-sections or boundaries "
                     "changed since the checkpoint)");
  }
}

/// Checkpoint metadata key of the gauge warnings fired so far.
constexpr const char* warnings_key = "gauge_warnings";
constexpr char field_separator = '\x1f';  // ASCII unit separator: not in gauge names

/// One line per warning: gauge, what, threshold, value, time (numbers round-trip exactly).
std::string format_warnings(const std::vector<Warning>& warnings) {
  std::string out;
  char number[3][40];
  for (const Warning& w : warnings) {
    std::snprintf(number[0], sizeof number[0], "%.17g", w.threshold);
    std::snprintf(number[1], sizeof number[1], "%.17g", w.value);
    std::snprintf(number[2], sizeof number[2], "%.17g", w.time);
    out.append(w.gauge).push_back(field_separator);
    out.append(w.what).push_back(field_separator);
    out.append(number[0]).push_back(field_separator);
    out.append(number[1]).push_back(field_separator);
    out.append(number[2]).push_back('\n');
  }
  return out;
}

std::vector<Warning> parse_warnings(const std::string& text, const std::string& file) {
  std::vector<Warning> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::istringstream parts(line);
    std::string part;
    while (std::getline(parts, part, field_separator)) fields.push_back(part);
    Warning w;
    try {
      if (fields.size() != 5) throw std::invalid_argument("fields");
      w.gauge = fields[0];
      w.what = fields[1];
      w.threshold = std::stod(fields[2]);
      w.value = std::stod(fields[3]);
      w.time = std::stod(fields[4]);
    } catch (const std::exception&) {
      throw InputError(file + ": metadata/" + warnings_key + " holds a malformed line '" + line +
                       "' (expected gauge, what, threshold, value, time)");
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

RunSummary run(Forecast& f, const RunOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const Scenario& s = f.scenario;
  solver::Simulation& sim = *f.sim;
  solver::FloodMaps& maps = *f.maps;
  // Decomposed over MPI processes (Simulation::set_decomposition, docs/mpi.md): every process
  // steps its rows; rank 0 alone writes, after gathering the state and maps (`sync`).
  solver::Decomposition* const decomposition = sim.decomposition();
  const bool split = sim.decomposed();
  const bool root = !split || decomposition->rank() == 0;
  if (split && !s.vtk_dir.empty()) {
    throw ConfigError(s.file + ": [output] vtk is not supported on more than one MPI process "
                               "yet; run without mpirun, or use `floodtwin vtk` on the results");
  }
  auto sync = [&]() {
    if (!split) return;
    sim.gather_to_root();
    for (std::vector<Real>* m : {&maps.max_depth, &maps.max_speed, &maps.max_water_level,
                                 &maps.time_of_max_depth, &maps.arrival_time, &maps.flood_duration,
                                 &maps.max_hazard}) {
      decomposition->gather_to_root(m->data(), sim.grid());
    }
  };
  {
    // A run past the end of a forcing series is refused before anything is written.
    const double end = options.until ? *options.until : s.duration;
    sim.check_forcing(static_cast<Real>(end));
    if (f.rain) f.rain->check_covers(static_cast<Real>(end));
  }
  RunSummary summary;
  summary.results = options.output.empty() ? s.output : options.output;
  const fs::path results(summary.results);
  // Safe outputs (driver/inputs.hpp): never over an input; one run per output, locked before
  // anything is written (`<results>.lock`, `<vtk>.lock`).
  refuse_outputs_over_inputs(s, summary.results, s.vtk_dir, "run:");
  if (!options.resume.empty()) {  // the checkpoint resumed from is an input too
    for (const fs::path& out : {results, io::partial_path(results)}) {
      io::refuse_output_over_inputs(out, {options.resume}, "run: --output over --resume");
    }
  }
  if (results.has_parent_path()) fs::create_directories(results.parent_path());
  std::optional<io::FileLock> results_lock;
  if (root) results_lock.emplace(io::lock_path(results), "run of " + s.file);
  std::optional<io::FileLock> vtk_lock;
  if (!s.vtk_dir.empty()) {
    fs::path vtk_path = fs::path(s.vtk_dir).lexically_normal();
    if (vtk_path.filename().empty()) vtk_path = vtk_path.parent_path();
    if (vtk_path.has_parent_path()) fs::create_directories(vtk_path.parent_path());
    vtk_lock.emplace(io::lock_path(vtk_path), "run of " + s.file + " ([output] vtk)");
  }
  const std::string inputs = inputs_hash(s);
  std::string run_id;

  // Resuming: the outputs up to the checkpoint's time come from the interrupted run's files.
  std::optional<double> resume_time;
  if (!options.resume.empty()) {
    const io::CheckpointInfo head = io::read_checkpoint_info(options.resume);
    run_id = check_checkpoint(options.resume, head.time, head.scheme, head.metadata, s, inputs,
                              options.until ? *options.until : s.duration);
    const io::CheckpointInfo info = io::read_checkpoint(options.resume, sim, &maps);
    resume_time = static_cast<double>(sim.time());
    // The gauge warnings of the interrupted run hold for the whole event: not fired twice.
    if (const auto it = info.metadata.find(warnings_key); it != info.metadata.end()) {
      for (Warning w : parse_warnings(it->second, options.resume)) {
        w.before_resume = true;
        summary.warnings.push_back(std::move(w));
      }
    }
    // Cross-section and boundary volumes go on counting (a checkpoint without them, of a run
    // without sections, starts them at zero).
    if (const auto it = info.metadata.find(flows_key); it != info.metadata.end()) {
      restore_flows(sim.flows(), it->second, options.resume);
    }
  }

  io::ResultsOptions ro;
  ro.start_time = s.start;
  ro.crs_wkt = f.crs_wkt;
  ro.title = options.title.empty() ? "floodtwin forecast: " + fs::path(s.file).filename().string()
                                   : options.title;
  ro.scenario_text = s.text;
  ro.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  ro.deflate_level = s.compression;
  ro.attributes["scenario_file"] = s.file;
  std::string cmd;
  for (const auto& a : options.command_line) cmd += (cmd.empty() ? "" : " ") + a;
  if (!cmd.empty()) ro.attributes["command_line"] = cmd;
  if (!options.resume.empty()) ro.attributes["resumed_from"] = options.resume;
  ro.attributes[inputs_hash_key] = inputs;
  ro.run_id = run_id;  // empty: a fresh one
  for (const auto& g : f.gauges) ro.gauges.push_back({g.spec.name, g.spec.x, g.spec.y});
  ro.carry_over_until = resume_time;
  std::optional<io::ResultsWriter> writer_on_root;
  if (root) writer_on_root.emplace(results, sim, ro);
  io::ResultsWriter* const writer = root ? &*writer_on_root : nullptr;
  if (resume_time && writer != nullptr) {
    summary.notes.push_back("results: " + writer->carry_over_note());
    writer->write_flood_maps(sim, maps);  // the peak maps so far, until the next snapshot
  }
  // [output] vtk = "dir": the snapshots and peak maps also as a VTK series for ParaView.
  // The writer is registered by the program (driver/vtk_output.hpp): the driver links no VTK.
  std::unique_ptr<VtkOutput> vtk;
  if (!s.vtk_dir.empty()) {
    const VtkOutputFactory make_vtk = vtk_output_factory();
    if (make_vtk == nullptr) {
      throw ConfigError(s.file + ": [output] vtk needs floodtwin built with the viz module (VTK)");
    }
    VtkOutputRequest vr;
    vr.dir = s.vtk_dir;
    vr.crs_wkt = f.crs_wkt;
    vr.title = fs::path(s.file).filename().string();
    vr.start_time = s.start;
    vr.threshold = maps.threshold();
    for (const auto& g : f.gauges) vr.stations.push_back({g.spec.name, g.spec.x, g.spec.y});
    vr.resume_time = resume_time;
    vtk = make_vtk(vr, sim);
    if (resume_time) {
      summary.notes.push_back("vtk: " + std::to_string(vtk->steps()) + " output times kept in " +
                              s.vtk_dir + "/flood.pvd");
    }
  }
  auto write_vtk = [&](bool peaks) {
    if (vtk && peaks) vtk->write_peaks(maps, sim);
    if (vtk && !peaks) vtk->write(sim);
  };

  auto ensure_rain = [&](Real t) {
    if (!f.rain) return;
    const std::vector<Real> rate = f.rain->rate_at(t);
    sim.set_rain_rate(rate);
  };
  const double duration = options.until ? *options.until : s.duration;
  const double out_dt = s.output_interval;
  const double gauge_dt = s.gauge_interval > 0 ? s.gauge_interval : s.output_interval;
  const double ckpt_dt = options.checkpoint_every;
  auto next_multiple = [](double t, double every) {
    const double k = std::floor(t / every + 1e-9) + 1;
    return k * every;
  };
  std::vector<bool> warned_depth(f.gauges.size(), false), warned_level(f.gauges.size(), false);
  for (const Warning& w : summary.warnings) {
    for (std::size_t g = 0; g < f.gauges.size(); ++g) {
      if (f.gauges[g].spec.name != w.gauge) continue;
      (w.what == "depth" ? warned_depth : warned_level)[g] = true;
    }
  }
  bool any_thresholds = false;
  for (const Gauge& gauge : f.gauges) {
    any_thresholds = any_thresholds || gauge.spec.warning_depth || gauge.spec.warning_level;
  }
  std::vector<double> gauge_depths(f.gauges.size(), 0.0);
  std::vector<int> gauge_rows(f.gauges.size(), 0);
  auto check_warnings = [&]() {
    if (!any_thresholds) return;
    const auto [own0, own1] = sim.owned_rows();
    for (std::size_t g = 0; g < f.gauges.size(); ++g) {
      const Gauge& gauge = f.gauges[g];
      // Decomposed: only this process's rows (the halo rows may be in flight, docs/mpi.md).
      const bool mine = gauge.j >= own0 && gauge.j < own1;
      gauge_depths[g] =
          mine ? sim.h()[static_cast<std::size_t>(sim.grid().index(gauge.i, gauge.j))] : 0;
      gauge_rows[g] = gauge.j;
    }
    // Decomposed: each gauge's depth from the process that computes its cell.
    if (split) decomposition->merge_tagged(gauge_depths, gauge_rows);
    for (std::size_t g = 0; g < f.gauges.size(); ++g) {
      const Gauge& gauge = f.gauges[g];
      const auto k = static_cast<std::size_t>(sim.grid().index(gauge.i, gauge.j));
      const double h = gauge_depths[g];
      const double level = h + sim.z()[k];
      auto fire = [&](const char* what, double threshold, double value) {
        Warning w{gauge.spec.name, what, threshold, value, sim.time()};
        summary.warnings.push_back(w);
        if (options.on_warning && root) options.on_warning(w);
      };
      if (gauge.spec.warning_depth && !warned_depth[g] && h > *gauge.spec.warning_depth) {
        warned_depth[g] = true;
        fire("depth", *gauge.spec.warning_depth, h);
      }
      if (gauge.spec.warning_level && !warned_level[g] && h > 0.01 &&
          level > *gauge.spec.warning_level) {
        warned_level[g] = true;
        fire("water level", *gauge.spec.warning_level, level);
      }
    }
  };
  // Collective when decomposed (Simulation::wet_cells, mass_balance: the whole grid's numbers,
  // bitwise one process's): every process calls progress() at the same steps, rank 0 reports.
  auto progress = [&]() {
    if (!options.on_progress) return;
    const std::size_t wet = sim.wet_cells(static_cast<Real>(s.flood_threshold));
    const solver::MassBalance balance = sim.mass_balance();
    if (!root) return;
    Progress p;
    p.time = sim.time();
    p.duration = duration;
    p.wall = std::chrono::duration<double>(clock::now() - start).count();
    p.dt = sim.last_dt();
    p.steps = sim.steps();
    p.wet_cells = wet;
    p.balance_error = balance.relative_error();
    options.on_progress(p);
  };
  auto checkpoint = [&]() {
    sync();  // collective; a checkpoint of N processes is the one-process checkpoint
    if (!root) return;
    const fs::path cp = io::checkpoint_path(results, sim.time());
    std::map<std::string, std::string> metadata =
        checkpoint_dependencies(s, writer->run_id(), inputs);
    metadata["scenario_file"] = s.file;
    metadata["floodtwin_version"] = floodtwin::version;
    metadata[warnings_key] = format_warnings(summary.warnings);
    metadata[flows_key] = format_flows(sim.flows());
    io::write_checkpoint(cp, sim, &maps, metadata);
    summary.checkpoints.push_back(cp.string());
  };

  if (options.resume.empty()) {
    maps.record_initial_state(sim);  // a cell that starts flooded: its initial depth is a peak
    if (writer != nullptr) {
      writer->write_snapshot(sim, &maps);
      write_vtk(false);
      writer->write_gauges(sim);
    }
  }
  check_warnings();
  progress();
  auto last_report = clock::now();
  const auto report_every = std::chrono::duration<double>(std::max(0.0, options.progress_every));
  bool stopped = false;
  while (sim.time() < duration && !stopped) {
    const double t = sim.time();
    ensure_rain(static_cast<Real>(t));
    double target = std::min(duration, next_multiple(t, out_dt));
    target = std::min(target, next_multiple(t, gauge_dt));
    if (ckpt_dt > 0) target = std::min(target, next_multiple(t, ckpt_dt));
    if (f.rain) target = std::min(target, static_cast<double>(f.rain->next_change(static_cast<Real>(t))));
    int since_check = 0;
    const bool reached = sim.advance_to(static_cast<Real>(target), [&](Real dt) {
      maps.update(sim, dt);
      check_warnings();
      if (++since_check % 20 == 0) {
        bool stop = options.stop != nullptr && options.stop->load();
        bool report = clock::now() - last_report >= report_every;
        if (split) {  // every process stops, and reports (rank 0's clock), at the same step
          std::array<double, 2> flags{stop ? 1.0 : 0.0, root && report ? 1.0 : 0.0};
          decomposition->max_each(flags);
          stop = flags[0] > 0;
          report = flags[1] > 0;
        }
        if (stop) return false;
        if (report) {
          last_report = clock::now();
          progress();
        }
      }
      return true;
    });
    if (!reached) {
      stopped = true;
      break;
    }
    const double now = sim.time();
    const bool at_output = std::abs(now - next_multiple(t, out_dt)) < 1e-9 * std::max(1.0, now) ||
                           now >= duration;
    const bool at_gauge = std::abs(now - next_multiple(t, gauge_dt)) < 1e-9 * std::max(1.0, now);
    if (at_gauge || at_output) sync();
    if ((at_gauge || at_output) && writer != nullptr) writer->write_gauges(sim);
    if (at_output) {
      if (writer != nullptr) writer->write_snapshot(sim, &maps);
      write_vtk(false);
      last_report = clock::now();
      progress();
    }
    if (ckpt_dt > 0 && std::abs(now - next_multiple(t, ckpt_dt)) < 1e-9 * std::max(1.0, now) &&
        now < duration) {
      checkpoint();
    }
    bool stop = options.stop != nullptr && options.stop->load();
    if (split) stop = decomposition->any(stop);
    if (stop) stopped = true;
  }
  sync();  // the final state and maps on rank 0
  summary.wall = std::chrono::duration<double>(clock::now() - start).count();
  summary.steps = sim.steps();
  summary.balance = sim.mass_balance();
  const solver::Grid& grid = sim.grid();
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      summary.max_depth = std::max(summary.max_depth, static_cast<double>(maps.max_depth[k]));
      if (maps.max_depth[k] > maps.threshold()) summary.flooded_area += grid.cell_area();
    }
  }
  if (stopped) {
    checkpoint();
    write_vtk(true);  // the peak maps so far
    summary.interrupted = true;
    return summary;  // the writer leaves the .partial file readable up to its last snapshot
  }
  write_vtk(true);
  if (writer != nullptr) writer->finalize(&maps, summary.wall);
  return summary;
}

}  // namespace floodtwin::driver
