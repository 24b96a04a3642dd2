#include "ensemble/cycle.hpp"

#include <omp.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>

#include "ensemble/ensemble.hpp"
#include "solver/error.hpp"

namespace floodtwin::ensemble {

namespace fs = std::filesystem;

EnsembleSpec load_cycle_ensemble(const twin::TwinSpec& twin) {
  scenarios::Scenario s = twin.scenario;  // its rain and infiltration, for the checks
  s.file = twin.file;
  s.dir = twin.dir;
  s.text = twin.text;
  const bool twin_rain = !twin.forecast.series.empty() || !twin.forecast.grids.empty() ||
                         !twin.observed.series.empty() || !twin.observed.grids.empty();
  if (twin_rain && s.rain_series.empty() && s.rain_uniform.empty() && s.rain_grids.empty()) {
    s.rain_series = twin.forecast.series.empty() ? twin.observed.series : twin.forecast.series;
    if (s.rain_series.empty()) s.rain_series = "(gridded rain of the twin)";
  }
  EnsembleSpec spec = load_ensemble_spec(s);
  if (spec.line == 0) throw ConfigError(twin.file + ": no [ensemble] table");
  if (!spec.rain_members.empty()) {
    const std::string where =
        twin.file + ":" + std::to_string(spec.rain_members_line) + ": [ensemble] rain_members: ";
    if (spec.rain_members.find("{member}") == std::string::npos) {
      throw ConfigError(where +
                        "in a twin file, name one file per member with {member} (and {cycle} "
                        "for the cycle's stamp), e.g. \"forecast/rain_{cycle}_m{member}.csv\"");
    }
    if (twin.forecast.empty()) {
      throw ConfigError(where + "the twin has no [forecast] rain (series or grids) to replace");
    }
  }
  return spec;
}

void write_cycle_ensemble(const twin::TwinSpec& twin, const std::string& state_file,
                          const std::string& folder, twin::CycleSummary& summary,
                          const CycleEnsembleOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  EnsembleRun run;
  run.spec = load_cycle_ensemble(twin);
  const fs::path out = fs::path(folder) / "ensemble.h5";
  run.output = out.string();
  // Forecast-rain members of this cycle: {cycle} is the cycle's stamp, as in [forecast].
  if (!run.spec.rain_members.empty()) {
    run.spec.rain_members = twin::expand(run.spec.rain_members, "cycle", summary.cycle);
  }
  for (int k = 0; k < run.spec.members; ++k) run.members.push_back(draw_member(run.spec, k));
  std::string crs_wkt;
  scenarios::Scenario scenario;
  std::optional<ZoneWarnings> warnings;
  // The member's twin: its forecast-rain file in place of the [forecast] series or grids.
  auto member_twin = [&](const Member& m) {
    if (m.rain_file.empty()) return twin;
    twin::TwinSpec t = twin;
    if (!t.forecast.series.empty()) {
      t.forecast.series = m.rain_file;
    } else {
      t.forecast.grids = m.rain_file;
    }
    return t;
  };
  auto prepare = [&](const Member& m) {
    twin::CycleForecast cf =
        twin::prepare_cycle_forecast_from_state(member_twin(m), state_file, summary.lead);
    for (const auto& issue : cf.summary.issues) {
      if (issue.what == "forecast_rain_missing" && !m.rain_file.empty()) {
        throw InputError(twin.file + ":" + std::to_string(run.spec.rain_members_line) +
                         ": [ensemble] rain_members: member " + std::to_string(m.index) + ": " +
                         issue.message);
      }
    }
    apply_member(cf.forecast, m);
    return cf;
  };
  {  // what every member shares, from member 0 prepared (not run): grid, stations, zones
    twin::CycleForecast cf = prepare(run.members[0]);
    crs_wkt = cf.forecast.crs_wkt;
    scenario = cf.forecast.scenario;
    describe_grid(run.products, cf.forecast);
    warnings = load_zone_warnings(cf.forecast);
  }
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  // On several processes (docs/mpi.md) the members are shared among them; rank 0 writes.
  const std::vector<MemberResult> results =
      run_members_shared(run.members.size(), threads, options.concurrent, options.processes,
                         [&](std::size_t k, std::mutex& io) {
                           std::optional<twin::CycleForecast> cf;
                           {
                             const std::lock_guard<std::mutex> g(io);  // GDAL reads, one at a time
                             cf.emplace(prepare(run.members[k]));
                           }
                           MemberRunOptions mo;
                           mo.warnings = warnings ? &*warnings : nullptr;
                           return run_member(cf->forecast, run.members[k], mo);
                         });
  if (!options.processes.root()) return;
  for (const MemberResult& r : results) run.steps += r.steps;
  replace_products(run.products, results, run.spec.thresholds, run.spec.quantiles,
                   warnings ? &*warnings : nullptr);
  run.command_line =
      "floodtwin forecast (cycle " + summary.cycle + ", ensemble of the forecast leg)";
  run.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  scenario.file = twin.file;
  write_ensemble_file(out, run, crs_wkt, scenario);
  const int at_once = std::clamp(options.concurrent, 1, std::max(1, run.spec.members));
  summary.notes.push_back("ensemble: " + std::to_string(run.members.size()) +
                          " members of the forecast leg from the T0 state (" +
                          std::to_string(at_once) + " at once) -> ensemble.h5");
  for (const std::string& line : zone_summary_lines(run.products, summary.t0_seconds, "T0")) {
    summary.notes.push_back("ensemble: " + line);
  }
}

}  // namespace floodtwin::ensemble
