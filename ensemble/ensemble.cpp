#include "ensemble/ensemble.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "driver/inputs.hpp"
#include "driver/products.hpp"
#include "io/file_lock.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "terrain/raster.hpp"

namespace floodtwin::ensemble {

namespace fs = std::filesystem;

namespace {

std::string stem_path(const scenarios::Scenario& s, const std::string& suffix) {
  const fs::path r(s.output);
  return (r.parent_path() / (r.stem().string() + suffix)).string();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

/// Removes a scratch folder when it goes out of scope.
struct ScratchFolder {
  fs::path path;
  ~ScratchFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

/// Member rain files must agree with member 0's: same columns (stations) and times for a
/// CSV, same grid and band times for rasters.
void check_member_rain(const scenarios::Scenario& s, const EnsembleSpec& spec,
                       const std::vector<Member>& members) {
  if (members.empty() || members[0].rain_file.empty()) return;
  const std::string where =
      spec.file + ":" + std::to_string(spec.rain_members_line) + ": [ensemble] rain_members: ";
  const std::string& ref = members[0].rain_file;
  if (!s.rain_grids.empty()) {
    const terrain::Raster r0 = terrain::load_elevation(ref);
    const std::vector<Real> t0 = terrain::raster_band_times(ref, s.start);
    for (std::size_t k = 1; k < members.size(); ++k) {
      const std::string& file = members[k].rain_file;
      const terrain::Raster r = terrain::load_elevation(file);
      if (r.grid.nx != r0.grid.nx || r.grid.ny != r0.grid.ny || r.geotransform != r0.geotransform) {
        std::ostringstream msg;
        msg.precision(10);
        msg << where << file << " (member " << members[k].index
            << ") is on another grid: " << r.grid.nx << " x " << r.grid.ny << " cells from ("
            << r.geotransform[0] << ", " << r.geotransform[3] << "), member 0's " << ref << ": "
            << r0.grid.nx << " x " << r0.grid.ny << " from (" << r0.geotransform[0] << ", "
            << r0.geotransform[3] << ")";
        throw InputError(msg.str());
      }
      if (terrain::raster_band_times(file, s.start) != t0) {
        throw InputError(where + file + " (member " + std::to_string(members[k].index) +
                         ") has other band times than member 0's " + ref);
      }
    }
    return;
  }
  terrain::SeriesOptions so;
  so.origin = s.start;
  so.what = "forecast rain member";
  const terrain::SeriesTable t0 = terrain::read_series(ref, so);
  for (std::size_t k = 1; k < members.size(); ++k) {
    const std::string& file = members[k].rain_file;
    const terrain::SeriesTable t = terrain::read_series(file, so);
    const std::string who = file + " (member " + std::to_string(members[k].index) + ")";
    if (t.columns != t0.columns) {
      throw InputError(where + who + " has other columns (stations) than member 0's " + ref + ": " +
                       join(t.columns) + " instead of " + join(t0.columns));
    }
    if (t.times != t0.times) {
      std::size_t i = 0;
      while (i < t.times.size() && i < t0.times.size() && t.times[i] == t0.times[i]) ++i;
      std::ostringstream msg;
      msg.precision(10);
      msg << where << who << " has other times than member 0's " << ref << ": ";
      if (i < t.times.size() && i < t0.times.size()) {
        msg << "row " << i + 1 << " (line " << t.lines[i] << ") is at t = " << t.times[i]
            << " s, member 0's at t = " << t0.times[i] << " s";
      } else {
        msg << t.times.size() << " rows instead of " << t0.times.size();
      }
      throw InputError(msg.str());
    }
  }
}

/// A forecast-rain netCDF with a member dimension (cut into member files) must be on the grid
/// and at the times of the [rainfall] grids it replaces.
void check_netcdf_members(const scenarios::Scenario& s, const EnsembleSpec& spec,
                          const std::vector<Member>& members) {
  if (members.empty() || members[0].rain_file.empty() || s.rain_grids.empty() ||
      spec.rain_members.find("{member}") != std::string::npos || !is_netcdf(spec.rain_members)) {
    return;
  }
  const std::string where = spec.file + ":" + std::to_string(spec.rain_members_line) +
                            ": [ensemble] rain_members: " + spec.rain_members;
  const terrain::Raster ref = terrain::load_elevation(s.rain_grids);
  const terrain::Raster r = terrain::load_elevation(members[0].rain_file);
  if (r.grid.nx != ref.grid.nx || r.grid.ny != ref.grid.ny || r.geotransform != ref.geotransform) {
    std::ostringstream msg;
    msg.precision(10);
    msg << where << " is on another grid than the [rainfall] grids it replaces (" << s.rain_grids
        << "): " << r.grid.nx << " x " << r.grid.ny << " cells of " << r.geotransform[1]
        << " from (" << r.geotransform[0] << ", " << r.geotransform[3] << "), expected "
        << ref.grid.nx << " x " << ref.grid.ny << " of " << ref.geotransform[1] << " from ("
        << ref.geotransform[0] << ", " << ref.geotransform[3] << ")";
    throw InputError(msg.str());
  }
  const std::vector<Real> t0 = terrain::raster_band_times(s.rain_grids, s.start);
  const std::vector<Real> t = terrain::raster_band_times(members[0].rain_file, s.start);
  if (t != t0) {
    std::size_t i = 0;
    while (i < t.size() && i < t0.size() && t[i] == t0[i]) ++i;
    std::ostringstream msg;
    msg.precision(10);
    msg << where << " has other times than the [rainfall] grids it replaces (" << s.rain_grids
        << "): ";
    if (i < t.size() && i < t0.size()) {
      msg << "time " << i + 1 << " is t = " << t[i] << " s, expected t = " << t0[i] << " s";
    } else {
      msg << t.size() << " times instead of " << t0.size();
    }
    throw InputError(msg.str());
  }
}

EnsembleSpec spec_of(const scenarios::Scenario& s, int members) {
  EnsembleSpec spec = load_ensemble_spec(s);
  if (spec.line == 0) {
    throw ConfigError(s.file +
                      ": no [ensemble] table (members, seed, perturbations; see "
                      "docs/ensemble.md)");
  }
  if (members > 0) spec.members = members;
  return spec;
}

}  // namespace

void replace_products(Products& p, const std::vector<MemberResult>& members,
                      const std::vector<double>& thresholds, const std::vector<double>& quantiles,
                      const ZoneWarnings* warnings) {
  Products out = compute_products(members, thresholds, quantiles, warnings);
  out.nx = p.nx;
  out.ny = p.ny;
  out.x = std::move(p.x);
  out.y = std::move(p.y);
  out.stations = std::move(p.stations);
  out.station_x = std::move(p.station_x);
  out.station_y = std::move(p.station_y);
  p = std::move(out);
}

void describe_grid(Products& p, const driver::Forecast& f) {
  const solver::Grid& g = f.sim->grid();
  p.nx = g.nx;
  p.ny = g.ny;
  p.x.clear();
  p.y.clear();
  for (int i = 0; i < g.nx; ++i) p.x.push_back(g.x_center(i));
  for (int j = 0; j < g.ny; ++j) p.y.push_back(g.y_center(j));
  for (const auto& gauge : f.gauges) {
    p.stations.push_back(gauge.spec.name);
    p.station_x.push_back(gauge.spec.x);
    p.station_y.push_back(gauge.spec.y);
  }
}

std::string ensemble_path(const scenarios::Scenario& s) { return stem_path(s, "_ensemble.h5"); }
std::string member_path(const scenarios::Scenario& s, int k) {
  return stem_path(s, "_member" + std::to_string(k) + ".h5");
}

double linear_quantile(const std::vector<double>& sorted, double q) {
  const std::size_t n = sorted.size();
  const double vi = static_cast<double>(n - 1) * q;  // numpy: (n - 1) * quantiles
  double prev = std::floor(vi);
  std::size_t lo = 0, hi = 0;
  if (vi >= static_cast<double>(n - 1)) {
    lo = hi = n - 1;
  } else if (vi < 0) {
    lo = hi = 0;
    prev = 0;
  } else {
    lo = static_cast<std::size_t>(prev);
    hi = lo + 1;
  }
  const double gamma = vi - prev;
  const double a = sorted[lo], b = sorted[hi];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

namespace {

/// The zone products: per zone and level, the share of members reaching it, every member's
/// first-crossing time and their quantiles over the members that reach it.
void zone_products(Products& p, const std::vector<MemberResult>& members, const ZoneWarnings& w) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t nz = w.zone_id.size(), nl = w.levels.size(), n = members.size();
  p.zone_id = w.zone_id;
  p.zone_name = w.zone_name;
  p.levels = w.levels;
  p.zone_level_probability.assign(nz * nl, nan);
  p.zone_first_crossing_time.assign(n * nz * nl, nan);
  p.zone_first_crossing_time_quantile.assign(p.quantiles.size() * nz * nl, nan);
  std::size_t offset = 0;  // of the zone's levels in a member's level_time
  for (std::size_t z = 0; z < nz; ++z) {
    const auto& order = w.level_order[z];
    for (std::size_t r = 0; r < order.size(); ++r) {
      const auto l = static_cast<std::size_t>(
          std::find(w.levels.begin(), w.levels.end(), order[r]) - w.levels.begin());
      std::vector<double> reached;
      for (std::size_t m = 0; m < n; ++m) {
        if (members[m].level_time.size() < offset + order.size()) {
          throw InputError("ensemble: member " + std::to_string(members[m].index) +
                           " has no warning-level times");
        }
        const double t = members[m].level_time[offset + r];
        p.zone_first_crossing_time[(m * nz + z) * nl + l] = t;
        if (!std::isnan(t)) reached.push_back(t);
      }
      p.zone_level_probability[z * nl + l] =
          static_cast<double>(reached.size()) / static_cast<double>(n);
      if (reached.empty()) continue;
      std::sort(reached.begin(), reached.end());
      for (std::size_t q = 0; q < p.quantiles.size(); ++q) {
        p.zone_first_crossing_time_quantile[(q * nz + z) * nl + l] =
            linear_quantile(reached, p.quantiles[q]);
      }
    }
    offset += order.size();
  }
}

}  // namespace

Products compute_products(const std::vector<MemberResult>& members,
                          const std::vector<double>& thresholds,
                          const std::vector<double>& quantiles, const ZoneWarnings* warnings) {
  Products p;
  p.thresholds = thresholds;
  p.quantiles = quantiles;
  if (members.empty()) return p;
  const std::size_t n = members.size();
  const std::size_t cells = members[0].max_depth.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  p.exceedance.assign(thresholds.size() * cells, nan);
  p.max_depth_quantile.assign(quantiles.size() * cells, nan);
  p.arrival_time_quantile.assign(quantiles.size() * cells, nan);
  std::vector<double> depth(n), arrival(n);
  for (std::size_t c = 0; c < cells; ++c) {
    if (std::isnan(members[0].max_depth[c])) continue;  // inactive
    for (std::size_t m = 0; m < n; ++m) {
      depth[m] = static_cast<double>(members[m].max_depth[c]);
      const double a = static_cast<double>(members[m].arrival_time[c]);
      arrival[m] = std::isnan(a) ? std::numeric_limits<double>::infinity() : a;
    }
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      std::size_t count = 0;
      for (const double d : depth) count += d > thresholds[t] ? 1 : 0;
      p.exceedance[t * cells + c] = static_cast<double>(count) / static_cast<double>(n);
    }
    std::sort(depth.begin(), depth.end());
    std::sort(arrival.begin(), arrival.end());
    for (std::size_t q = 0; q < quantiles.size(); ++q) {
      p.max_depth_quantile[q * cells + c] = linear_quantile(depth, quantiles[q]);
      const double a = linear_quantile(arrival, quantiles[q]);
      p.arrival_time_quantile[q * cells + c] = std::isfinite(a) ? a : nan;
    }
  }
  p.gauge_time = members[0].gauge_time;
  for (const MemberResult& m : members) {
    if (m.gauge_time != p.gauge_time) {
      throw InputError("ensemble: member " + std::to_string(m.index) +
                       " sampled its gauges at other times than member " +
                       std::to_string(members[0].index));
    }
    p.gauge_depth.insert(p.gauge_depth.end(), m.gauge_depth.begin(), m.gauge_depth.end());
    p.gauge_water_level.insert(p.gauge_water_level.end(), m.gauge_water_level.begin(),
                               m.gauge_water_level.end());
  }
  if (warnings != nullptr) zone_products(p, members, *warnings);
  return p;
}

std::vector<std::string> zone_summary_lines(const Products& p, double origin,
                                            const std::string& origin_name) {
  std::vector<std::string> out;
  const std::size_t nz = p.zone_id.size(), nl = p.levels.size();
  if (nz == 0 || nl == 0 || p.zone_level_probability.size() != nz * nl) return out;
  const std::size_t n = nz * nl == 0 ? 0 : p.zone_first_crossing_time.size() / (nz * nl);
  for (std::size_t z = 0; z < nz; ++z) {
    for (std::size_t l = 0; l < nl; ++l) {
      const double prob = p.zone_level_probability[z * nl + l];
      if (std::isnan(prob)) continue;  // the zone has no such level
      std::vector<double> reached;
      for (std::size_t m = 0; m < n; ++m) {
        const double t = p.zone_first_crossing_time[(m * nz + z) * nl + l];
        if (!std::isnan(t)) reached.push_back(t);
      }
      std::ostringstream line;
      line << "zone " << p.zone_id[z];
      if (z < p.zone_name.size() && !p.zone_name[z].empty() && p.zone_name[z] != p.zone_id[z]) {
        line << " (" << p.zone_name[z] << ")";
      }
      char prob_text[32];
      std::snprintf(prob_text, sizeof prob_text, "%.4g", prob);
      line << " " << p.levels[l] << ": probability " << prob_text << " (" << reached.size()
           << " of " << n << " members), ";
      if (reached.empty()) {
        line << "not reached";
      } else {
        std::sort(reached.begin(), reached.end());
        line << "median first crossing "
             << driver::exact_duration_text(linear_quantile(reached, 0.5) - origin) << " after "
             << origin_name;
      }
      out.push_back(line.str());
    }
  }
  return out;
}

std::vector<Member> draw_members(const EnsembleSpec& spec, int members, const fs::path& scratch) {
  std::vector<Member> out;
  for (int k = 0; k < members; ++k) out.push_back(draw_member(spec, k));
  if (!spec.rain_members.empty() && spec.rain_members.find("{member}") == std::string::npos) {
    split_rain_members(spec.rain_members, members, scratch, out, spec.rain_members_line, spec.file);
  }
  return out;
}

void run_at_once(std::size_t count, int threads, int concurrent,
                 const std::function<void(std::size_t, std::mutex&)>& job) {
  const int workers = std::clamp(concurrent, 1, std::max(1, static_cast<int>(count)));
  const int inner = std::max(1, threads / workers);
  std::mutex io;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  auto worker = [&]() {
    omp_set_num_threads(inner);
    while (!failed.load()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= count) break;
      try {
        job(k, io);
      } catch (...) {
        const std::lock_guard<std::mutex> g(io);
        if (!failed.exchange(true)) error = std::current_exception();
      }
    }
  };
  if (workers == 1) {
    const int before = omp_get_max_threads();
    worker();
    omp_set_num_threads(before);
  } else {
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) pool.emplace_back(worker);
    for (auto& w : pool) w.join();
  }
  if (error) std::rethrow_exception(error);
}

