/// @file simulation.cpp
/// floodtwin._core.Simulation: a solver::Simulation built from numpy arrays, with its fields
/// exposed as read-only numpy views that share the solver's memory.
///
/// Views (shape (ny, nx), row 0 north, column 0 west, writeable=False, each keeping the
/// simulation object alive through its `base`):
///   - depth, discharge_x, discharge_y, manning: the solver's padded buffers, strided past the
///     ghost layer (grid.hpp). The solver updates these buffers in place at every step (first
///     order copies the new state back, second order writes its last stage into them), so a
///     view stays valid and current for the life of the simulation.
///   - velocity_x, velocity_y, water_level, elevation: buffers owned by this wrapper, derived
///     from the state after every step()/run()/set_*() (and before every run() callback).
///   - max_depth, max_speed, ...: the padded buffers of a solver::FloodMaps folded in after
///     every step.
///
/// Threads: step() and run() release the GIL while the solver computes. run() takes it back
/// every ~0.2 s of wall time to let Python handle signals (Ctrl-C raises KeyboardInterrupt at
/// a step boundary, the state intact) and to call the callback. While the solver runs, the
/// views must not be read from other threads (they may show a half-updated state), and every
/// method that changes the simulation or reads its whole state (mass_balance, stable_dt...)
/// raises RuntimeError.
#include "solver/simulation.hpp"

#include <omp.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "bindings/bindings.hpp"
#include "driver/checkpoint_metadata.hpp"
#include "driver/forecast.hpp"
#include "driver/inputs.hpp"
#include "io/cf_grid_mapping.hpp"
#include "io/checkpoint.hpp"
#include "io/file_lock.hpp"
#include "io/results_writer.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/infiltration.hpp"
#include "terrain/crs.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"
#include "terrain/roughness.hpp"

namespace floodtwin::bindings {

namespace {

using solver::Grid;
using solver::Real;
using RealArray = py::array_t<Real, py::array::c_style | py::array::forcecast>;
using MaskArray = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

/// How often run() takes the GIL back to check for signals (Ctrl-C).
constexpr auto signal_check_interval = std::chrono::milliseconds(200);

std::string shape_text(const py::array& a) {
  std::ostringstream s;
  s << "(";
  for (py::ssize_t d = 0; d < a.ndim(); ++d) s << (d ? ", " : "") << a.shape(d);
  s << (a.ndim() == 1 ? ",)" : ")");
  return s.str();
}

std::string type_name(const py::handle& obj) {
  return py::str(py::type::of(obj).attr("__name__")).cast<std::string>();
}

/// `obj` as an array of real numbers (float, int, and bool when `allow_bool`): object, None,
/// complex, datetime, string... arrays are refused naming `name` and the dtype found (a cast
/// would turn them into numbers silently).
py::array real_array(const py::handle& obj, const std::string& name, bool allow_bool = false) {
  py::array a = py::array::ensure(obj);
  if (!a) throw InputError(name + ": expected an array of numbers, got a " + type_name(obj));
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u' && !(allow_bool && kind == 'b')) {
    throw InputError(name + ": expected real numbers (float or integer" +
                     std::string(allow_bool ? " or bool" : "") + "), got an array of dtype " +
                     py::str(a.dtype()).cast<std::string>());
  }
  return a;
}

/// `obj` as a C-contiguous array of Real of shape (ny, nx); InputError naming `name` otherwise.
template <class Array>
Array as_field(const py::handle& obj, const char* name, int ny, int nx) {
  Array a = Array::ensure(real_array(obj, name, std::is_same_v<Array, MaskArray>));
  if (!a) {
    throw InputError(std::string(name) + ": expected a 2-D array of numbers, got a " +
                     type_name(obj));
  }
  if (a.ndim() != 2 || a.shape(0) != ny || a.shape(1) != nx) {
    std::ostringstream msg;
    msg << name << ": expected an array of shape (ny, nx) = (" << ny << ", " << nx
        << ") (rows north to south, columns west to east), got shape " << shape_text(a);
    throw InputError(msg.str());
  }
  return a;
}

template <class Array>
auto span_of(const Array& a) {
  return std::span(a.data(), static_cast<std::size_t>(a.size()));
}

bool is_number(const py::handle& obj) {
  if (py::isinstance<py::bool_>(obj)) return false;
  if (py::isinstance<py::float_>(obj) || py::isinstance<py::int_>(obj)) return true;
  if (!py::isinstance<py::array>(obj)) return false;
  const auto a = py::reinterpret_borrow<py::array>(obj);
  const char kind = a.dtype().kind();
  return a.ndim() == 0 && (kind == 'f' || kind == 'i' || kind == 'u');
}

/// A file path (str or os.PathLike) rather than an array or a number.
bool is_path(const py::handle& obj) {
  return py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__");
}

std::vector<Real> as_vector(const py::handle& obj, const std::string& name) {
  RealArray a = RealArray::ensure(real_array(obj, name));
  if (!a || a.ndim() != 1) {
    throw InputError(name + ": expected a 1-D sequence of numbers" +
                     (a ? ", got shape " + shape_text(a) : std::string()));
  }
  return {a.data(), a.data() + a.size()};
}

/// Values no study means (the same ranges as scenario files, docs/scenario.md "Limits").
namespace limits {
constexpr double max_duration = 3650.0 * 86400;  ///< run(until) ahead of now [s]
constexpr double max_gauge_samples = 1e7;        ///< run() callbacks (until / every)
constexpr double min_cell_size = 1e-3;           ///< [m]
constexpr double max_cell_size = 1e5;            ///< [m]
constexpr double max_discharge = 1e6;            ///< |discharge| of boundaries, sources [m3/s]
constexpr double max_rain = 5000;                ///< rain intensity [mm/h]
constexpr double max_snapshots = 1e6;            ///< run(until) / output_interval
}  // namespace limits

/// The first multiple of `every` after `t` on the absolute clock (as driver::run: a time
/// within 1e-9 intervals of a multiple counts as on it).
double next_multiple(double t, double every) { return (std::floor(t / every + 1e-9) + 1) * every; }
/// Whether `now` is the output time `at` (to 1e-9 relative, as driver::run).
bool reached(double now, double at) { return std::abs(now - at) < 1e-9 * std::max(1.0, now); }

/// A positive finite interval [s] from Python, or none.
std::optional<Real> checked_interval(std::optional<Real> every, const std::string& what) {
  if (every && !(*every > 0 && std::isfinite(*every))) {
    std::ostringstream msg;
    msg << what << " must be a positive finite interval [s] (or None), got " << *every;
    throw InputError(msg.str());
  }
  return every;
}

/// What a series gives past its end (time_series.hpp), from the Python argument.
solver::AfterEnd after_end_of(const std::string& text, const std::string& what) {
  return solver::parse_after_end(text, what + ": after_end");
}

/// A time series from (times, values), values multiplied by `scale` (unit conversion): times
/// None and values a number give a constant (which holds for ever; after_end must then be
/// left at its default).
solver::TimeSeries make_series(const py::handle& times, const py::handle& values,
                               const std::string& name, solver::AfterEnd after_end,
                               Real scale = 1) {
  if (times.is_none()) {
    if (!is_number(values)) {
      throw InputError(name + ": expected a constant (a number) or times and values");
    }
    if (after_end != solver::AfterEnd::error) {
      throw InputError(name +
                       ": after_end applies to a series (times, values); a constant "
                       "holds for the whole run");
    }
    return solver::TimeSeries({Real(0)}, {values.cast<Real>() * scale}, name,
                              solver::AfterEnd::hold);
  }
  std::vector<Real> v = as_vector(values, name + " values");
  for (Real& x : v) x *= scale;
  return solver::TimeSeries(as_vector(times, name + " times"), std::move(v), name, after_end);
}

/// A boundary series: None, a number, or a pair (times, values).
solver::TimeSeries boundary_series(const py::handle& series, const std::string& name,
                                   solver::AfterEnd after_end) {
  if (series.is_none()) return {};
  if (is_number(series)) return make_series(py::none(), series, name, after_end);
  if (py::isinstance<py::sequence>(series) && !py::isinstance<py::str>(series) &&
      py::len(series) == 2) {
    auto seq = py::reinterpret_borrow<py::sequence>(series);
    return make_series(seq[0], seq[1], name, after_end);
  }
  throw InputError(name + ": expected a number or a pair (times, values)");
}

/// m/s per unit of a rain intensity in `units`: "mm/h" (the default everywhere, as in
/// scenario files) or "m/s" (the solver's own unit).
Real intensity_scale(const std::string& units, const std::string& what) {
  if (units == "mm/h") return Real(1) / Real(3.6e6);
  if (units == "m/s") return Real(1);
  throw ConfigError(what + ": units expects \"mm/h\" or \"m/s\", got \"" + units + "\"");
}

/// Refuses rain intensities [m/s] above limits::max_rain [mm/h] (more than any
/// rain ever measured: usually a value in m/s meant as mm/h, or the reverse).
void check_rain(std::span<const Real> rates, const std::string& what, const std::string& units) {
  const Real most = static_cast<Real>(limits::max_rain / 3.6e6);
  for (std::size_t k = 0; k < rates.size(); ++k) {
    if (rates[k] > most) {
      std::ostringstream msg;
      msg << what << ": " << rates[k] * 3.6e6 << " mm/h";
      if (rates.size() > 1) msg << " (value " << k << ")";
      msg << " is more rain than ever measured; expected at most " << limits::max_rain
          << " mm/h (the values are read in " << units
          << "; give units=\"m/s\" or \"mm/h\" to match them)";
      throw InputError(msg.str());
    }
  }
}

/// Refuses discharges beyond any river (limits::max_discharge [m3/s]).
void check_discharge(const solver::TimeSeries& series) {
  for (const Real q : series.values()) {
    if (!(std::abs(q) <= static_cast<Real>(limits::max_discharge))) {
      std::ostringstream msg;
      msg << series.name() << ": " << q << " m3/s is beyond any river (the Amazon carries about "
          << "2e5 m3/s); expected at most " << limits::max_discharge << " m3/s";
      throw InputError(msg.str());
    }
  }
}

/// A thread count given from Python: a positive integer (None: OpenMP's default).
std::optional<int> checked_threads(std::optional<int> threads, const std::string& what) {
  if (threads && *threads < 1) {
    throw InputError(what + ": threads must be a positive integer (or None for OpenMP's " +
                     "default), got " + std::to_string(*threads));
  }
  return threads;
}

/// Sets the OpenMP thread count of the calling thread (the one that runs the solver) for the
/// life of the scope; the thread's earlier setting comes back afterwards. omp_set_num_threads
/// sets the calling thread's own `nthreads-var`, so simulations run from different Python
/// threads each use their own count.
class ThreadsScope {
 public:
  explicit ThreadsScope(std::optional<int> threads) : before_(omp_get_max_threads()) {
    if (threads) omp_set_num_threads(*threads);
  }
  ~ThreadsScope() { omp_set_num_threads(before_); }
  ThreadsScope(const ThreadsScope&) = delete;
  ThreadsScope& operator=(const ThreadsScope&) = delete;

