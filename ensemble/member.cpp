#include "ensemble/member.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "driver/inputs.hpp"
#include "ensemble/sampling.hpp"
#include "impacts/inputs.hpp"
#include "impacts/run.hpp"
#include "io/file_lock.hpp"
#include "io/results_writer.hpp"
#include "solver/error.hpp"
#include "solver/gauge_sample.hpp"
#include "solver/infiltration.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/roughness.hpp"

namespace floodtwin::ensemble {

namespace fs = std::filesystem;
using solver::Real;

namespace {

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string member_path(const std::string& pattern, int k) {
  std::string out = pattern;
  const std::string key = "{member}";
  for (auto p = out.find(key); p != std::string::npos; p = out.find(key)) {
    out.replace(p, key.size(), std::to_string(k));
  }
  return out;
}

/// A per-cell parameter as prepare() builds it: a number or a raster on the grid.
std::vector<Real> cell_field(const scenarios::NumberOrRaster& v, const driver::Forecast& f,
                             const std::string& what, Real lo, Real hi) {
  const solver::Grid& grid = f.sim->grid();
  if (!v.is_raster()) return std::vector<Real>(grid.cell_count(), static_cast<Real>(*v.number));
  const std::vector<Real> z = f.sim->elevation();
  return terrain::load_cell_parameter(v.path, grid, f.crs_wkt, z, what, lo, hi);
}

/// The member's rain: the scenario's rain field with its interval bounds moved by `shift`
/// seconds and its rates multiplied by `factor`. Interval k of the field is looked up at its
/// midpoint, so the shifted bounds never meet a rounding of t - shift.
class MemberRain {
 public:
  MemberRain(const terrain::RainfallField& rain, double factor, double shift)
      : rain_(rain), factor_(static_cast<Real>(factor)) {
    for (const Real b : rain.bounds()) bounds_.push_back(b + static_cast<Real>(shift));
  }
  [[nodiscard]] std::vector<Real> rate_at(Real t) const {
    const auto& orig = rain_.bounds();
    const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t);
    std::vector<Real> r;
    if (it == bounds_.end()) {
      r = rain_.rate_at(orig.empty() ? t : orig.back());  // past the end: the field's rule
    } else if (it == bounds_.begin()) {
      r.assign(rain_.grid().cell_count(), Real(0));
    } else {
      const auto k = static_cast<std::size_t>(it - bounds_.begin() - 1);
      r = rain_.rate_at(orig[k] + (orig[k + 1] - orig[k]) / 2);
    }
    if (factor_ != Real(1)) {
      for (Real& v : r) v *= factor_;
    }
    return r;
  }
  [[nodiscard]] const std::vector<Real>& bounds() const { return bounds_; }
  [[nodiscard]] Real next_change(Real t) const {
    const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t);
    return it == bounds_.end() ? std::numeric_limits<Real>::infinity() : *it;
  }

 private:
  const terrain::RainfallField& rain_;
  Real factor_;
  std::vector<Real> bounds_;
};

}  // namespace

Member draw_member(const EnsembleSpec& spec, int k) {
  Member m;
  m.index = k;
  for (const Perturbation& p : spec.perturbations) {
    const double v = draw(p.distribution, spec.seed, static_cast<std::uint64_t>(k), p.key);
    if (p.key != "rain_shift" && !(v >= 0)) {
      throw ConfigError(spec.file + ":" + std::to_string(p.line) + ": [ensemble] " + p.key +
                        ": member " + std::to_string(k) + " draws a negative factor (" +
                        number_text(v) + ") from " + p.distribution.describe() +
                        "; use a lognormal or uniform distribution, or a smaller sd");
    }
    if (p.key == "rain_factor") m.rain_factor = v;
    if (p.key == "rain_shift") m.rain_shift = v;
    if (p.key == "manning_factor") m.manning_factor = v;
    if (p.key == "ks_factor") m.ks_factor = v;
    if (p.key == "psi_factor") m.psi_factor = v;
    if (p.key == "curve_number_factor") m.curve_number_factor = v;
  }
  if (spec.rain_members.find("{member}") != std::string::npos) {
    m.rain_file = member_path(spec.rain_members, k);
    if (!fs::is_regular_file(m.rain_file)) {
      throw InputError(spec.file + ":" + std::to_string(spec.rain_members_line) +
                       ": [ensemble] rain_members: the file of member " + std::to_string(k) +
                       " is missing: " + m.rain_file);
    }
  }
  return m;
}

