#include "twin/cycle.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "floodtwin/version.hpp"
#include "impacts/run.hpp"
#include "io/checkpoint.hpp"
#include "io/file_lock.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"
#include "twin/cycle_report.hpp"
#include "twin/observations.hpp"
#include "twin/state_store.hpp"

namespace floodtwin::twin {

namespace fs = std::filesystem;
using solver::Real;
using terrain::RainfallField;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// Metadata keys of a stored state.
constexpr const char* key_hash = "twin_inputs_hash";
constexpr const char* key_time = "twin_state_time";
constexpr const char* key_observed_until = "twin_observed_until";

double epoch_of(const std::string& text, const std::string& what) {
  const auto t = terrain::parse_iso8601(text);
  if (!t) {
    throw ConfigError(what + ": expected an ISO-8601 time such as 2024-01-01T06:00:00Z, got \"" +
                      text + "\"");
  }
  return *t;
}

/// Publishes `fresh` as `target`: a rename, or an atomic exchange with an earlier `target`
/// (removed afterwards).
void publish_folder(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      throw IoError(target.string() + ": cannot replace it with " + fresh.string() + ": " +
                    std::strerror(errno));
    }
    fs::remove_all(fresh, ec);  // now the earlier cycle
    return;
  }
  fs::rename(fresh, target, ec);
  if (ec)
    throw IoError(target.string() + ": cannot rename from " + fresh.string() + ": " + ec.message());
}

/// Removes what killed cycles left behind (only our own temporary names, under the lock).
void remove_leftovers(const fs::path& cycles, const fs::path& states) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cycles, ec)) {
    const std::string n = e.path().filename().string();
    if (n.starts_with(".cycle-") && n.ends_with(".partial")) fs::remove_all(e.path(), ec);
  }
  for (const auto& e : fs::directory_iterator(states, ec)) {
    const std::string n = e.path().filename().string();
    if (n.ends_with(".state.h5.partial")) fs::remove(e.path(), ec);
  }
}

}  // namespace