 private:
  int before_;
};

/// Sets a flag for the life of the scope (all under the GIL).
class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

/// The object behind floodtwin._core.Simulation.
class PySimulation {
 public:
  PySimulation(const py::object& elevation, Real dx, std::optional<Real> dy,
               std::optional<std::pair<Real, Real>> origin, const py::object& manning,
               const py::object& depth, const py::object& water_level, const py::object& velocity_x,
               const py::object& velocity_y, const std::string& scheme, const std::string& limiter,
               Real cfl, Real gravity, Real dry_depth, Real max_dt, int local_levels,
               const py::object& active, Real flood_threshold, std::optional<int> threads)
      : threads_(checked_threads(threads, "Simulation")) {
    RealArray z = RealArray::ensure(real_array(elevation, "elevation"));
    if (!z || z.ndim() != 2) {
      throw InputError("elevation: expected a 2-D array (ny, nx), row 0 the northern row" +
                       (z ? ", got shape " + shape_text(z) : std::string()));
    }
    for (const auto& [name, size] : {std::pair{"dx", dx}, std::pair{"dy", dy.value_or(dx)}}) {
      if (!(size >= limits::min_cell_size && size <= limits::max_cell_size)) {
        std::ostringstream msg;
        msg << name << ": expected a cell size in [" << limits::min_cell_size << ", "
            << limits::max_cell_size << "] m, got " << size;
        throw InputError(msg.str());
      }
    }
    if (origin && !(std::isfinite(origin->first) && std::isfinite(origin->second))) {
      throw InputError("origin: expected finite map coordinates (x, y)");
    }
    Grid grid;
    grid.ny = static_cast<int>(z.shape(0));
    grid.nx = static_cast<int>(z.shape(1));
    grid.dx = dx;
    grid.dy = dy.value_or(dx);
    grid.origin_x = origin ? origin->first : Real(0);
    grid.origin_y = origin ? origin->second : Real(grid.ny) * grid.dy;
    build(grid, span_of(z),
          config_of(scheme, limiter, cfl, gravity, dry_depth, max_dt, local_levels),
          flood_threshold);
    refresh_derived();  // the elevation (NaN inactive) for a Manning raster

    set_manning(manning);
    if (!active.is_none()) {
      sim_->set_active(span_of(as_field<MaskArray>(active, "active", grid.ny, grid.nx)));
    }
    if (!depth.is_none() && !water_level.is_none()) {
      throw InputError("depth and water_level: give one of them, not both");
    }
    if (!depth.is_none()) {
      sim_->set_depth(span_of(field(depth, "depth")));
    } else if (!water_level.is_none()) {
      sim_->set_water_level(span_of(field(water_level, "water_level")));
    }
    if (!velocity_x.is_none() || !velocity_y.is_none()) set_velocity(velocity_x, velocity_y);
    state_changed();
  }

  /// A simulation on the grid of an elevation raster (any GDAL raster), read as `floodtwin
  /// run` reads a scenario's DEM (terrain::load_elevation): its cell size, north-west corner
  /// and CRS; no-data cells inactive. `cell_size` resamples (GDAL warp with `resampling`),
  /// `target_crs` reprojects, `basin` (a polygon file) makes the cells outside it inactive.
  PySimulation(const py::object& raster, std::optional<Real> cell_size,
               std::optional<Real> cell_size_y, const std::string& resampling,
               const std::string& target_crs, const py::object& basin, int band,
               const std::string& scheme, const std::string& limiter, Real cfl, Real gravity,
               Real dry_depth, Real max_dt, int local_levels, Real flood_threshold,
               std::optional<int> threads)
      : threads_(checked_threads(threads, "Simulation.from_raster")) {
    terrain::ElevationOptions eo;
    eo.band = band;
    if (cell_size) eo.cell_size_x = *cell_size;
    if (cell_size_y) eo.cell_size_y = *cell_size_y;
    if ((cell_size_y && !cell_size) || (cell_size && !(*cell_size >= limits::min_cell_size &&
                                                       *cell_size <= limits::max_cell_size))) {
      std::ostringstream msg;
      msg << "from_raster: cell_size must be in [" << limits::min_cell_size << ", "
          << limits::max_cell_size << "] m (cell_size_y only with cell_size)";
      throw InputError(msg.str());
    }
    eo.resampling = resampling;
    if (!target_crs.empty()) eo.target_crs = target_crs;
    if (!basin.is_none()) eo.basin = path_text(basin, "from_raster: basin");
    const terrain::Raster dem = terrain::load_elevation(path_text(raster, "from_raster: path"), eo);
    crs_wkt_ = dem.crs_wkt;
    raster_warnings_ = dem.warnings;
    build(dem.grid, dem.values,
          config_of(scheme, limiter, cfl, gravity, dry_depth, max_dt, local_levels),
          flood_threshold);
    sim_->set_manning(Real(0.035));
    state_changed();
  }

  /// A simulation prepared from a scenario file (terrain, roughness, initial state, rain,
  /// infiltration, boundaries, sources): the same preparation as `floodtwin run`.
  PySimulation(const std::string& scenario_path, std::optional<int> threads)
      : threads_(checked_threads(threads, "Simulation.from_scenario")) {
    const scenarios::Scenario scenario = scenarios::load_scenario(scenario_path);
    driver::Forecast f = driver::prepare(scenario);
    crs_wkt_ = f.crs_wkt;
    gauge_interval_ =
        scenario.gauge_interval > 0 ? scenario.gauge_interval : scenario.output_interval;
    sim_ = std::move(f.sim);
    maps_ = std::move(f.maps);
    rain_ = std::move(f.rain);
    for (const auto& g : f.gauges) {
      scenario_gauges_.emplace_back(g.spec.name, g.spec.x, g.spec.y);
    }
    scenario_duration_ = scenario.duration;
    scenario_ = scenario;
    const std::size_t n = grid().cell_count();
    u_.assign(n, 0);
    v_.assign(n, 0);
    eta_.assign(n, 0);
    z_.assign(n, 0);
    state_changed();
  }
  [[nodiscard]] const std::vector<std::tuple<std::string, double, double>>& scenario_gauges()
      const {
    ensure_constructed();
    return scenario_gauges_;
  }
  [[nodiscard]] std::optional<double> scenario_duration() const {
    ensure_constructed();
    return scenario_duration_;
  }

  /// OpenMP threads of this simulation's steps: the count given, else OpenMP's default.
  [[nodiscard]] int threads() const {
    ensure_constructed();
    return threads_.value_or(omp_get_max_threads());
  }
  void set_threads(std::optional<int> threads) {
    ensure_idle();
    threads_ = checked_threads(threads, "Simulation.threads");
  }

  // ---- coordinate reference system ----------------------------------------------------------
  /// The grid's CRS as WKT ("" when unknown): from the raster or scenario, or set_crs().
  [[nodiscard]] const std::string& crs_wkt() const {
    ensure_constructed();
    return crs_wkt_;
  }
  /// Sets the grid's CRS from any definition OGR reads ("EPSG:32633", WKT, PROJ); None forgets
  /// it. Rasters given to the set_* methods later are reprojected from their CRS to this one.
  void set_crs(const py::object& definition) {
    ensure_idle();
    crs_wkt_ = definition.is_none()
                   ? std::string()
                   : terrain::crs_to_wkt(py::str(definition).cast<std::string>(), "set_crs");
  }
  /// Legal but suspicious properties of the raster the grid came from (e.g. no CRS).
  [[nodiscard]] const std::vector<std::string>& raster_warnings() const {
    ensure_constructed();
    return raster_warnings_;
  }

  // ---- gauges: recorded by the engine every gauge_interval --------------------------------
  /// Gauge series are sampled at the multiples of this interval [s] (absolute clock) and at the
  /// start of the first run/step; none: not recorded.
  [[nodiscard]] std::optional<Real> gauge_interval() const {
    ensure_constructed();
    return gauge_interval_;
  }
  void set_gauge_interval(std::optional<Real> every) {
    ensure_idle();
    gauge_interval_ = checked_interval(every, "Simulation.gauge_interval");
  }
  /// Registers a gauge (name unique, (x, y) inside the grid: checked by the Python wrapper);
  /// its series holds NaN for the samples taken before it was added.
  void add_gauge(const std::string& name, Real x, Real y) {
    ensure_idle();
    const Grid& g = grid();
    const int i = static_cast<int>(std::floor((x - g.origin_x) / g.dx));
    const int j = static_cast<int>(std::floor((g.origin_y - y) / g.dy));
    if (i < 0 || i >= g.nx || j < 0 || j >= g.ny) {
      throw InputError("gauge '" + name + "': outside the grid");
    }
    for (const auto& t : gauges_) {
      if (t.name == name) throw InputError("gauge '" + name + "': a gauge of that name exists");
    }
    GaugeTrack track{name, x, y, static_cast<std::size_t>(g.index(i, j)), {}, {}, {}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto* v : {&track.depth, &track.water_level, &track.speed}) {
      v->assign(gauge_times_.size(), nan);
    }
    gauges_.push_back(std::move(track));
  }
  void remove_gauge(const std::string& name) {
    ensure_idle();
    std::erase_if(gauges_, [&](const GaugeTrack& t) { return t.name == name; });
  }
  /// The recorded series: (times [s], names, x, y, depth, water_level, speed), the last three
  /// as (time, station) arrays (copies).
  [[nodiscard]] py::tuple gauge_series() const {
    ensure_idle();
    const auto nt = static_cast<py::ssize_t>(gauge_times_.size());
    const auto ns = static_cast<py::ssize_t>(gauges_.size());
    py::list names, xs, ys;
    for (const auto& t : gauges_) {
      names.append(t.name);
      xs.append(t.x);
      ys.append(t.y);
    }
    auto table = [&](std::vector<double> GaugeTrack::*column) {
      py::array_t<double> a({nt, ns});
      auto m = a.mutable_unchecked<2>();
      for (py::ssize_t s = 0; s < ns; ++s) {
        const auto& v = gauges_[static_cast<std::size_t>(s)].*column;
        for (py::ssize_t k = 0; k < nt; ++k) m(k, s) = v[static_cast<std::size_t>(k)];
      }
      return a;
    };
    py::array_t<double> times(nt);
    std::copy(gauge_times_.begin(), gauge_times_.end(), times.mutable_data());
    return py::make_tuple(times, names, xs, ys, table(&GaugeTrack::depth),
                          table(&GaugeTrack::water_level), table(&GaugeTrack::speed));
  }
  /// Forgets the recorded samples (the gauges stay).
  void clear_gauge_series() {
    ensure_idle();
    forget_gauge_samples();
  }