double value_of(const Member& m, const std::string& key) {
  if (key == "rain_factor") return m.rain_factor;
  if (key == "rain_shift") return m.rain_shift;
  if (key == "manning_factor") return m.manning_factor;
  if (key == "ks_factor") return m.ks_factor;
  if (key == "psi_factor") return m.psi_factor;
  if (key == "curve_number_factor") return m.curve_number_factor;
  throw ConfigError("unknown ensemble perturbation '" + key + "'");
}

void split_rain_members(const std::string& csv, int members, const fs::path& folder,
                        std::vector<Member>& out, int spec_line, const std::string& spec_file) {
  if (is_netcdf(csv)) {
    split_rain_members_netcdf(csv, members, folder, out, spec_line, spec_file);
    return;
  }
  std::ifstream in(csv, std::ios::binary);
  if (!in) throw IoError(csv + ": cannot read the forecast-rain members");
  const std::string where_spec =
      spec_file + ":" + std::to_string(spec_line) + ": [ensemble] rain_members: ";
  std::vector<std::string> comments;
  std::string header;
  std::map<int, std::vector<std::string>> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t.empty()) continue;
    if (t[0] == '#') {
      if (header.empty()) comments.push_back(line);
      continue;
    }
    const auto c1 = line.find(',');
    const auto c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string::npos) {
      throw InputError(csv + ":" + std::to_string(n) +
                       ": expected time, member and at least one value column");
    }
    const std::string second = trim(line.substr(c1 + 1, c2 - c1 - 1));
    const std::string rest = line.substr(0, c1) + line.substr(c2);
    if (header.empty()) {
      if (second != "member" && second != "realization") {
        throw InputError(csv + ":" + std::to_string(n) +
                         ": the second column must be 'member' (or 'realization'), got '" + second +
                         "' (" + where_spec +
                         "a path without {member} names one "
                         "CSV with a member column)");
      }
      header = rest;
      continue;
    }
    int k = -1;
    std::istringstream is(second);
    if (!(is >> k) || !is.eof() || k < 0) {
      throw InputError(csv + ":" + std::to_string(n) + ": member '" + second +
                       "' is not an integer >= 0");
    }
    if (k < members) rows[k].push_back(rest);
  }
  if (header.empty()) throw InputError(csv + ": no header line (time, member, values...)");
  fs::create_directories(folder);
  for (Member& m : out) {
    const auto it = rows.find(m.index);
    if (it == rows.end()) {
      throw InputError(csv + ": no rows for member " + std::to_string(m.index) + " (" + where_spec +
                       "the ensemble has " + std::to_string(members) + " members, 0-based)");
    }
    const fs::path p = folder / ("rain_member" + std::to_string(m.index) + ".csv");
    std::ofstream f(p, std::ios::binary);
    for (const auto& c : comments) f << c << '\n';
    f << header << '\n';
    for (const auto& r : it->second) f << r << '\n';
    if (!f) throw IoError(p.string() + ": write failed");
    m.rain_file = p.string();
  }
}

driver::Forecast prepare_member(const scenarios::Scenario& base, const Member& m,
                                const std::shared_ptr<solver::Decomposition>& processes) {
  scenarios::Scenario s = base;
  s.vtk_dir.clear();
  if (!m.rain_file.empty()) {
    if (!s.rain_grids.empty()) {
      s.rain_grids = m.rain_file;
    } else if (!s.rain_uniform.empty()) {
      s.rain_uniform = m.rain_file;
    } else {
      s.rain_series = m.rain_file;
    }
  }
  driver::Forecast f = driver::prepare(s, processes);
  apply_member(f, m);
  return f;
}