namespace {

/// The twin's scenario without its own rain and VTK output: the cycle brings the forcing.
scenarios::Scenario forcing_free(const scenarios::Scenario& base) {
  scenarios::Scenario s = base;
  s.rain_stations.clear();
  s.rain_series.clear();
  s.rain_uniform.clear();
  s.rain_grids.clear();
  s.vtk_dir.clear();
  return s;
}

/// The observations as they are now, up to `t0_limit` for their span.
struct Observed {
  std::optional<GaugeObservations> gauges;
  std::optional<RadarObservations> radar;
  std::vector<solver::TimeSeries> inflows;  ///< one per [[observations.inflow]]
  double first = inf, newest = -inf;        ///< [s since the origin]
};

Observed read_observed(const TwinSpec& twin, const scenarios::Scenario& s,
                       const driver::Forecast& f, double t0_limit, double origin,
                       std::vector<DataIssue>& issues) {
  Observed o;
  if (!twin.observed.series.empty()) {
    o.gauges = read_gauges(twin.observed, s, f.crs_wkt, t0_limit, issues, origin);
  }
  if (!twin.observed.grids.empty()) {
    o.radar = read_radar(twin.observed, s, f.sim->grid(), f.crs_wkt, t0_limit, origin, issues);
  }
  for (const auto& in : twin.inflows) {
    o.inflows.push_back(read_inflow(in.series, s, "observed inflow"));
    for (const Real t : o.inflows.back().times()) {
      if (t > t0_limit) break;
      o.first = std::min(o.first, static_cast<double>(t));
      o.newest = std::max(o.newest, static_cast<double>(t));
    }
  }
  if (o.gauges) {
    o.first = std::min(o.first, o.gauges->first);
    o.newest = std::max(o.newest, o.gauges->newest);
  }
  if (o.radar) {
    o.first = std::min(o.first, o.radar->first);
    o.newest = std::max(o.newest, o.radar->newest);
  }
  return o;
}

/// Observed rain before T0 (radar first, gauges where radar has no frame).
std::vector<RainfallField::Piece> observed_rain(const TwinSpec& twin, const solver::Grid& grid,
                                                const Observed& o, double t0) {
  std::vector<RainfallField::Piece> pieces;
  if (o.radar) pieces = o.radar->pieces;
  if (o.gauges) {
    pieces.push_back({std::make_shared<RainfallField>(
                          gauge_field(grid, twin.observed, o.gauges->stations, o.gauges->table)),
                      -inf, inf});
  }
  for (auto& p : pieces) p.to = std::min(p.to, static_cast<Real>(t0));
  std::erase_if(pieces, [](const RainfallField::Piece& p) { return !(p.from < p.to); });
  return pieces;
}

/// The twin's inflows as discharge boundaries with the given series (one per inflow).
void add_inflows(const TwinSpec& twin, solver::Simulation& sim,
                 const std::vector<solver::TimeSeries>& series) {
  for (std::size_t k = 0; k < twin.inflows.size(); ++k) {
    solver::BoundaryCondition bc;
    bc.side = twin.inflows[k].side;
    bc.type = solver::BoundaryType::discharge;
    bc.series = series[k];
    if (twin.inflows[k].from) bc.from = static_cast<Real>(*twin.inflows[k].from);
    if (twin.inflows[k].to) bc.to = static_cast<Real>(*twin.inflows[k].to);
    try {
      sim.add_boundary(bc);
    } catch (const ConfigError& e) {
      throw ConfigError(twin.file + ":" + std::to_string(twin.inflows[k].line) +
                        ": [[observations.inflow]] " + e.what());
    }
  }
}

/// The forcing of the forecast leg (sum.t0_seconds -> + sum.lead): forecast rain after T0 into
/// f.rain, the scenario's boundaries plus the inflows' forecasts (or persistence), and fresh
/// peak maps. Records the forecast rain and every data issue in `sum`. Returns the rain the
/// warning levels see: observed before T0, forecast after (null when there is none).
std::shared_ptr<RainfallField> set_forecast_forcing(
    const TwinSpec& twin, driver::Forecast& f, const scenarios::Scenario& s, const Observed& obs,
    const std::vector<RainfallField::Piece>& observed,
    const std::vector<solver::BoundaryCondition>& scenario_bcs, CycleSummary& sum) {
  const solver::Grid& grid = f.sim->grid();
  const scenarios::Scenario& base = twin.scenario;
  const double origin = sum.origin, t0 = sum.t0_seconds, lead = sum.lead;
  std::shared_ptr<RainfallField> impacts_rain;
  std::vector<RainfallField::Piece> pieces;
  const RainSource& fr = twin.forecast;
  std::string file;
  try {
    if (!fr.series.empty()) {
      file = expand(fr.series, "cycle", sum.cycle);
      if (!fs::exists(file)) throw IoError(file + ": file not found");
      terrain::SeriesOptions so;
      so.what = "forecast rain series";
      so.origin = base.start;
      so.allow_missing = true;
      const terrain::SeriesTable table = terrain::read_series(file, so);
      pieces.push_back({std::make_shared<RainfallField>(
                            gauge_field(grid, fr, stations_of(fr, f.crs_wkt), table)),
                        static_cast<Real>(t0), static_cast<Real>(inf)});
    } else if (!fr.grids.empty()) {
      file = expand(fr.grids, "cycle", sum.cycle);
      if (!fs::exists(file)) throw IoError(file + ": file not found");
      terrain::GriddedRainOptions go;
      go.units = units_of(fr.units);
      go.timing = timing_of(fr.timing);
      const std::vector<Real> times = terrain::raster_band_times(file, base.start);
      pieces.push_back({std::make_shared<RainfallField>(
                            RainfallField::from_stack(grid, f.crs_wkt, file, times, go)),
                        static_cast<Real>(t0), static_cast<Real>(inf)});
      (void)pieces.back().field->rate_at(pieces.back().field->bounds().front());
    }
  } catch (const Error& e) {
    pieces.clear();
    sum.issues.push_back({"forecast_rain_missing", std::string("forecast rain unusable (") +
                                                       e.what() +
                                                       "): the forecast assumes NO RAIN after T0"});
    file.clear();
  }
  if (fr.empty()) {
    sum.issues.push_back({"forecast_rain_none",
                          "no forecast rain configured ([forecast] series "
                          "or grids): the forecast assumes no rain after T0"});
  }
  if (!pieces.empty()) {
    sum.forecast_rain = file;
    const double end = pieces.back().field->bounds().back();
    sum.forecast_rain_until = iso(origin + end);
    if (end < t0 + lead - 1e-6) {
      sum.issues.push_back({"forecast_rain_short", "forecast rain " + file + " ends at " +
                                                       iso(origin + end) + ", " +
                                                       hours(t0 + lead - end) +
                                                       " before the end of the lead time: no "
                                                       "rain assumed after"});
    }
    if (pieces.back().field->bounds().front() > t0 + 1e-6) {
      sum.issues.push_back(
          {"forecast_rain_late", "forecast rain " + file + " starts at " +
                                     iso(origin + pieces.back().field->bounds().front()) +
                                     ", after T0: no rain assumed before"});
    }
  }
  f.rain = pieces.empty() ? nullptr
                          : std::make_shared<RainfallField>(RainfallField::compose(grid, pieces));
  // Observed rain before T0 and forecast rain after it: the rain the warning levels see.
  std::vector<RainfallField::Piece> all = observed;
  all.insert(all.end(), pieces.begin(), pieces.end());
  if (!all.empty()) {
    impacts_rain = std::make_shared<RainfallField>(RainfallField::compose(grid, all));
  }
  if (!twin.inflows.empty()) {
    std::vector<solver::TimeSeries> forecast_inflows;
    for (std::size_t k = 0; k < twin.inflows.size(); ++k) {
      const solver::TimeSeries& o = obs.inflows[k];
      std::vector<Real> times, values;
      for (std::size_t i = 0; i < o.times().size() && o.times()[i] <= t0; ++i) {
        times.push_back(o.times()[i]);
        values.push_back(o.values()[i]);
      }
      const std::string path = expand(twin.inflows[k].forecast, "cycle", sum.cycle);
      if (times.empty() || times.back() < t0) {
        // Observations end before T0: the forecast starts from the value the analysis held.
        times.push_back(static_cast<Real>(t0));
        values.push_back(o(static_cast<Real>(t0)));
      }
      if (!path.empty() && fs::exists(path)) {
        const solver::TimeSeries fc = read_inflow(path, s, "forecast inflow");
        for (std::size_t i = 0; i < fc.times().size(); ++i) {
          if (fc.times()[i] <= t0) continue;
          times.push_back(fc.times()[i]);
          values.push_back(fc.values()[i]);
        }
        if (fc.times().back() < t0 + lead) {
          sum.issues.push_back({"forecast_inflow_short", "forecast inflow " + path +
                                                             " ends before the lead time: its "
                                                             "last value is held"});
        }
      } else {
        sum.issues.push_back({"forecast_inflow_persistence",
                              "no forecast for the inflow of " + twin.inflows[k].series +
                                  (path.empty() ? std::string() : " (" + path + " missing)") +
                                  ": its value at T0 is held (persistence)"});
      }
      forecast_inflows.emplace_back(times, values, o.name() + " forecast", solver::AfterEnd::hold);
    }
    f.sim->clear_boundaries();
    for (const auto& bc : scenario_bcs) f.sim->add_boundary(bc);
    add_inflows(twin, *f.sim, forecast_inflows);
  }
  f.maps = std::make_unique<solver::FloodMaps>(grid, static_cast<Real>(base.flood_threshold));
  return impacts_rain;
}

/// The cycle under the twin's lock (run_cycle): fills `sum` as it goes, so that a failure can
/// still be recorded with the cycle's name and what was known.
void run_locked(const TwinSpec& twin, const CycleOptions& options, CycleSummary& sum) {
  using clock = std::chrono::steady_clock;
  const auto wall_start = clock::now();
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  const scenarios::Scenario& base = twin.scenario;
  const double origin = epoch_of(base.start, base.file + ": [simulation] start");
  const fs::path cycles(twin.cycles), states(twin.states);
  const driver::Processes& procs = options.processes;
  if (procs.root()) remove_leftovers(cycles, states);

  // ---- the terrain and everything but the forcing ----------------------------------------
  scenarios::Scenario s = forcing_free(base);
  const double requested_t0 =
      options.at.empty() ? inf : epoch_of(options.at, "forecast --at") - origin;
  // duration: the scenario's own while it is prepared; the cycle's end once T0 is known.
  // On several processes both legs are decomposed (docs/mpi.md): the blocks are chosen while
  // preparing, so that each process fills its rows only.
  const std::shared_ptr<solver::Decomposition> rows =
      procs.several() && procs.decomposition ? procs.decomposition() : nullptr;
  driver::Forecast f = driver::prepare(s, rows);
  const solver::Grid& grid = f.sim->grid();
  sum.notes = f.notes;

  // ---- observations as they are now ----------------------------------------------------------
  const double t0_limit = std::isinf(requested_t0) ? inf : requested_t0;
  const Observed obs = read_observed(twin, s, f, t0_limit, origin, sum.issues);
  const double first_obs = obs.first, newest_obs = obs.newest;
  if (std::isinf(newest_obs)) {
    throw InputError(twin.file + ": no observation at or before " +
                     (options.at.empty() ? std::string("now") : options.at) +
                     " in [observations]: nothing to start the twin from");
  }
  const double t0 = std::isinf(requested_t0) ? newest_obs : requested_t0;
  const double lead = options.lead.value_or(twin.lead);
  if (!(lead > 0)) throw ConfigError("forecast --lead: must be positive");
  sum.t0_seconds = t0;
  sum.origin = origin;
  sum.t0 = iso(origin + t0);
  sum.cycle = stamp(origin + t0);
  sum.lead = lead;
  sum.observations_until = iso(origin + std::min(newest_obs, t0));
  if (t0 > newest_obs) {
    const double gap = t0 - newest_obs;
    if (gap > twin.max_observation_gap) {
      throw InputError(twin.file + ": the newest observation (" + iso(origin + newest_obs) +
                       ") is " + hours(gap) + " before T0 " + sum.t0 +
                       ", more than [twin] max_observation_gap (" +
                       hours(twin.max_observation_gap) + "): refusing to analyse without data");
    }
    sum.issues.push_back(
        {"observations_gap", "observations end at " + iso(origin + newest_obs) + ", " + hours(gap) +
                                 " before T0: no observed "
                                 "rain in between (the state at T0 is provisional)"});
  }
  s.duration = t0 + lead;
  f.scenario.duration = s.duration;
  const double observed_until = std::min(newest_obs, t0);

  // ---- the warm state ------------------------------------------------------------------------
  const std::string stem = fs::path(base.file).stem().string();
  const std::string hash = inputs_hash(base);
  const std::vector<StoredState> stored = list_states(states, stem);
  std::size_t foreign = 0;
  for (const StoredState& st : stored) {
    const double t = st.time - origin;
    if (t > t0 + 1e-6) continue;
    if (st.hash != hash) {
      ++foreign;
      continue;
    }
    if (t0 - t > twin.state_expiry) {
      sum.notes.push_back("state " + st.path.filename().string() + " is older than state_expiry (" +
                          hours(twin.state_expiry) + "): not used");
      break;
    }
    try {
      const io::CheckpointInfo info = io::read_checkpoint_info(st.path);
      const auto h = info.metadata.find(key_hash);
      if (h == info.metadata.end() || h->second != hash) {
        ++foreign;
        continue;
      }
      const auto ou = info.metadata.find(key_observed_until);
      const double obs_until = ou == info.metadata.end() ? -inf : std::stod(ou->second) - origin;
      if (obs_until + 1e-6 < t && newest_obs > obs_until + 1e-6) {
        sum.notes.push_back("state " + st.path.filename().string() +
                            " was made before observations up to its time had arrived; they have "
                            "now (late data): an earlier state is used");
        continue;
      }
      io::read_checkpoint(st.path, *f.sim, nullptr);
      sum.state_used = st.path.string();
      break;
    } catch (const Error& e) {
      sum.issues.push_back({"state_unusable", "state " + st.path.string() + " is unusable (" +
                                                  e.what() + "): an earlier state is tried"});
    }
  }
  if (foreign > 0) {
    sum.notes.push_back(std::to_string(foreign) +
                        " state(s) of other inputs (terrain, scenario) in " + states.string() +
                        " ignored");
  }
  if (sum.state_used.empty()) {
    sum.cold_start = true;
    const double t_start = std::min(first_obs - twin.spin_up, t0);
    f.sim->set_time(static_cast<Real>(t_start));
    sum.issues.push_back({"cold_start", "COLD START: no usable warm state in " + states.string() +
                                            "; the basin starts from the scenario's initial "
                                            "state at " +
                                            iso(origin + t_start) + " (spin-up " +
                                            hours(t0 - t_start) + ")"});
  }
  sum.state_time = iso(origin + static_cast<double>(f.sim->time()));

  // ---- work folder ---------------------------------------------------------------------------
  // On several processes, rank 0's folder (the one it writes and publishes) for every process.
  const fs::path work = procs.from_root(
      (cycles / (".cycle-" + sum.cycle + "-" + std::to_string(getpid()) + ".partial")).string());
  std::error_code ec;
  if (procs.root()) {
    fs::remove_all(work, ec);
    fs::create_directories(work);
  }
  procs.wait_all();
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      if (!dir.empty()) fs::remove_all(dir, e);
    }
  } cleanup{procs.root() ? work : fs::path()};

  // ---- rain and inflows ----------------------------------------------------------------------
  const std::vector<solver::BoundaryCondition> scenario_bcs = f.sim->boundaries();
  add_inflows(twin, *f.sim, obs.inflows);
  const std::vector<RainfallField::Piece> observed = observed_rain(twin, grid, obs, t0);
  f.rain = observed.empty()
               ? nullptr
               : std::make_shared<RainfallField>(RainfallField::compose(grid, observed));

  // On several processes both legs are decomposed (docs/mpi.md); driver::run writes on rank 0.
  if (rows) {
    f.sim->set_decomposition(rows);
    const auto [first, end] = f.sim->owned_rows();
    log("mpi: " + std::to_string(procs.size) + " processes, rank 0 computes rows " +
        std::to_string(first) + " to " + std::to_string(end - 1) + " of " +
        std::to_string(grid.ny));
  }

  // ---- analysis ------------------------------------------------------------------------------
  driver::RunOptions ro;
  ro.threads = options.threads;
  ro.command_line = options.command_line;
  ro.stop = options.stop;
  ro.on_progress = options.on_progress;
  // One leg of the cycle (analysis or forecast): the prepared run from its state to `until`.
  auto leg = [&](const std::string& name, double until) {
    log(name + " " + iso(origin + static_cast<double>(f.sim->time())) + " -> " +
        iso(origin + until));
    ro.until = until;
    ro.output = (work / (name + ".h5")).string();
    ro.title =
        "floodtwin " + name + " " + sum.cycle + ": " + fs::path(base.file).filename().string();
    driver::RunSummary r = driver::run(f, ro);
    if (r.interrupted) throw Error("forecast cycle " + sum.cycle + " interrupted in the " + name);
    return r;
  };
  if (t0 > f.sim->time()) {
    const driver::RunSummary a = leg("analysis", t0);
    sum.analysis_wall = a.wall;
    sum.analysis_steps = a.steps;
    sum.analysis_warnings = a.warnings;
  }
  const fs::path state_file = work / state_name(stem, origin + t0, hash);
  auto write_state = [&] {
    io::write_checkpoint(state_file, *f.sim, nullptr,
                         {{"scenario_file", base.file},
                          {"twin_file", twin.file},
                          {"floodtwin_version", floodtwin::version},
                          {key_hash, hash},
                          {key_time, json_number(origin + t0)},
                          {key_observed_until, json_number(origin + observed_until)}});
  };
  if (f.sim->decomposed()) {
    f.sim->on_root(nullptr, write_state);  // collective: rank 0 writes the others' rows too
  } else if (procs.root()) {
    write_state();
  }
  procs.wait_all();  // the state is on disk before any process reads it (extra_products)

  // ---- forecast ------------------------------------------------------------------------------
  const std::shared_ptr<RainfallField> impacts_rain =
      set_forecast_forcing(twin, f, s, obs, observed, scenario_bcs, sum);
  const driver::RunSummary fc = leg("forecast", t0 + lead);
  sum.forecast_wall = fc.wall;
  sum.forecast_steps = fc.steps;
  sum.warnings = fc.warnings;
  sum.max_depth = fc.max_depth;
  sum.flooded_area = fc.flooded_area;

  // ---- products ------------------------------------------------------------------------------
  if (!procs.root()) {  // rank 0 writes; the others share only extra_products' work
    if (options.extra_products) options.extra_products(state_file.string(), work.string(), sum);
    return;
  }
  write_gauge_forecast(work / "forecast.h5", work / "gauges.nc", base.start, sum.cycle);
  if (base.impacts) {
    // Warning levels, impacts and plan actions of the forecast: forecast_impacts/.
    impacts::ImpactsOptions io;
    io.forecast_time = sum.t0;
    // Under mpirun each process computed its rows of the rain: the impacts read it whole.
    std::optional<RainfallField> whole_rain;
    if (impacts_rain && f.sim->decomposed()) whole_rain.emplace(impacts_rain->whole());
    io.rain = whole_rain ? &*whole_rain : impacts_rain.get();
    const impacts::ImpactsResult r = impacts::run_impacts(work / "forecast.h5", s, io);
    sum.impacts = (cycles / sum.cycle / fs::path(r.out).filename()).string();
    sum.impacts_headline = r.headline();
  }
  {
    std::ostringstream w;
    w << "gauge,indicator,threshold,value,time,lead_time_s\n";
    for (const auto& x : sum.warnings) {
      w << x.gauge << "," << x.what << "," << json_number(x.threshold) << ","
        << json_number(x.value) << "," << iso(origin + x.time) << "," << json_number(x.time - t0)
        << "\n";
    }
    write_text(work / "warnings.csv", w.str());
  }
  if (options.extra_products) {
    log("extra products");
    options.extra_products(state_file.string(), work.string(), sum);
  }
  for (const auto& e : fs::directory_iterator(work, ec)) {
    if (e.path().extension() == ".lock") fs::remove(e.path(), ec);
  }
  sum.directory = (cycles / sum.cycle).string();
  sum.forecast_results = (cycles / sum.cycle / "forecast.h5").string();
  sum.state_saved = (states / state_file.filename()).string();
  sum.wall = std::chrono::duration<double>(clock::now() - wall_start).count();
  write_text(work / "cycle.json", to_json(sum));
  write_text(work / "summary.txt", format_summary(sum));

  // ---- publish: the state, then the cycle (each a rename) ------------------------------------
  fs::rename(state_file, sum.state_saved, ec);
  if (ec) {
    // Another file system: copy aside, then rename.
    const fs::path tmp = fs::path(sum.state_saved + ".partial");
    fs::copy_file(state_file, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, sum.state_saved);
  }
  publish_folder(work, cycles / sum.cycle);
  cleanup.dir.clear();
  std::error_code gone;
  fs::remove(cycles / (sum.cycle + ".failed.json"), gone);  // this cycle has now succeeded
}

}  // namespace