  // ---- checkpoints ----------------------------------------------------------------------------
  /// Writes the state (depths, discharges, time, steps, mass balance, flood maps) to `path`
  /// as a checkpoint of `floodtwin run` (io::write_checkpoint: `<path>.partial`, renamed when
  /// complete; `<path>.lock` held meanwhile).
  void save(const py::object& path_arg) {
    ensure_idle();
    const std::string path = path_text(path_arg, "save");
    if (scenario_) driver::refuse_outputs_over_inputs(*scenario_, path, "", "save");
    io::FileLock lock(io::lock_path(path), "Simulation.save");
    std::map<std::string, std::string> metadata;
    metadata["saved_by"] = "floodtwin.Simulation.save";
    if (scenario_) metadata["scenario_file"] = scenario_->file;
    metadata[driver::flows_key] = driver::format_flows(sim_->flows());
    io::write_checkpoint(path, *sim_, maps_.get(), metadata);
  }
  /// Reads a checkpoint of this grid into the simulation (io::read_checkpoint): the state,
  /// time, steps, mass balance and flood maps; forcing, boundaries, gauges and losses stay
  /// as they are set, the gauge series starts again at the loaded time. Nothing changes when
  /// it throws.
  void load(const py::object& path_arg) {
    ensure_not_running("load");
    const std::string path = path_text(path_arg, "load");
    const io::CheckpointInfo head = io::read_checkpoint_info(path);
    const std::string scheme = solver::to_string(sim_->config().scheme);
    if (!head.scheme.empty() && head.scheme != scheme) {
      throw InputError("load: " + path + " was written by a " + head.scheme +
                       " simulation; this one is " + scheme +
                       " (continuing with another scheme would not reproduce the run)");
    }
    // The cross-section and boundary totals go on from the saved ones (as `floodtwin run
    // --resume` does); restore_totals changes nothing when it throws.
    const std::vector<double> totals_before = sim_->flows().totals();
    if (const auto it = head.metadata.find(driver::flows_key); it != head.metadata.end()) {
      driver::restore_flows(sim_->flows(), it->second, "load: " + path);
    }
    try {
      io::read_checkpoint(path, *sim_, maps_.get());
    } catch (...) {
      sim_->flows().restore_totals(totals_before);
      throw;
    }
    rain_until_ = -std::numeric_limits<Real>::infinity();  // the rain of the loaded time
    forget_gauge_samples();  // samples of another timeline: out of time order with these
    refresh_derived();
  }

  // ---- fields ---------------------------------------------------------------------------------
  void set_manning(const py::object& n) {
    ensure_idle();
    if (is_number(n)) {
      sim_->set_manning(n.cast<Real>());
    } else if (is_path(n)) {
      // As a scenario's `manning = "file"` (driver::prepare): resampled "near" onto the grid.
      sim_->set_manning(terrain::load_manning(path_text(n, "set_manning"), grid(), crs_wkt_, z_));
    } else {
      sim_->set_manning(span_of(field(n, "manning")));
    }
  }
  void set_depth(const py::object& h) {
    ensure_idle();
    if (is_path(h)) {
      sim_->set_depth(raster_field(h, "initial depth raster", 0, 1e4));
    } else {
      sim_->set_depth(span_of(field(h, "depth")));
    }
    state_changed();
  }
  void set_water_level(const py::object& eta) {
    ensure_idle();
    if (is_path(eta)) {
      sim_->set_water_level(raster_field(eta, "initial water level raster", -1e5, 1e5));
    } else {
      sim_->set_water_level(span_of(field(eta, "water_level")));
    }
    state_changed();
  }
  void set_velocity(const py::object& u, const py::object& v) {
    ensure_idle();
    const std::vector<Real> zero(grid().cell_count(), 0);
    const RealArray ua = u.is_none() ? RealArray() : field(u, "velocity_x");
    const RealArray va = v.is_none() ? RealArray() : field(v, "velocity_y");
    sim_->set_velocity(u.is_none() ? std::span<const Real>(zero) : span_of(ua),
                       v.is_none() ? std::span<const Real>(zero) : span_of(va));
    state_changed();
  }
  void set_discharge(const py::object& qx, const py::object& qy) {
    ensure_idle();
    sim_->set_discharge(span_of(field(qx, "discharge_x")), span_of(field(qy, "discharge_y")));
    state_changed();
  }
  void set_active(const py::object& active) {
    ensure_idle();
    sim_->set_active(span_of(as_field<MaskArray>(active, "active", grid().ny, grid().nx)));
    state_changed();
  }

  // ---- forcing --------------------------------------------------------------------------------
  void set_boundary(const std::string& side, const std::string& type, const py::object& series,
                    std::optional<Real> from, std::optional<Real> to,
                    const std::string& after_end) {
    ensure_idle();
    solver::BoundaryCondition bc;
    bc.side = solver::parse_side(side);
    bc.type = solver::parse_boundary_type(type);
    const std::string what =
        "boundary " + solver::to_string(bc.side) + " " + solver::to_string(bc.type);
    bc.series = boundary_series(series, what, after_end_of(after_end, what));
    if (bc.type == solver::BoundaryType::discharge) check_discharge(bc.series);
    if (from) bc.from = *from;
    if (to) bc.to = *to;
    sim_->add_boundary(bc);
  }
  void clear_boundaries() {
    ensure_idle();
    sim_->clear_boundaries();
  }
  void set_rain_rate(const py::object& rate, const std::string& units) {
    ensure_idle();
    const Real scale = intensity_scale(units, "set_rain_rate");
    std::vector<Real> rates;
    if (is_number(rate)) {
      rates.assign(grid().cell_count(), rate.cast<Real>() * scale);
    } else if (is_path(rate)) {
      rates = raster_field(rate, "rain raster", 0, std::numeric_limits<Real>::infinity());
      for (Real& r : rates) r *= scale;
    } else if (!rate.is_none()) {
      const RealArray a = field(rate, "rain_rate");
      rates.assign(a.data(), a.data() + a.size());
      for (Real& r : rates) r *= scale;
    }
    check_rain(rates, "set_rain_rate", units);
    sim_->set_rain_rate(rates);  // validates (finite, >= 0); empty removes the rain
    drop_rain_field();
  }
  void set_uniform_rain(const py::object& times, const py::object& values, const std::string& units,
                        const std::string& after_end) {
    ensure_idle();
    if (times.is_none() && values.is_none()) {
      sim_->set_uniform_rain({});
      return;
    }
    const std::string what = "set_uniform_rain";
    solver::TimeSeries series = make_series(
        times, values, "uniform rain", after_end_of(after_end, what), intensity_scale(units, what));
    check_rain(series.values(), what, units);
    sim_->set_uniform_rain(std::move(series));
  }
  /// Gridded rain from a multi-band raster (netCDF, GRIB, GeoTIFF stack), band k the rain of
  /// the interval of times[k], as a scenario's [rainfall] grids (RainfallField::from_stack):
  /// resampled/reprojected onto the grid, stepped through its intervals by run()/step().
  void set_rain_grids(const py::object& path_arg, const py::object& times, const std::string& units,
                      const std::string& timing, const std::string& start,
                      const std::string& resampling, bool nodata_as_zero,
                      const std::string& after_end) {
    ensure_idle();
    const std::string what = "set_rain_grids";
    if (path_arg.is_none()) {
      drop_rain_field();
      sim_->set_rain_rate({});
      return;
    }
    const std::string path = path_text(path_arg, what.c_str());
    terrain::GriddedRainOptions options;
    options.units = terrain::parse_rain_units(units);
    options.timing = timing_of(timing, what);
    options.resampling = resampling;
    options.nodata_as_zero = nodata_as_zero;
    std::vector<Real> t = times.is_none() ? terrain::raster_band_times(path, start)
                                          : as_vector(times, what + " times");
    auto rain = std::make_shared<terrain::RainfallField>(
        terrain::RainfallField::from_stack(grid(), crs_wkt_, path, std::move(t), options));
    rain->set_after_end(after_end_of(after_end, what), what + " " + path);
    drop_rain_field();
    sim_->set_rain_rate({});
    rain_ = std::move(rain);
  }