void apply_member(driver::Forecast& f, const Member& m) {
  const scenarios::Scenario& s = f.scenario;
  solver::Simulation& sim = *f.sim;
  const solver::Grid& grid = sim.grid();
  if (m.manning_factor != 1.0) {
    std::vector<Real> n(grid.cell_count());
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const Real v = sim.manning()[static_cast<std::size_t>(grid.index(i, j))];
        n[static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
          static_cast<std::size_t>(i)] =
            std::isfinite(v) ? v * static_cast<Real>(m.manning_factor) : Real(0);
      }
    }
    sim.set_manning(n);
  }
  if (s.infiltration_model == "green-ampt" && (m.ks_factor != 1.0 || m.psi_factor != 1.0)) {
    auto ks = cell_field(s.ks, f, "Green-Ampt ks raster", 0, 1);
    auto psi = cell_field(s.psi, f, "Green-Ampt psi raster", 0, 100);
    const auto dth = cell_field(s.dtheta, f, "Green-Ampt dtheta raster", 0, 1);
    for (Real& v : ks) v *= static_cast<Real>(m.ks_factor);
    for (Real& v : psi) v *= static_cast<Real>(m.psi_factor);
    sim.set_loss_model(std::make_shared<solver::GreenAmpt>(grid, ks, psi, dth));
  }
  if (s.infiltration_model == "scs-cn" && m.curve_number_factor != 1.0) {
    auto cn = cell_field(s.curve_number, f, "curve number raster", 1, 100);
    for (Real& v : cn)
      v = std::clamp(v * static_cast<Real>(m.curve_number_factor), Real(1), Real(100));
    f.curve_number = std::make_shared<solver::ScsCurveNumber>(
        grid, cn, static_cast<Real>(s.initial_abstraction_ratio));
    sim.set_loss_model(f.curve_number);
  }
}

std::optional<ZoneWarnings> load_zone_warnings(const driver::Forecast& f) {
  const scenarios::Scenario& s = f.scenario;
  if (!s.impacts || s.impacts->levels.empty()) return std::nullopt;
  const solver::Grid& g = f.sim->grid();
  // The grid as impacts::run_impacts reads it back from a results file.
  impacts::GridGeometry grid;
  grid.nx = g.nx;
  grid.ny = g.ny;
  grid.dx = static_cast<double>(g.dx);
  grid.dy = static_cast<double>(g.dy);
  const double x0 = static_cast<double>(g.x_center(0));
  const double x1 = static_cast<double>(g.x_center(g.nx - 1));
  const double y0 = static_cast<double>(g.y_center(0));
  const double y1 = static_cast<double>(g.y_center(g.ny - 1));
  grid.origin_x = std::min(x0, x1) - grid.dx / 2;
  grid.origin_y = std::max(y0, y1) + grid.dy / 2;
  std::vector<std::string> gauges;
  for (const auto& gauge : f.gauges) gauges.push_back(gauge.spec.name);
  const impacts::Zones zones = impacts::load_zones(s.impacts->zones, grid, f.crs_wkt);
  ZoneWarnings w;
  w.zone_id = zones.id;
  w.zone_name = zones.name;
  w.cell_zone = zones.cell_zone;
  w.rules = impacts::load_levels(s.impacts->levels, zones, gauges);
  w.level_order = impacts::zone_level_order(w.rules, zones.size());
  for (const auto& order : w.level_order) {
    for (const auto& level : order) {
      if (std::find(w.levels.begin(), w.levels.end(), level) == w.levels.end()) {
        w.levels.push_back(level);
      }
    }
  }
  w.cell_area = grid.cell_area();
  w.flood_threshold = static_cast<double>(f.maps->threshold());
  w.snapshots = impacts::levels_need_snapshots(w.rules);
  return w;
}