void check_concurrent(int concurrent, int threads, const std::string& option) {
  const std::string text = option + (option.ends_with("=") ? "" : " ") + std::to_string(concurrent);
  if (concurrent < 1) throw ConfigError(text + ": at least 1 member at once");
  if (concurrent > threads) {
    throw ConfigError(text + ": more members at once than threads (" + std::to_string(threads) +
                      ")");
  }
}

EnsembleRun run_ensemble(const std::string& scenario_path, const EnsembleOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const scenarios::Scenario s = scenarios::load_scenario(scenario_path);
  EnsembleRun run;
  run.spec = spec_of(s, options.members);
  run.output = options.output.empty() ? ensemble_path(s) : options.output;
  const fs::path out(run.output);
  driver::refuse_outputs_over_inputs(s, run.output, "", "ensemble:");
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  // On several processes (docs/mpi.md) rank 0 alone locks and writes; each process splits a
  // member-column rain file into its own scratch folder (the file names rank 0's).
  const driver::Processes& procs = options.processes;
  std::optional<io::FileLock> lock;
  if (procs.root()) lock.emplace(io::lock_path(out), "ensemble of " + s.file);
  procs.wait_all();  // nothing read before rank 0 holds the lock
  ScratchFolder scratch{fs::path(run.output + ".members" +
                                 (procs.root() ? "" : ".rank" + std::to_string(procs.rank)))};
  run.members = draw_members(run.spec, run.spec.members, scratch.path);
  for (const Member& m : run.members) {
    if (!m.rain_file.empty()) io::refuse_output_over_inputs(out, {m.rain_file}, "ensemble:");
  }
  check_member_rain(s, run.spec, run.members);
  check_netcdf_members(s, run.spec, run.members);

  // What every member shares, from a prepared (not run) forecast of member 0: the grid, the
  // stations and the warning zones and levels of [impacts] (refused here when bad, before
  // any member runs).
  std::optional<ZoneWarnings> warnings;
  std::string crs_wkt;
  {
    const driver::Forecast f0 = prepare_member(s, run.members[0]);
    describe_grid(run.products, f0);
    warnings = load_zone_warnings(f0);
    crs_wkt = f0.crs_wkt;
  }

  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const std::vector<MemberResult> results = run_members_shared(
      run.members.size(), threads, options.concurrent, procs, [&](std::size_t k, std::mutex& io) {
        const Member& m = run.members[k];
        std::optional<driver::Forecast> f;
        {
          const std::lock_guard<std::mutex> g(io);  // GDAL reads, one member at a time
          f.emplace(prepare_member(s, m));
        }
        MemberRunOptions mo;
        mo.warnings = warnings ? &*warnings : nullptr;
        MemberResult r = run_member(*f, m, mo);
        if (options.on_member) {
          const std::lock_guard<std::mutex> g(io);
          options.on_member(m, r);
        }
        return r;
      });
  if (!procs.root()) return run;  // rank 0 computes the products and writes

  replace_products(run.products, results, run.spec.thresholds, run.spec.quantiles,
                   warnings ? &*warnings : nullptr);
  for (const MemberResult& r : results) run.steps += r.steps;
  run.wall = std::chrono::duration<double>(clock::now() - start).count();
  for (const auto& a : options.command_line) {
    run.command_line += (run.command_line.empty() ? "" : " ") + a;
  }
  write_ensemble_file(out, run, crs_wkt, s);
  return run;
}