  /// Rain gauges interpolated onto the grid, stepped through their intervals by run()/step().
  void set_rain_gauges(const py::object& stations, const py::object& times,
                       const py::object& values, const std::string& method, Real power,
                       const std::string& units, const std::string& timing,
                       std::optional<Real> fallback, const std::string& after_end) {
    ensure_idle();
    if (stations.is_none()) {
      drop_rain_field();
      sim_->set_rain_rate({});
      return;
    }
    const std::string what = "set_rain_gauges";
    // stations: {name: (x, y)} or [(name, x, y), ...]
    std::vector<terrain::Station> list;
    auto add = [&](const py::handle& name, const py::handle& x, const py::handle& y) {
      terrain::Station st;
      st.id = py::str(name).cast<std::string>();
      st.x = x.cast<Real>();
      st.y = y.cast<Real>();
      st.line = static_cast<int>(list.size()) + 1;
      list.push_back(st);
    };
    try {
      if (py::isinstance<py::dict>(stations)) {
        for (const auto& item : py::reinterpret_borrow<py::dict>(stations)) {
          auto xy = py::reinterpret_borrow<py::sequence>(item.second);
          if (py::len(xy) != 2) throw py::cast_error("");
          add(item.first, xy[0], xy[1]);
        }
      } else {
        for (const auto& item : py::reinterpret_borrow<py::sequence>(stations)) {
          auto row = py::reinterpret_borrow<py::sequence>(item);
          if (py::len(row) != 3) throw py::cast_error("");
          add(row[0], row[1], row[2]);
        }
      }
    } catch (const py::cast_error&) {
      throw InputError(what +
                       ": stations must be a dict {name: (x, y)} or a sequence of "
                       "(name, x, y)");
    }
    if (list.empty()) throw InputError(what + ": no stations given");
    terrain::SeriesTable table;
    table.path = "set_rain_gauges";
    table.times = as_vector(times, what + " times");
    RealArray v = RealArray::ensure(real_array(values, what + " values"));
    const auto n_t = static_cast<py::ssize_t>(table.times.size());
    const auto n_s = static_cast<py::ssize_t>(list.size());
    if (!v || v.ndim() != 2 || v.shape(0) != n_t || v.shape(1) != n_s) {
      throw InputError(what + ": values must be an array of shape (times, stations) = (" +
                       std::to_string(n_t) + ", " + std::to_string(n_s) + ")" +
                       (v ? ", got " + shape_text(v) : std::string()));
    }
    for (const auto& st : list) table.columns.push_back(st.id);
    for (py::ssize_t k = 0; k < n_t; ++k) {
      table.lines.push_back(static_cast<int>(k) + 1);
      table.values.emplace_back(v.data(k, 0), v.data(k, 0) + n_s);
    }
    terrain::GaugeRainOptions options;
    options.units = terrain::parse_rain_units(units);
    options.interpolation = terrain::parse_interpolation(method);
    options.idw_power = power;
    options.timing = timing_of(timing, what);
    if (fallback) {
      // An intensity in `units` (mm/h when the values are depths per interval, "mm").
      const Real rate = *fallback * intensity_scale(units == "mm" ? "mm/h" : units, what);
      if (!(rate >= 0 && std::isfinite(rate))) {
        std::ostringstream msg;
        msg << what << ": fallback must be a finite intensity >= 0, got " << *fallback;
        throw InputError(msg.str());
      }
      check_rain(std::span<const Real>(&rate, 1), what + " fallback", units);
      options.fallback_rate = rate;
    }
    auto rain = std::make_shared<terrain::RainfallField>(
        terrain::RainfallField::from_gauges(grid(), list, table, options));
    rain->set_after_end(after_end_of(after_end, what), what);
    drop_rain_field();
    sim_->set_rain_rate({});
    rain_ = std::move(rain);
  }
  std::size_t add_point_source(Real x, Real y, const py::object& times, const py::object& values,
                               const std::string& name, const std::string& after_end) {
    ensure_idle();
    const std::string label = "point source '" + name + "' discharge";
    solver::TimeSeries series = make_series(times, values, label, after_end_of(after_end, label));
    check_discharge(series);
    return sim_->add_point_source(x, y, std::move(series), name);
  }

  // ---- time stepping --------------------------------------------------------------------------
  Real step(Real dt_limit) {
    ensure_not_running("step");
    if (std::isnan(dt_limit) || !(dt_limit > 0)) {
      std::ostringstream msg;
      msg << "step: dt_limit must be a positive number of seconds, got " << dt_limit;
      throw InputError(msg.str());
    }
    Real dt = 0;
    {
      const RunScope running(*this);
      FlagScope computing(computing_);
      py::gil_scoped_release release;
      const ThreadsScope threads(threads_);
      try {
        // Scenario or gauge rain changes at interval bounds, gauges are sampled at their
        // times: the step ends there.
        record_gauges_at_start();
        const double next_gauge = next_gauge_time();
        const Real until = std::min(sync_rain(), static_cast<Real>(next_gauge));
        const Real left = until - sim_->time();
        if (std::isfinite(until) && left <= dt_limit &&
            std::min(sim_->stable_dt(), sim_->config().max_dt) >= left) {
          sim_->advance_to(until);
          dt = sim_->last_dt();
        } else {
          dt = sim_->step(std::min(dt_limit, left));
        }
        maps_->update(*sim_, dt);
        if (reached(sim_->time(), next_gauge)) record_gauges();
      } catch (...) {
        refresh_derived();
        throw;
      }
      refresh_derived();
    }
    return dt;
  }

  void run(Real until, const py::object& callback, std::optional<Real> every,
           const py::object& output_arg, std::optional<Real> output_interval,
           const py::object& progress) {
    ensure_not_running("run");
    if (!std::isfinite(until)) throw InputError("run: until must be a finite time [s]");
    if (until < sim_->time()) {
      std::ostringstream msg;
      msg.precision(17);
      msg << "run: until = " << until << " s is before the current time " << sim_->time() << " s";
      throw InputError(msg.str());
    }
    if (until - sim_->time() > limits::max_duration) {
      std::ostringstream msg;
      msg << "run: until = " << until << " s is " << (until - sim_->time()) / 86400
          << " days ahead; expected at most " << limits::max_duration / 86400
          << " days (as a scenario's duration)";
      throw InputError(msg.str());
    }
    if (every && !(*every > 0 && std::isfinite(*every))) {
      std::ostringstream msg;
      msg << "run: every must be a positive finite interval [s], got " << *every;
      throw InputError(msg.str());
    }
    if (every && ((until - sim_->time()) / *every > limits::max_gauge_samples ||
                  !(sim_->time() + *every > sim_->time()))) {
      std::ostringstream msg;
      msg << "run: every = " << *every << " s gives more than " << limits::max_gauge_samples
          << " callbacks from t = " << sim_->time() << " s to " << until
          << " s (or is below the clock's resolution); expected at least "
          << (until - sim_->time()) / limits::max_gauge_samples << " s";
      throw InputError(msg.str());
    }
    const bool has_callback = !callback.is_none();
    if (has_callback && !PyCallable_Check(callback.ptr())) {
      throw py::type_error("run: callback must be callable (it receives the simulation)");
    }
    if (!progress.is_none() && !PyCallable_Check(progress.ptr())) {
      throw py::type_error("run: progress must be callable (it receives the simulation)");
    }
    const std::string output =
        output_arg.is_none() ? std::string() : path_text(output_arg, "run: output");
    if (!output_arg.is_none() && output.empty()) {
      throw InputError("run: output must be a file name (or None for no results file)");
    }
    checked_interval(output_interval, "run: output_interval");
    if (output_interval && output.empty()) {
      throw InputError("run: output_interval applies to a results file: give output= too");
    }
    if (output_interval && (until - sim_->time()) / *output_interval > limits::max_snapshots) {
      std::ostringstream msg;
      msg << "run: output_interval = " << *output_interval << " s gives more than "
          << limits::max_snapshots << " snapshots from t = " << sim_->time() << " s to " << until
          << " s";
      throw InputError(msg.str());
    }
    // A forcing series that ends before `until` fails now, not half-way.
    sim_->check_forcing(until);
    if (rain_) rain_->check_covers(until);
    const auto wall_start = std::chrono::steady_clock::now();
    std::unique_ptr<ResultsOutput> out;
    if (!output.empty()) out = open_results(output);
    const RunScope running(*this);
    const ProgressScope reporting(*this, progress);
    const bool per_step = has_callback && !every;
    const py::object self = py::cast(this, py::return_value_policy::reference);
    record_gauges_at_start();
    Real last_snapshot = -std::numeric_limits<Real>::infinity();
    if (out) {
      out->writer.write_snapshot(*sim_, maps_.get());
      out->writer.write_gauges(*sim_);
      last_snapshot = sim_->time();
    }
    if (progress_) progress_(self);
    const double inf = std::numeric_limits<double>::infinity();
    // The callback sees the start, every multiple of `every` on the absolute clock (so chained
    // runs sample one grid of times), or every step, and `until`.
    bool stopped = has_callback && callback(self).ptr() == Py_False;
    while (!stopped && sim_->time() < until) {
      const Real t = sim_->time();
      const double next_call = has_callback && every ? next_multiple(t, *every) : inf;
      // Outputs on the absolute clock, as driver::run: steps end at their times.
      const double next_out = out && output_interval ? next_multiple(t, *output_interval) : inf;
      const double next_gauge = next_gauge_time();
      const double file_gauge = out && gauge_interval_ ? next_multiple(t, *gauge_interval_) : inf;
      const Real target =
          static_cast<Real>(std::min({static_cast<double>(until), static_cast<double>(next_call),
                                      next_out, next_gauge, file_gauge}));
      advance(target, per_step);
      const double now = sim_->time();
      if (reached(now, next_gauge)) record_gauges();
      if (out) {
        const bool at_out = reached(now, next_out) || now >= until;
        if (at_out || reached(now, file_gauge)) out->writer.write_gauges(*sim_);
        if (at_out) {
          out->writer.write_snapshot(*sim_, maps_.get());
          last_snapshot = sim_->time();
        }
      }
      if (!has_callback) continue;
      if (!per_step && !reached(now, next_call) && now < until) continue;
      stopped = callback(self).ptr() == Py_False;
    }
    if (progress_) progress_(self);
    if (out) {
      // A run stopped by its callback: the file ends at the time it stopped.
      if (sim_->time() != last_snapshot) {
        out->writer.write_gauges(*sim_);
        out->writer.write_snapshot(*sim_, maps_.get());
      }
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      out->writer.finalize(maps_.get(), wall);
    }
  }

  // ---- views ----------------------------------------------------------------------------------
  /// A read-only (ny, nx) view of a padded solver buffer, kept alive by `base`.
  template <class T>
  py::array padded_view(const T* padded, const py::handle& base) const {
    const Grid& g = grid();
    return view(padded + g.index(0, 0), g.stride(), base);
  }
  /// A read-only (ny, nx) view of an interior buffer owned by this wrapper.
  py::array interior_view(const std::vector<Real>& values, const py::handle& base) const {
    return view(values.data(), grid().nx, base);
  }

  [[nodiscard]] const solver::Simulation& sim() const {
    ensure_constructed();
    return *sim_;
  }
  /// The simulation, for queries that read the whole state (or update its cached wave speed):
  /// refused while the solver runs in another thread.
  [[nodiscard]] const solver::Simulation& idle_sim() const {
    ensure_idle();
    return *sim_;
  }
  [[nodiscard]] const solver::FloodMaps& maps() const {
    ensure_constructed();
    return *maps_;
  }
  [[nodiscard]] const Grid& grid() const { return sim().grid(); }
  /// The depth Python shows (padded): the solver's h, or with sub-grid channels h with the
  /// river's depth on channel cells (refreshed with the other derived fields).
  [[nodiscard]] const Real* depth_data() const {
    const solver::Simulation& s = sim();
    return s.channels() != nullptr && river_depth_.size() == s.grid().padded_size()
               ? river_depth_.data()
               : s.h();
  }
  [[nodiscard]] const std::vector<Real>& u() const {
    ensure_constructed();
    return u_;
  }
  [[nodiscard]] const std::vector<Real>& v() const {
    ensure_constructed();
    return v_;
  }
  [[nodiscard]] const std::vector<Real>& eta() const {
    ensure_constructed();
    return eta_;
  }
  [[nodiscard]] const std::vector<Real>& z() const {
    ensure_constructed();
    return z_;
  }
  [[nodiscard]] bool busy() const {
    ensure_constructed();
    return running_;
  }