CycleForecast prepare_cycle_forecast_from_state(const TwinSpec& twin, const std::string& state,
                                                std::optional<double> lead) {
  const scenarios::Scenario& base = twin.scenario;
  CycleForecast cf;
  CycleSummary& sum = cf.summary;
  sum.origin = epoch_of(base.start, base.file + ": [simulation] start");
  const io::CheckpointInfo info = io::read_checkpoint_info(state);
  const auto h = info.metadata.find(key_hash);
  const auto t = info.metadata.find(key_time);
  if (h == info.metadata.end() || t == info.metadata.end()) {
    throw InputError(state + ": not a state saved by a forecast cycle (no " +
                     std::string(key_hash) + " / " + key_time + " attributes)");
  }
  if (h->second != inputs_hash(base)) {
    throw InputError(state + ": saved with other inputs (terrain, scenario) than " + twin.file +
                     " has now: its forecast cannot be rerun");
  }
  sum.t0_seconds = std::stod(t->second) - sum.origin;
  sum.t0 = iso(sum.origin + sum.t0_seconds);
  sum.cycle = stamp(sum.origin + sum.t0_seconds);
  sum.lead = lead.value_or(twin.lead);
  if (!(sum.lead > 0)) throw ConfigError("forecast lead: must be positive");
  sum.state_used = state;
  sum.state_time = sum.t0;
  const auto ou = info.metadata.find(key_observed_until);
  if (ou != info.metadata.end()) sum.observations_until = iso(std::stod(ou->second));

  scenarios::Scenario s = forcing_free(base);
  s.duration = sum.t0_seconds + sum.lead;
  cf.forecast = driver::prepare(s);
  driver::Forecast& f = cf.forecast;
  f.scenario.duration = s.duration;
  sum.notes = f.notes;
  const Observed obs = read_observed(twin, s, f, sum.t0_seconds, sum.origin, sum.issues);
  const std::vector<solver::BoundaryCondition> scenario_bcs = f.sim->boundaries();
  io::read_checkpoint(state, *f.sim, nullptr);
  const std::vector<RainfallField::Piece> observed =
      observed_rain(twin, f.sim->grid(), obs, sum.t0_seconds);
  cf.impacts_rain = set_forecast_forcing(twin, f, s, obs, observed, scenario_bcs, sum);
  return cf;
}