MemberResult run_member(driver::Forecast& f, const Member& m, const MemberRunOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const scenarios::Scenario& s = f.scenario;
  solver::Simulation& sim = *f.sim;
  solver::FloodMaps& maps = *f.maps;
  const solver::Grid& grid = sim.grid();
  const double duration = s.duration;
  std::optional<MemberRain> rain;
  if (f.rain) rain.emplace(*f.rain, m.rain_factor, m.rain_shift);
  sim.check_forcing(static_cast<Real>(duration));
  if (f.rain) {
    try {
      f.rain->check_covers(static_cast<Real>(duration - m.rain_shift));
    } catch (const InputError& e) {
      throw InputError("member " + std::to_string(m.index) + " (rain shifted by " +
                       number_text(m.rain_shift) + " s): " + e.what());
    }
  }

  // Decomposed over MPI processes (`--member K` under mpirun, docs/mpi.md): every process
  // steps its rows; rank 0 samples and writes within `on_root`, which serves it the other
  // processes' rows a stripe at a time (Simulation::on_root). Collective.
  solver::Decomposition* const decomposition = sim.decomposition();
  const bool split = sim.decomposed();
  const bool root = !split || decomposition->rank() == 0;
  auto on_root = [&](const std::function<void()>& work) { sim.on_root(&maps, work); };
  if (split && options.warnings != nullptr) {
    throw ConfigError("ensemble member " + std::to_string(m.index) +
                      ": zone warnings of a member are computed by one process (the members "
                      "of an ensemble share the processes, not the grid)");
  }

  // An ordinary results file (`--member K`): locked, written aside and renamed.
  std::optional<io::FileLock> lock;
  std::optional<io::ResultsWriter> writer;
  if (!options.results.empty()) {
    const fs::path results(options.results);
    driver::refuse_outputs_over_inputs(s, options.results, "", "ensemble --member:");
    if (!m.rain_file.empty()) {
      io::refuse_output_over_inputs(results, {m.rain_file}, "ensemble --member: results");
    }
    if (results.has_parent_path()) fs::create_directories(results.parent_path());
  }
  if (!options.results.empty() && root) {
    const fs::path results(options.results);
    lock.emplace(io::lock_path(results),
                 "ensemble member " + std::to_string(m.index) + " of " + s.file);
  }
  if (!options.results.empty())
    on_root([&] {
      const fs::path results(options.results);
      io::ResultsOptions ro;
      ro.start_time = s.start;
      ro.crs_wkt = f.crs_wkt;
      ro.title = options.title;
      ro.scenario_text = s.text;
      ro.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
      ro.deflate_level = s.compression;
      ro.attributes["scenario_file"] =
          options.scenario_file.empty() ? s.file : options.scenario_file;
      std::string cmd;
      for (const auto& a : options.command_line) cmd += (cmd.empty() ? "" : " ") + a;
      if (!cmd.empty()) ro.attributes["command_line"] = cmd;
      ro.attributes[driver::inputs_hash_key] = driver::inputs_hash(s);
      ro.attributes["ensemble_member"] = std::to_string(m.index);
      for (const char* key : {"rain_factor", "rain_shift", "manning_factor", "ks_factor",
                              "psi_factor", "curve_number_factor"}) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", value_of(m, key));
        ro.attributes[std::string("ensemble_") + key] = buf;
      }
      if (!m.rain_file.empty()) ro.attributes["ensemble_rain_file"] = m.rain_file;
      for (const auto& g : f.gauges) ro.gauges.push_back({g.spec.name, g.spec.x, g.spec.y});
      writer.emplace(results, sim, ro);
    });

  MemberResult out;
  out.index = m.index;
  std::vector<std::size_t> cells;
  for (const auto& g : f.gauges) cells.push_back(static_cast<std::size_t>(grid.index(g.i, g.j)));
  // Within on_root (rank 0 samples: the gauge's row from its owner).
  auto sample_gauges = [&]() {
    out.gauge_time.push_back(static_cast<double>(sim.time()));
    // As the results file's gauges (on a sub-grid channel cell the river).
    const std::vector<solver::ChannelCellOutput> river = sim.channel_outputs();
    for (const std::size_t k : cells) {
      const solver::GaugeSample g = solver::sample_gauge(sim, k, river);
      out.gauge_depth.push_back(g.depth);
      out.gauge_water_level.push_back(g.level);
    }
    if (writer) writer->write_gauges(sim);
  };

  // Warning levels on the fly: the series a results file would hold, reduced per zone at each
  // snapshot (the depth as float32, as written), nothing kept per cell.
  const ZoneWarnings* warnings = options.warnings;
  impacts::LevelSeries levels;
  std::vector<double> depth;
  auto sample_levels = [&]() {
    if (warnings == nullptr) return;
    levels.times.push_back(static_cast<double>(sim.time()));
    if (!warnings->snapshots) return;
    depth.resize(grid.cell_count());
    const std::uint8_t* mask = sim.mask();
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const auto k = static_cast<std::size_t>(grid.index(i, j));
        depth[static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
              static_cast<std::size_t>(i)] =
            mask[k] == solver::cell_active ? static_cast<double>(static_cast<float>(sim.h()[k]))
                                           : std::numeric_limits<double>::quiet_NaN();
      }
    }
    impacts::add_level_snapshot(levels, warnings->rules, depth, warnings->cell_zone,
                                warnings->zone_id.size(), warnings->flood_threshold,
                                warnings->cell_area);
  };

  // The stepping of driver::run (driver/forecast.cpp): stops at output and gauge times and
  // where the (member's) rain changes.
  const double out_dt = s.output_interval;
  const double gauge_dt = s.gauge_interval > 0 ? s.gauge_interval : s.output_interval;
  auto next_multiple = [](double t, double every) {
    const double k = std::floor(t / every + 1e-9) + 1;
    return k * every;
  };
  maps.record_initial_state(sim);
  on_root([&] {
    if (writer) writer->write_snapshot(sim, &maps);
    sample_gauges();
  });
  sample_levels();
  while (sim.time() < duration) {
    const double t = sim.time();
    if (rain) sim.set_rain_rate(rain->rate_at(static_cast<Real>(t)));
    double target = std::min(duration, next_multiple(t, out_dt));
    target = std::min(target, next_multiple(t, gauge_dt));
    if (rain)
      target = std::min(target, static_cast<double>(rain->next_change(static_cast<Real>(t))));
    sim.advance_to(static_cast<Real>(target), [&](Real dt) {
      maps.update(sim, dt);
      return true;
    });
    const double now = sim.time();
    const bool at_output =
        std::abs(now - next_multiple(t, out_dt)) < 1e-9 * std::max(1.0, now) || now >= duration;
    const bool at_gauge = std::abs(now - next_multiple(t, gauge_dt)) < 1e-9 * std::max(1.0, now);
    if (at_gauge || at_output) {
      on_root([&] {
        sample_gauges();
        if (at_output && writer) writer->write_snapshot(sim, &maps);
      });
    }
    if (at_output) sample_levels();
  }
  out.steps = sim.steps();
  out.wall = std::chrono::duration<double>(clock::now() - start).count();
  const std::uint8_t* mask = sim.mask();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (split) {
    // Each process holds its rows of the maps: the results file (written below) has them
    // whole, and a member run under mpirun reports its file, not these maps.
    on_root([&] {
      if (writer) writer->finalize(&maps, out.wall);
    });
    return out;
  }
  out.max_depth.resize(grid.cell_count());
  out.arrival_time.resize(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                            static_cast<std::size_t>(i);
      const bool active = mask[k] == solver::cell_active;
      out.max_depth[c] = active ? static_cast<float>(maps.max_depth[k]) : nan;
      out.arrival_time[c] = active ? static_cast<float>(maps.arrival_time[k]) : nan;
    }
  }
  if (warnings != nullptr) {
    const std::size_t nz = warnings->zone_id.size();
    std::vector<double> md(grid.cell_count()), tmax(grid.cell_count());
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const auto k = static_cast<std::size_t>(grid.index(i, j));
        const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                              static_cast<std::size_t>(i);
        md[c] = static_cast<double>(out.max_depth[c]);
        tmax[c] = mask[k] == solver::cell_active
                      ? static_cast<double>(static_cast<float>(maps.time_of_max_depth[k]))
                      : std::numeric_limits<double>::quiet_NaN();
      }
    }
    impacts::set_level_map_peaks(levels, md, tmax, warnings->cell_zone, nz);
    levels.stations.clear();
    for (const auto& g : f.gauges) levels.stations.push_back(g.spec.name);
    levels.gauge_time = out.gauge_time;
    levels.gauge_depth = out.gauge_depth;
    levels.gauge_level = out.gauge_water_level;
    levels.rain_rates.assign(nz, {});
    if (rain) {
      // The member's rain (factor and shift applied), as the solver received it.
      const auto bounds = rain->bounds();
      for (const Real b : bounds) levels.rain_bounds.push_back(static_cast<double>(b));
      for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
        const auto field = rain->rate_at(bounds[k]);
        const std::vector<double> fd(field.begin(), field.end());
        const auto means = impacts::zone_means(fd, warnings->cell_zone, nz);
        for (std::size_t z = 0; z < nz; ++z) levels.rain_rates[z].push_back(means[z]);
      }
    }
    const auto outcomes = impacts::evaluate_levels(warnings->rules, levels);
    const auto zl = impacts::zone_levels(warnings->rules, outcomes, nz);
    for (const auto& z : zl) {
      out.level_time.insert(out.level_time.end(), z.level_first_time.begin(),
                            z.level_first_time.end());
    }
  }
  if (writer) writer->finalize(&maps, out.wall);
  return out;
}

}  // namespace floodtwin::ensemble