  /// For the binding files that add methods to Simulation (sections.cpp): the core, once no
  /// other thread steps it; core_changed() after an edit of the state or the bed.
  solver::Simulation& core() {
    ensure_idle();
    return *sim_;
  }
  void core_changed() { state_changed(); }

 private:
  RealArray field(const py::object& obj, const char* name) const {
    return as_field<RealArray>(obj, name, grid().ny, grid().nx);
  }

  /// A per-cell field from a raster file, read onto the grid as `floodtwin run` reads a
  /// scenario's rasters (terrain::load_cell_parameter: resampled "near" and reprojected when
  /// it does not match; every active cell needs a value in [lo, hi]).
  std::vector<Real> raster_field(const py::object& path, const std::string& what, Real lo,
                                 Real hi) const {
    return terrain::load_cell_parameter(path_text(path, what.c_str()), grid(), crs_wkt_, z_, what,
                                        lo, hi);
  }

  static solver::SolverConfig config_of(const std::string& scheme, const std::string& limiter,
                                        Real cfl, Real gravity, Real dry_depth, Real max_dt,
                                        int local_levels) {
    solver::SolverConfig config;
    config.scheme = solver::parse_scheme(scheme);
    config.limiter = solver::parse_limiter(limiter);
    config.cfl = cfl;
    config.gravity = gravity;
    config.dry_depth = dry_depth;
    config.max_dt = max_dt;
    config.local_levels = local_levels;
    return config;
  }

  /// The solver, flood maps and derived-field buffers of a grid.
  void build(const Grid& grid, std::span<const Real> z, const solver::SolverConfig& config,
             Real flood_threshold) {
    sim_ = std::make_unique<solver::Simulation>(grid, z, config);
    maps_ = std::make_unique<solver::FloodMaps>(grid, flood_threshold);
    const std::size_t n = grid.cell_count();
    u_.assign(n, 0);
    v_.assign(n, 0);
    eta_.assign(n, 0);
    z_.assign(n, 0);
  }

  static terrain::RainTiming timing_of(const std::string& timing, const std::string& what) {
    if (timing == "period-ending") return terrain::RainTiming::period_ending;
    if (timing == "period-beginning") return terrain::RainTiming::period_beginning;
    throw ConfigError(what + ": timing expects \"period-ending\" or \"period-beginning\", got \"" +
                      timing + "\"");
  }

  template <class T>
  py::array view(const T* first, std::ptrdiff_t row_stride, const py::handle& base) const {
    const Grid& g = grid();
    const auto item = static_cast<py::ssize_t>(sizeof(T));
    py::array a(py::dtype::of<T>(), {py::ssize_t(g.ny), py::ssize_t(g.nx)},
                {row_stride * item, item}, first, base);
    a.attr("setflags")(py::arg("write") = false);
    return a;
  }

  /// A results file being written by run(), and its lock (`<path>.lock`), as driver::run.
  struct ResultsOutput {
    io::FileLock lock;
    io::ResultsWriter writer;
  };
  /// Locks and creates the results file `output` (`<output>.partial` until finalize()), with
  /// the static maps, the scenario's start time, CRS and text when built from one, the
  /// gauges and the thread count.
  std::unique_ptr<ResultsOutput> open_results(const std::string& output) {
    namespace fs = std::filesystem;
    const fs::path path(output);
    if (scenario_) driver::refuse_outputs_over_inputs(*scenario_, output, "", "run: output");
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    io::FileLock lock(io::lock_path(path), "Simulation.run");
    io::ResultsOptions ro;
    ro.title = "floodtwin scripted run";
    if (scenario_) {
      ro.start_time = scenario_->start;
      ro.scenario_text = scenario_->text;
      ro.deflate_level = scenario_->compression;
      ro.title = "floodtwin forecast: " + fs::path(scenario_->file).filename().string();
      ro.attributes["scenario_file"] = scenario_->file;
    }
    ro.crs_wkt = crs_wkt_;
    ro.threads = threads();
    ro.attributes["command_line"] = "floodtwin.Simulation.run";
    for (const auto& g : gauges_) ro.gauges.push_back({g.name, g.x, g.y});
    io::ResultsWriter writer(path, *sim_, ro);
    return std::make_unique<ResultsOutput>(ResultsOutput{std::move(lock), std::move(writer)});
  }

  void forget_gauge_samples() {
    sim_->flows().clear_samples();
    gauge_times_.clear();
    for (auto& t : gauges_) {
      t.depth.clear();
      t.water_level.clear();
      t.speed.clear();
    }
  }

  /// The next gauge sample time after now (infinity without gauges or interval).
  [[nodiscard]] double next_gauge_time() const {
    if ((gauges_.empty() && !records_flows()) || !gauge_interval_) {
      return std::numeric_limits<double>::infinity();
    }
    return next_multiple(sim_->time(), *gauge_interval_);
  }
  /// The first sample of the series, when a run or step starts and none was taken yet (later
  /// samples stay on the multiples of gauge_interval, also over chained runs).
  void record_gauges_at_start() {
    if (gauge_times_.empty() && sim_->flows().samples().times.empty()) record_gauges();
  }
  /// Appends the state at every gauge at the current time (once per time).
  /// Cross-sections whose volumes are sampled with the gauges (the boundaries' volumes are
  /// sampled too whenever gauges or sections are). Sampling times end steps, so a run with
  /// neither gauges nor sections keeps exactly the steps the C++ engine takes (Simulation::
  /// advance_to): boundaries alone do not add sampling times.
  [[nodiscard]] bool records_flows() const { return !sim_->flows().sections().empty(); }
  void record_gauges() {
    if (!gauge_interval_) return;
    if (records_flows()) sim_->flows().record_sample(sim_->time());  // once per time
    if (gauges_.empty()) return;
    if (!gauge_times_.empty() && !(gauge_times_.back() < sim_->time())) return;
    gauge_times_.push_back(sim_->time());
    const std::vector<solver::ChannelCellOutput> river = sim_->channel_outputs();
    for (auto& t : gauges_) {
      const auto [depth, level, speed] = cell_state(t.cell, river);
      t.depth.push_back(depth);
      t.water_level.push_back(level);
      t.speed.push_back(speed);
    }
  }
  /// Depth, water level and speed of padded cell k as gauges read it: the 2D state, or on a
  /// sub-grid channel cell the river (`river`: Simulation::channel_outputs()), as the results
  /// file's gauges.
  [[nodiscard]] std::tuple<double, double, double> cell_state(
      std::size_t k, const std::vector<solver::ChannelCellOutput>& river) const {
    const std::ptrdiff_t r =
        river.empty() ? -1 : sim_->channels()->find(static_cast<std::ptrdiff_t>(k));
    if (r >= 0) {
      const solver::ChannelCellOutput& o = river[static_cast<std::size_t>(r)];
      return {o.depth, o.level, o.speed};
    }
    const Real* h = sim_->h();
    const Real dry = sim_->config().dry_depth;
    const double u = h[k] > dry ? sim_->qx()[k] / h[k] : 0.0;
    const double v = h[k] > dry ? sim_->qy()[k] / h[k] : 0.0;
    const bool active = sim_->mask()[k] == solver::cell_active;
    return {h[k], active ? h[k] + sim_->z()[k] : std::numeric_limits<double>::quiet_NaN(),
            std::hypot(u, v)};
  }

 public:
  /// Simulation._gauge_state(row, col): (depth, water_level, speed) of a cell now, as the
  /// gauge series record it.
  [[nodiscard]] py::tuple gauge_state(int row, int col) const {
    const Grid& g = idle_sim().grid();
    if (row < 0 || col < 0 || row >= g.ny || col >= g.nx) {
      throw InputError("gauge cell (row " + std::to_string(row) + ", column " +
                       std::to_string(col) + ") outside the grid");
    }
    const auto [depth, level, speed] =
        cell_state(static_cast<std::size_t>(g.index(col, row)), sim_->channel_outputs());
    return py::make_tuple(depth, level, speed);
  }

 private:
  /// Sets the rain of the interval of rain_ that holds now (when it changed); returns the time
  /// the interval ends (infinity without a rain field).
  Real sync_rain() {
    if (!rain_) return std::numeric_limits<Real>::infinity();
    if (!(sim_->time() < rain_until_)) {
      const std::vector<Real> rate = rain_->rate_at(sim_->time());
      sim_->set_rain_rate(rate);
      rain_until_ = rain_->next_change(sim_->time());
    }
    return rain_until_;
  }

  /// Forgets the scenario/gauge rain field (an explicit rain rate replaces it).
  void drop_rain_field() {
    rain_.reset();
    rain_until_ = -std::numeric_limits<Real>::infinity();
  }

  /// While run()/step() runs, the simulation belongs to its thread: other threads may not
  /// change or query it (a run()'s callback may, between steps).
  void ensure_idle() const {
    ensure_constructed();
    if (computing_ || (running_ && std::this_thread::get_id() != runner_)) {
      throw std::runtime_error(
          "the simulation is running in another thread; wait for step()/run() to return");
    }
  }
  /// One run()/step() at a time: not from another thread, not from a run()'s callback.
  void ensure_not_running(const char* what) const {
    ensure_idle();
    if (running_) {
      throw std::runtime_error(std::string(what) +
                               ": called from a callback of run(), which is still running; "
                               "return from the callback (False stops the run) instead");
    }
  }

  /// Marks a run()/step() in progress and the thread it belongs to (under the GIL).
  class RunScope {
   public:
    explicit RunScope(PySimulation& sim) : sim_(sim) {
      sim_.running_ = true;
      sim_.runner_ = std::this_thread::get_id();
    }
    ~RunScope() { sim_.running_ = false; }
    RunScope(const RunScope&) = delete;
    RunScope& operator=(const RunScope&) = delete;

   private:
    PySimulation& sim_;
  };

  /// Holds run()'s progress callable in progress_ for the life of the run (under the GIL).
  class ProgressScope {
   public:
    ProgressScope(PySimulation& sim, const py::object& progress) : sim_(sim) {
      if (!progress.is_none()) sim_.progress_ = progress;
    }
    ~ProgressScope() { sim_.progress_ = py::object(); }
    ProgressScope(const ProgressScope&) = delete;
    ProgressScope& operator=(const ProgressScope&) = delete;

   private:
    PySimulation& sim_;
  };
  /// Calls the progress callable between steps (GIL held); it may read time, dt and steps
  /// (methods that read the whole state refuse while the run computes).
  void report_progress() { progress_(py::cast(this, py::return_value_policy::reference)); }