CycleForecast prepare_cycle_forecast(const TwinSpec& twin, const std::string& cycle,
                                     std::optional<double> lead) {
  const scenarios::Scenario& base = twin.scenario;
  std::string name = cycle;
  if (!(cycle.size() == 14 && cycle[8] == 'T' && cycle.back() == 'Z')) {
    name = stamp(epoch_of(cycle, "cycle (YYYYmmddTHHMMZ or an ISO-8601 T0)"));
  }
  const std::string stem = fs::path(base.file).stem().string();
  const std::string hash = inputs_hash(base);
  bool foreign = false;
  for (const StoredState& st : list_states(fs::path(twin.states), stem)) {
    if (stamp(st.time) != name) continue;
    if (st.hash == hash) return prepare_cycle_forecast_from_state(twin, st.path, lead);
    foreign = true;
  }
  throw InputError(twin.file + ": cycle " + name + " has no saved state in " + twin.states +
                   (foreign ? " made with the twin's inputs as they are now (only states of other "
                              "terrain or scenario files)"
                            : std::string(" (run `floodtwin forecast ") + twin.file + " --at " +
                                  "<T0>` first)"));
}

CycleSummary run_cycle(const TwinSpec& twin, const CycleOptions& options) {
  const fs::path cycles(twin.cycles);
  const driver::Processes& procs = options.processes;
  std::optional<io::FileLock> lock;
  if (procs.root()) {  // on several processes, rank 0 holds the lock for all
    fs::create_directories(cycles);
    fs::create_directories(twin.states);
    try {
      lock.emplace(cycles / ".forecast.lock", "forecast cycle of " + twin.file, options.lock_wait);
    } catch (const IoError& e) {
      throw CycleBusy(std::string(e.what()) +
                      " (another cycle of this twin is running; retry later or pass --wait "
                      "SECONDS)");
    }
  }
  procs.wait_all();  // nothing read before the lock is held
  CycleSummary sum;
  try {
    run_locked(twin, options, sum);
  } catch (const Error& e) {
    // Recorded beside the cycles (never in a published cycle folder), under the lock.
    if (!sum.cycle.empty() && procs.root()) {
      std::string json = to_json(sum);
      const std::string status = "\"exit_status\": \"ok\"";
      json.replace(json.find(status), status.size(),
                   "\"exit_status\": \"failed\",\n  \"error\": " + json_string(e.what()));
      try {
        write_text(cycles / (sum.cycle + ".failed.json"), json);
      } catch (const Error&) {
        // The original error matters more than its record.
      }
    }
    throw;
  }
  return sum;
}

}  // namespace floodtwin::twin