SingleMember run_single_member(const std::string& scenario_path, int k,
                               const EnsembleOptions& options) {
  const scenarios::Scenario s = scenarios::load_scenario(scenario_path);
  const EnsembleSpec spec = spec_of(s, options.members);
  if (k < 0 || k >= spec.members) {
    throw ConfigError("--member " + std::to_string(k) + ": the ensemble has " +
                      std::to_string(spec.members) + " members (0 to " +
                      std::to_string(spec.members - 1) + "; --members N for more)");
  }
  SingleMember out;
  out.results = options.output.empty() ? member_path(s, k) : options.output;
  const driver::Processes& procs = options.processes;
  ScratchFolder scratch{fs::path(out.results + ".members" +
                                 (procs.root() ? "" : ".rank" + std::to_string(procs.rank)))};
  out.member = draw_member(spec, k);
  if (!spec.rain_members.empty() && spec.rain_members.find("{member}") == std::string::npos) {
    std::vector<Member> one{out.member};
    split_rain_members(spec.rain_members, spec.members, scratch.path, one, spec.rain_members_line,
                       spec.file);
    out.member = one[0];
    check_netcdf_members(s, spec, one);
  }
  // On several processes (docs/mpi.md): the member's rows shared among them, as `floodtwin run`
  // (blocks chosen while preparing: each process fills its rows only).
  const std::shared_ptr<solver::Decomposition> rows =
      procs.several() && procs.decomposition ? procs.decomposition() : nullptr;
  driver::Forecast f = prepare_member(s, out.member, rows);
  if (rows) f.sim->set_decomposition(rows);
  out.rows = f.sim->owned_rows();
  MemberRunOptions mo;
  mo.results = out.results;
  mo.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  mo.title = "floodtwin ensemble member " + std::to_string(k) + ": " +
             fs::path(s.file).filename().string();
  mo.command_line = options.command_line;
  out.result = run_member(f, out.member, mo);
  return out;
}

}  // namespace floodtwin::ensemble