  /// Steps to `target` (exactly), or one step towards it; the GIL must be held on entry.
  void advance(Real target, bool single_step) {
    FlagScope computing(computing_);
    py::gil_scoped_release release;
    const ThreadsScope threads(threads_);
    try {
      auto last_check = std::chrono::steady_clock::now();
      while (sim_->time() < target) {
        // Scenario rain changes at interval bounds: steps end there.
        const Real stop = std::min(target, sync_rain());
        // The last step lands exactly on the target, as Simulation::advance_to does.
        if (std::min(sim_->stable_dt(), sim_->config().max_dt) >= stop - sim_->time()) {
          sim_->advance_to(stop);
        } else {  // at most to the stop (a cycle of local time steps is longer than dt)
          sim_->step(stop - sim_->time());
        }
        maps_->update(*sim_, sim_->last_dt());
        if (single_step) break;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_check >= signal_check_interval) {
          last_check = now;
          py::gil_scoped_acquire acquire;
          if (PyErr_CheckSignals() != 0) throw py::error_already_set();
          if (progress_) report_progress();
        }
      }
    } catch (...) {
      refresh_derived();
      throw;
    }
    refresh_derived();
  }

  /// After the state was set from Python: derived fields, and the flood maps (restarted while
  /// no step was taken, so that they describe the run from its initial state).
  void state_changed() {
    if (sim_->steps() == 0) {
      maps_->reset();  // in place: views of these buffers must stay valid
    }
    maps_->update(*sim_, 0);
    refresh_derived();
  }

  /// Velocities, water level and elevation from the state, as Simulation::velocity_x() & co.
  void refresh_derived() {
    const Grid& g = grid();
    const Real* h = sim_->h();
    const Real* qx = sim_->qx();
    const Real* qy = sim_->qy();
    const Real* zb = sim_->z();
    const std::uint8_t* mask = sim_->mask();
    const Real dry = sim_->config().dry_depth;
    const Real nan = std::numeric_limits<Real>::quiet_NaN();
    std::size_t c = 0;
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i, ++c) {
        const auto k = static_cast<std::size_t>(g.index(i, j));
        const bool active = mask[k] == solver::cell_active;
        u_[c] = h[k] > dry ? qx[k] / h[k] : Real(0);
        v_[c] = h[k] > dry ? qy[k] / h[k] : Real(0);
        eta_[c] = active ? h[k] + zb[k] : nan;
        z_[c] = active ? zb[k] : nan;
      }
    }
    // Sub-grid channel cells show the river (Simulation::channel_outputs()).
    const std::vector<solver::ChannelCellOutput> river = sim_->channel_outputs();
    if (river.empty()) return;
    river_depth_.resize(g.padded_size());  // in place: views of it stay valid
    std::copy(h, h + g.padded_size(), river_depth_.begin());
    const std::ptrdiff_t stride = g.stride();
    for (const solver::ChannelCellOutput& o : river) {
      river_depth_[static_cast<std::size_t>(o.k)] = o.depth;
      const auto j = static_cast<std::size_t>(o.k / stride - Grid::ghost);
      const auto i = static_cast<std::size_t>(o.k % stride - Grid::ghost);
      eta_[j * static_cast<std::size_t>(g.nx) + i] = o.level;
    }
  }

  /// The wrappers whose constructor ran (and whose destructor has not): pybind11 hands a
  /// method the uninitialised memory of an object made by Simulation.__new__ without
  /// __init__, which must be refused before any member is read.
  static std::unordered_set<const PySimulation*>& constructed() {
    static std::unordered_set<const PySimulation*> set;
    return set;
  }
  /// Registers the wrapper for the life of its members (so also when a constructor throws).
  class Registration {
   public:
    explicit Registration(const PySimulation* sim) : sim_(sim) { constructed().insert(sim_); }
    ~Registration() { constructed().erase(sim_); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    const PySimulation* sim_;
  };
  void ensure_constructed() const {
    if (constructed().count(this) == 0) {
      throw py::type_error(
          "floodtwin.Simulation: __init__ was not called; create simulations with "
          "Simulation(elevation, dx, ...) or Simulation.from_scenario(path)");
    }
  }

  Registration registration_{this};  ///< first member: registered before the others exist
  std::unique_ptr<solver::Simulation> sim_;
  std::unique_ptr<solver::FloodMaps> maps_;
  std::shared_ptr<terrain::RainfallField> rain_;              ///< scenario rain, when any
  Real rain_until_ = -std::numeric_limits<Real>::infinity();  ///< current rain field holds until
  std::vector<std::tuple<std::string, double, double>> scenario_gauges_;
  std::optional<double> scenario_duration_;
  std::vector<Real> u_, v_;        ///< velocities [m/s], east/north positive, nx * ny
  std::vector<Real> eta_;          ///< water level [m], NaN in inactive cells
  std::vector<Real> river_depth_;  ///< padded depth with channel cells' river (depth_data())
  std::vector<Real> z_;            ///< bed elevation [m], NaN in inactive cells
  std::optional<int> threads_;     ///< OpenMP threads of the steps; none: OpenMP's default
  std::optional<scenarios::Scenario> scenario_;  ///< the scenario built from, when any
  std::string crs_wkt_;  ///< the grid's CRS (scenario, raster or set_crs), or ""
  std::vector<std::string> raster_warnings_;  ///< of the elevation raster (from_raster)
  py::object progress_;  ///< run(progress=): called with the simulation every ~0.2 s of wall time
  /// A gauge and its series, one value per entry of gauge_times_ (NaN before it was added).
  struct GaugeTrack {
    std::string name;
    double x = 0, y = 0;
    std::size_t cell = 0;  ///< padded index of the cell that contains (x, y)
    std::vector<double> depth, water_level, speed;
  };
  std::vector<GaugeTrack> gauges_;
  std::vector<double> gauge_times_;                ///< sample times [s]
  std::optional<Real> gauge_interval_ = Real(60);  ///< [s]; none: series not recorded
  bool running_ = false;    ///< run() or step() is in progress (callbacks included)
  bool computing_ = false;  ///< the solver runs without the GIL
  std::thread::id runner_;  ///< the thread of the run in progress
};

solver::Simulation& core_simulation(py::handle self) { return self.cast<PySimulation&>().core(); }
void core_changed(py::handle self) { self.cast<PySimulation&>().core_changed(); }

namespace {

/// floodtwin.run_scenario: what `floodtwin run` does, returning its summary as a dict.
py::dict run_scenario(const py::object& path_arg, const py::object& output_arg,
                      Real checkpoint_every, const py::object& resume_arg,
                      const py::object& progress, std::optional<int> threads) {
  const std::string path = path_text(path_arg, "run_scenario");
  const std::string output = path_text(output_arg, "run_scenario: output");
  const std::string resume = path_text(resume_arg, "run_scenario: resume");
  if (threads && *threads < 1) {
    throw ConfigError("run_scenario: threads must be a positive integer, got " +
                      std::to_string(*threads));
  }
  if (!(checkpoint_every >= 0 && std::isfinite(checkpoint_every))) {
    std::ostringstream msg;
    msg << "run_scenario: checkpoint_every must be a finite interval >= 0 [s] (0: none), got "
        << checkpoint_every;
    throw ConfigError(msg.str());
  }
  const scenarios::Scenario scenario = scenarios::load_scenario(path);
  driver::Forecast forecast = driver::prepare(scenario);
  driver::RunOptions options;
  options.output = output;
  options.checkpoint_every = checkpoint_every;
  options.resume = resume;
  options.command_line = {"floodtwin.run_scenario", path};
  std::atomic<bool> stop{false};
  options.stop = &stop;
  std::exception_ptr python_error;
  options.on_progress = [&](const driver::Progress& p) {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) {
      stop = true;
      python_error = std::make_exception_ptr(py::error_already_set());
      return;
    }
    if (progress.is_none()) return;
    py::dict d;
    d["time"] = p.time;
    d["duration"] = p.duration;
    d["wall"] = p.wall;
    d["dt"] = p.dt;
    d["steps"] = p.steps;
    d["wet_cells"] = p.wet_cells;
    d["balance_error"] = p.balance_error;
    progress(d);
  };
  driver::RunSummary summary;
  {
    py::gil_scoped_release release;
    // Like `floodtwin run --threads N`, for this run only (the caller's setting comes back).
    const int caller_threads = omp_get_max_threads();
    if (threads) omp_set_num_threads(*threads);
    options.threads = omp_get_max_threads();
    try {
      summary = driver::run(forecast, options);
    } catch (...) {
      omp_set_num_threads(caller_threads);
      throw;
    }
    omp_set_num_threads(caller_threads);
  }
  if (python_error) std::rethrow_exception(python_error);
  py::dict out;
  out["results"] = summary.results;
  out["checkpoints"] = summary.checkpoints;
  out["interrupted"] = summary.interrupted;
  out["wall_time"] = summary.wall;
  out["steps"] = summary.steps;
  out["max_depth"] = summary.max_depth;
  out["flooded_area"] = summary.flooded_area;
  out["mass_balance_error"] = summary.balance.relative_error();
  out["mass_balance"] = py::cast(summary.balance).attr("as_dict")();
  py::list warnings;
  for (const auto& w : summary.warnings) {
    py::dict d;
    d["gauge"] = w.gauge;
    d["what"] = w.what;
    d["threshold"] = w.threshold;
    d["value"] = w.value;
    d["time"] = w.time;
    d["before_resume"] = w.before_resume;
    warnings.append(d);
  }
  out["warnings"] = warnings;
  out["notes"] = summary.notes;
  return out;
}

/// A zero-copy view of a padded buffer of T, as a read-only property (init_simulation).
template <class T>
struct PaddedField {
  const char* name;
  const T* (*data)(const PySimulation&);
  const char* doc;
};

}  // namespace

void init_simulation(py::module_& m) {
  m.def("run_scenario", &run_scenario, py::arg("path"), py::kw_only(), py::arg("output") = "",
        py::arg("checkpoint_every") = 0.0, py::arg("resume") = "", py::arg("progress") = py::none(),
        py::arg("threads") = py::none(),
        R"doc(Runs a scenario file as `floodtwin run` does: writes the results file (and
checkpoints every `checkpoint_every` seconds of simulated time) using `threads` OpenMP
threads (default: OpenMP's setting), and returns a summary dict
(results, checkpoints, warnings, max_depth, flooded_area, mass_balance_error, steps,
wall_time). `progress(dict)` is called at each output and every few seconds. Ctrl-C stops the
run with a checkpoint and raises KeyboardInterrupt.)doc");
  m.def(
      "_crs_info",
      [](const std::string& wkt) {
        const io::CfGridMapping cf = io::cf_grid_mapping(wkt);
        py::dict attributes;
        for (const auto& [key, value] : cf.attributes) {
          if (const auto* text = std::get_if<std::string>(&value)) {
            attributes[py::str(key)] = *text;
          } else {
            const auto& v = std::get<std::vector<double>>(value);
            attributes[py::str(key)] = v.size() == 1 ? py::object(py::float_(v[0])) : py::cast(v);
          }
        }
        py::dict out;
        out["name"] = cf.name;
        out["epsg"] = cf.epsg ? py::object(py::int_(*cf.epsg)) : py::object(py::none());
        out["grid_mapping_name"] = cf.grid_mapping_name;
        out["attributes"] = attributes;
        return out;
      },
      py::arg("wkt"),
      "The CF grid mapping of a CRS WKT, as results files carry it: {name, epsg, "
      "grid_mapping_name, attributes}.");
  const solver::SolverConfig defaults;
  using P = PySimulation;
  auto cls = py::class_<P>(m, "Simulation", R"doc(
A 2D shallow-water simulation on a regular grid.

Arrays are (ny, nx): row 0 is the northern row and column 0 the western column, as in a
north-up DEM. `origin` is the north-west corner of cell (0, 0), as in a GDAL geotransform;
cell (row j, column i) has its centre at x = x0 + (i + 0.5) dx, y = y0 - (j + 0.5) dy.
)doc");

  cls.def(
      py::init<const py::object&, Real, std::optional<Real>, std::optional<std::pair<Real, Real>>,
               const py::object&, const py::object&, const py::object&, const py::object&,
               const py::object&, const std::string&, const std::string&, Real, Real, Real, Real,
               int, const py::object&, Real, std::optional<int>>(),
      py::arg("elevation"), py::arg("dx"), py::arg("dy") = py::none(),
      py::arg("origin") = py::none(), py::kw_only(), py::arg("manning") = 0.035,
      py::arg("depth") = py::none(), py::arg("water_level") = py::none(),
      py::arg("velocity_x") = py::none(), py::arg("velocity_y") = py::none(),
      py::arg("scheme") = "second-order", py::arg("limiter") = "van-leer",
      py::arg("cfl") = defaults.cfl, py::arg("gravity") = defaults.gravity,
      py::arg("dry_depth") = defaults.dry_depth, py::arg("max_dt") = defaults.max_dt,
      py::arg("local_levels") = 0, py::arg("active") = py::none(), py::arg("flood_threshold") = 0.1,
      py::arg("threads") = py::none(), "See floodtwin.Simulation for the parameters.");

  cls.def(py::init<const std::string&, std::optional<int>>(), py::kw_only(), py::arg("scenario"),
          py::arg("threads") = py::none(),
          "Prepares the simulation of a scenario file (see floodtwin.Simulation.from_scenario).");
  cls.def_property_readonly("scenario_gauges", &P::scenario_gauges,
                            "Gauges of the scenario file: (name, x, y) tuples.");
  cls.def(py::init<const py::object&, std::optional<Real>, std::optional<Real>, const std::string&,
                   const std::string&, const py::object&, int, const std::string&,
                   const std::string&, Real, Real, Real, Real, int, Real, std::optional<int>>(),
          py::kw_only(), py::arg("raster"), py::arg("cell_size") = py::none(),
          py::arg("cell_size_y") = py::none(), py::arg("resampling") = "bilinear",
          py::arg("target_crs") = "", py::arg("basin") = py::none(), py::arg("band") = 1,
          py::arg("scheme") = "second-order", py::arg("limiter") = "van-leer",
          py::arg("cfl") = defaults.cfl, py::arg("gravity") = defaults.gravity,
          py::arg("dry_depth") = defaults.dry_depth, py::arg("max_dt") = defaults.max_dt,
          py::arg("local_levels") = 0, py::arg("flood_threshold") = 0.1,
          py::arg("threads") = py::none(),
          "A simulation on the grid of an elevation raster (see "
          "floodtwin.Simulation.from_raster).");
  cls.def_property_readonly(
      "crs_wkt",
      [](const P& s) -> py::object {
        if (s.crs_wkt().empty()) return py::none();
        return py::str(s.crs_wkt());
      },
      "The grid's CRS as WKT (from the raster or scenario, or set_crs), None when unknown.");
  cls.def("set_crs", &P::set_crs, py::arg("crs"),
          "Sets the grid's CRS: \"EPSG:32633\", a WKT or a PROJ string (projected, in metres); "
          "None forgets it. Rasters given to set_* later are reprojected to it; results files "
          "carry it.");
  cls.def_property_readonly("raster_warnings", &P::raster_warnings,
                            "Warnings about the elevation raster (e.g. it has no CRS).");
  cls.def_property_readonly("scenario_duration", &P::scenario_duration,
                            "Duration of the scenario [s], or None when not built from one.");

  // Fields.
  cls.def("set_manning", &P::set_manning, py::arg("n"),
          "Manning n [s/m^(1/3)]: a number, a (ny, nx) array or a raster file path (resampled "
          "\"near\" and reprojected onto the grid, as a scenario's manning raster), >= 0 (0: "
          "frictionless).")
      .def("set_depth", &P::set_depth, py::arg("depth"),
           "Depth [m] per cell, (ny, nx) array or a raster file path (read onto the grid as a "
           "scenario's initial depth raster), finite and >= 0; dry cells lose their discharge.")
      .def("set_water_level", &P::set_water_level, py::arg("water_level"),
           "Free-surface elevation [m] per cell, (ny, nx) array or a raster file path; depth = "
           "max(0, level - bed).")
      .def("set_velocity", &P::set_velocity, py::arg("velocity_x"),
           py::arg("velocity_y") = py::none(),
           "Velocities [m/s], positive towards east and north; None means zero.")
      .def("set_discharge", &P::set_discharge, py::arg("discharge_x"), py::arg("discharge_y"),
           "Unit discharges [m2/s], positive towards east and north.")
      .def("set_active", &P::set_active, py::arg("active"),
           "Marks further cells inactive (walls) where `active` is 0/False, (ny, nx).");

  // Forcing.
  cls.def("set_boundary", &P::set_boundary, py::arg("side"), py::arg("type"),
          py::arg("series") = py::none(), py::arg("from_") = py::none(), py::arg("to") = py::none(),
          py::kw_only(), py::arg("after_end") = "error",
          R"doc(
Adds a boundary condition on (a segment of) one side.

side: "north", "south", "east" or "west". type: "wall", "open", "discharge" (inflow Q [m3/s],
at most 1e6) or "water_level" (eta [m]). series: a number (held for the whole run), or a pair
(times [s], values), piecewise linear. after_end: what the series gives after its last time:
"error" (default: running past it raises ValueError), "hold" (the last value) or "zero"
(not for a water level). from_, to: the segment along the side in map coordinates (x for
north/south, y for east/west), default the whole side. Later conditions override earlier ones
where they overlap.
)doc")
      .def("clear_boundaries", &P::clear_boundaries, "Removes all boundary conditions (walls).")
      .def("set_rain_grids", &P::set_rain_grids, py::arg("path"), py::arg("times") = py::none(),
           py::kw_only(), py::arg("units") = "mm/h", py::arg("timing") = "period-ending",
           py::arg("start") = "", py::arg("resampling") = "bilinear",
           py::arg("nodata_as_zero") = false, py::arg("after_end") = "error",
           R"doc(Gridded rain from a multi-band raster (netCDF, GRIB, GeoTIFF stack), as a
scenario's [rainfall] grids: band k holds the rain of the interval at times[k] [s] (default:
the bands' times from the file's metadata, in seconds since `start`, ISO-8601, else since
the first band). `units` "mm/h", "mm" (per interval) or "m/s"; `timing` "period-ending" or
"period-beginning"; resampled (`resampling`) and reprojected onto the grid; no-data cells are
an error unless `nodata_as_zero`. after_end: "error" (default), "zero" or "hold". None
removes it. Replaces earlier gauge, grid or scenario rain.)doc")
      .def("set_rain_rate", &P::set_rain_rate, py::arg("rate"), py::kw_only(),
           py::arg("units") = "mm/h",
           "Rain intensity per cell ((ny, nx) array, a raster file path or a number) in `units` "
           "(\"mm/h\", the "
           "default, or \"m/s\"), at most 5000 mm/h, held until changed; None removes it. "
           "Replaces gauge or scenario rain (set_rain_gauges).")
      .def("set_rain_gauges", &P::set_rain_gauges, py::arg("stations"),
           py::arg("times") = py::none(), py::arg("values") = py::none(), py::kw_only(),
           py::arg("method") = "idw", py::arg("power") = 2.0, py::arg("units") = "mm/h",
           py::arg("timing") = "period-ending", py::arg("fallback") = py::none(),
           py::arg("after_end") = "error",
           R"doc(Rain gauges interpolated onto the grid, as a scenario's [rain] gauges.
`stations`: {name: (x, y)} or [(name, x, y), ...] in the grid's CRS; `times` [s] (n,)
strictly increasing; `values` (n, stations) in `units` ("mm/h", "mm" per interval, "m/s"),
NaN where a gauge has no value. `method` "idw" (weights d^-power) or "thiessen" (nearest
gauge). A value at times[k] covers the interval ending there ("period-ending", as gauges
log) or starting there ("period-beginning"). `fallback` (an intensity in `units`, mm/h when
units is "mm") is used where no gauge has a value (otherwise that is an error). After the last
interval: `after_end` "error" (default: running past it raises ValueError), "zero" (no more
rain) or "hold" (the last interval's rain). run() and step() end steps at the interval bounds.
Replaces earlier gauge or scenario rain; set_rain_rate() or stations=None removes it.)doc")
      .def("set_uniform_rain", &P::set_uniform_rain, py::arg("times") = py::none(),
           py::arg("values") = py::none(), py::kw_only(), py::arg("units") = "mm/h",
           py::arg("after_end") = "error",
           "Spatially uniform rain intensity over time (piecewise linear) in `units` "
           "(\"mm/h\", the default, or \"m/s\"), added to the rain field; times None and a "
           "number for values gives a constant; both None removes it. after_end: \"error\" "
           "(default: running past the last time raises ValueError), \"hold\" or \"zero\".")
      .def("add_point_source", &P::add_point_source, py::arg("x"), py::arg("y"), py::arg("times"),
           py::arg("values"), py::arg("name") = "", py::kw_only(), py::arg("after_end") = "error",
           "Adds a point source (discharge [m3/s], negative to abstract, |Q| <= 1e6) at the cell "
           "that contains (x, y); times None and a number for values gives a constant. "
           "after_end: \"error\" (default: running past the last time raises ValueError), "
           "\"hold\" or \"zero\". Returns its index.");

  // Time stepping.
  cls.def("step", &P::step, py::arg("dt_limit") = std::numeric_limits<Real>::infinity(),
          "Advances one CFL-limited step (at most dt_limit and max_dt) and returns its length "
          "[s]. The GIL is released while it computes.")
      .def("run", &P::run, py::arg("until"), py::arg("callback") = py::none(),
           py::arg("every") = py::none(), py::kw_only(), py::arg("output") = py::none(),
           py::arg("output_interval") = py::none(), py::arg("progress") = py::none(), R"doc(
Advances the simulation to the time `until` [s] (exactly).

callback(sim) is called at the start, at every multiple of `every` [s] of simulated time on
the absolute clock (multiples since t = 0, not since the call: chained runs sample one grid
of times; steps end exactly there), or after every step when `every` is None, and at
`until`; returning False stops the run. progress(sim) is called at the start, about every
0.2 s of wall time between steps, and at the end (floodtwin.Simulation.run(progress=True)
draws a text bar with it).
The GIL is released while the solver computes; Ctrl-C raises KeyboardInterrupt at a step
boundary with the state intact.

output: a results file (the CF/netCDF-4 file of `floodtwin run`, for open_results, info,
export, render, write_vtk) holding this run: snapshots at its start, at every multiple of
`output_interval` [s] on the absolute clock (None: only at the start and at `until`) and at
the end, gauge samples at those times and every gauge_interval, the mass balance and the peak
maps. It is written as `<output>.partial` (locked by `<output>.lock`) and renamed when the run
ends; a run stopped by an error or Ctrl-C leaves the `.partial` file, readable up to its last
snapshot. Gauge series (gauge_series()) are sampled every gauge_interval; steps end at the
output and sample times.
)doc")
      .def(
          "stable_dt", [](const P& s) { return s.idle_sim().stable_dt(); },
          "The CFL time step of the current state [s] (inf when everything is still).")
      .def(
          "mass_balance", [](const P& s) { return s.idle_sim().mass_balance(); },
          "Water volumes since the start (MassBalance).")
      .def(
          "wet_cells", [](const P& s, Real threshold) { return s.idle_sim().wet_cells(threshold); },
          py::arg("threshold") = 1e-3, "Number of active cells deeper than threshold [m].")
      .def_property_readonly(
          "time", [](const P& s) { return s.sim().time(); }, "Simulated time [s].")
      .def_property_readonly(
          "dt", [](const P& s) { return s.sim().last_dt(); },
          "Length of the last step [s] (0 before the first).")
      .def_property_readonly(
          "steps", [](const P& s) { return s.sim().steps(); }, "Number of steps taken.")
      .def_property_readonly("running", &P::busy,
                             "True while step()/run() computes (in another thread).")
      .def_property("gauge_interval", &P::gauge_interval, &P::set_gauge_interval,
                    "Interval [s] of the gauge series recorded by run()/step() at the multiples "
                    "of it (absolute clock; steps end there), first sample at the start of a "
                    "run: 60 s by default, the scenario's gauge (else output) interval with "
                    "from_scenario; None records nothing.")
      .def("_add_gauge", &P::add_gauge, py::arg("name"), py::arg("x"), py::arg("y"))
      .def("_remove_gauge", &P::remove_gauge, py::arg("name"))
      .def("_gauge_series", &P::gauge_series)
      .def("_gauge_state", &P::gauge_state, py::arg("row"), py::arg("col"))
      .def("save", &P::save, py::arg("path"),
           "Writes the state (depth, discharges, time, steps, mass balance, flood maps) to a "
           "checkpoint file (the format of `floodtwin run --checkpoint-every`), bitwise.")
      .def("load", &P::load, py::arg("path"),
           "Reads a checkpoint written by save() (or `floodtwin run`) of the same grid, basin and "
           "scheme into this simulation: state, time, steps, mass balance and flood maps. "
           "Forcing, boundaries, gauges and infiltration stay as set here (give them as when "
           "it was saved): continuing then gives the uninterrupted run bitwise.")
      .def("clear_gauge_series", &P::clear_gauge_series,
           "Forgets the recorded gauge samples (the gauges stay).")
      .def_property("threads", &P::threads, &P::set_threads,
                    "OpenMP threads used by this simulation's step()/run() (set in the thread "
                    "that runs them, for those calls only): a positive integer, or None for "
                    "OpenMP's default (OMP_NUM_THREADS), which reading it then gives. Results "
                    "are bitwise identical for any count.");

  // Grid and configuration.
  cls.def_property_readonly(
         "nx", [](const P& s) { return s.grid().nx; }, "Columns (west-east).")
      .def_property_readonly(
          "ny", [](const P& s) { return s.grid().ny; }, "Rows (north-south).")
      .def_property_readonly(
          "shape", [](const P& s) { return py::make_tuple(s.grid().ny, s.grid().nx); }, "(ny, nx).")
      .def_property_readonly(
          "dx", [](const P& s) { return s.grid().dx; }, "Cell size west-east [m].")
      .def_property_readonly(
          "dy", [](const P& s) { return s.grid().dy; }, "Cell size north-south [m].")
      .def_property_readonly(
          "origin", [](const P& s) { return std::pair(s.grid().origin_x, s.grid().origin_y); },
          "(x, y) of the north-west corner of the grid.")
      .def_property_readonly(
          "scheme", [](const P& s) { return solver::to_string(s.sim().config().scheme); },
          "\"first-order\" or \"second-order\".")
      .def_property_readonly(
          "limiter", [](const P& s) { return solver::to_string(s.sim().config().limiter); },
          "Slope limiter of the second-order scheme: \"van-leer\", \"mc\" or \"minmod\".")
      .def_property_readonly(
          "cfl", [](const P& s) { return s.sim().config().cfl; }, "Courant number.")
      .def_property_readonly(
          "gravity", [](const P& s) { return s.sim().config().gravity; }, "Gravity [m/s2].")
      .def_property_readonly(
          "dry_depth", [](const P& s) { return s.sim().config().dry_depth; },
          "Depth below which velocities are zero [m].")
      .def_property_readonly(
          "max_dt", [](const P& s) { return s.sim().config().max_dt; },
          "Upper bound on the time step [s].")
      .def_property_readonly(
          "local_levels", [](const P& s) { return s.sim().config().local_levels; },
          "Local time stepping: cells step up to 2^local_levels global steps (0: off).")
      .def_property_readonly(
          "flood_threshold", [](const P& s) { return s.maps().threshold(); },
          "Depth above which a cell counts as flooded in arrival_time and "
          "flood_duration [m].")
      .def_property_readonly(
          "active_cells", [](const P& s) { return s.sim().active_cells(); },
          "Number of computed cells.")
      .def_property_readonly(
          "stored_volume", [](const P& s) { return s.idle_sim().stored_volume(); },
          "Volume of water in the active cells [m3].");

  // Zero-copy views: (ny, nx), row 0 north, read-only, keeping the simulation alive.
  const PaddedField<Real> padded[] = {
      {"depth", [](const P& s) { return s.depth_data(); },
       "Water depth [m] (view of the solver state). On a sub-grid channel cell the river's "
       "depth above the channel bed (water_level - depth is the channel bed there), "
       "refreshed after every step."},
      {"discharge_x", [](const P& s) { return s.sim().qx(); },
       "Unit discharge towards east [m2/s] (view of the solver state)."},
      {"discharge_y", [](const P& s) { return s.sim().qy(); },
       "Unit discharge towards north [m2/s] (view of the solver state)."},
      {"manning", [](const P& s) { return s.sim().manning(); }, "Manning n [s/m^(1/3)]."},
      {"max_depth", [](const P& s) { return s.maps().max_depth.data(); },
       "Maximum depth since the start [m], updated every step."},
      {"flood_duration", [](const P& s) { return s.maps().flood_duration.data(); },
       "Time with depth above flood_threshold [s]."},
  };
  // The maps kept in float32 (solver/flood_maps.hpp: the results file's type; each is the
  // double map rounded, bit for bit).
  const PaddedField<float> float_maps[] = {
      {"max_speed", [](const P& s) { return s.maps().max_speed.data(); },
       "Maximum speed since the start [m/s] (float32)."},
      {"max_water_level", [](const P& s) { return s.maps().max_water_level.data(); },
       "Maximum water level since the start [m] (float32), NaN where never wet."},
      {"time_of_max_depth", [](const P& s) { return s.maps().time_of_max_depth.data(); },
       "Time of the maximum depth [s] (float32), NaN where never wet."},
      {"arrival_time", [](const P& s) { return s.maps().arrival_time.data(); },
       "First time the depth exceeded flood_threshold [s] (float32), NaN if never."},
      {"max_hazard", [](const P& s) { return s.maps().max_hazard.data(); },
       "Maximum UK flood hazard rating d (v + 0.5) + DF [-] (float32)."},
  };
  auto add_views = [&cls](const auto& table) {
    for (const auto& f : table) {
      const auto data = f.data;
      cls.def_property_readonly(
          f.name,
          [data](py::object self) {
            const P& s = self.cast<const P&>();
            return s.padded_view(data(s), self);
          },
          f.doc);
    }
  };
  add_views(padded);
  add_views(float_maps);
  struct OwnedField {
    const char* name;
    const std::vector<Real>& (*data)(const P&);
    const char* doc;
  };
  const OwnedField owned[] = {
      {"velocity_x", [](const P& s) -> const std::vector<Real>& { return s.u(); },
       "Velocity towards east [m/s] (0 in dry cells), refreshed after every step."},
      {"velocity_y", [](const P& s) -> const std::vector<Real>& { return s.v(); },
       "Velocity towards north [m/s] (0 in dry cells), refreshed after every step."},
      {"water_level", [](const P& s) -> const std::vector<Real>& { return s.eta(); },
       "Free-surface elevation [m] (NaN in inactive cells), refreshed after every step. On a "
       "sub-grid channel cell the level the river and floodplain share."},
      {"elevation", [](const P& s) -> const std::vector<Real>& { return s.z(); },
       "Bed elevation [m] (NaN in inactive cells)."},
  };
  for (const OwnedField& f : owned) {
    const auto data = f.data;
    cls.def_property_readonly(
        f.name,
        [data](py::object self) {
          const P& s = self.cast<const P&>();
          return s.interior_view(data(s), self);
        },
        f.doc);
  }
}

}  // namespace floodtwin::bindings
