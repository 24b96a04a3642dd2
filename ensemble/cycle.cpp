#include "ensemble/cycle.hpp"

#include <chrono>
#include <filesystem>
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
    throw ConfigError(twin.file + ":" + std::to_string(spec.rain_members_line) +
                      ": [ensemble] rain_members: not supported in a twin file yet (members of "
                      "a cycle perturb its forecast rain with rain_factor and rain_shift)");
  }
  return spec;
}

void write_cycle_ensemble(const twin::TwinSpec& twin, const std::string& state_file,
                          const std::string& folder, twin::CycleSummary& summary) {
  const auto start = std::chrono::steady_clock::now();
  EnsembleRun run;
  run.spec = load_cycle_ensemble(twin);
  const fs::path out = fs::path(folder) / "ensemble.h5";
  run.output = out.string();
  for (int k = 0; k < run.spec.members; ++k) run.members.push_back(draw_member(run.spec, k));
  std::vector<MemberResult> results;
  std::string crs_wkt;
  scenarios::Scenario scenario;
  std::optional<ZoneWarnings> warnings;
  for (const Member& m : run.members) {
    twin::CycleForecast cf =
        twin::prepare_cycle_forecast_from_state(twin, state_file, summary.lead);
    apply_member(cf.forecast, m);
    if (m.index == 0) {
      crs_wkt = cf.forecast.crs_wkt;
      scenario = cf.forecast.scenario;
      describe_grid(run.products, cf.forecast);
      warnings = load_zone_warnings(cf.forecast);
    }
    MemberRunOptions mo;
    mo.warnings = warnings ? &*warnings : nullptr;
    results.push_back(run_member(cf.forecast, m, mo));
    run.steps += results.back().steps;
  }
  replace_products(run.products, results, run.spec.thresholds, run.spec.quantiles,
                   warnings ? &*warnings : nullptr);
  run.command_line =
      "floodtwin forecast (cycle " + summary.cycle + ", ensemble of the forecast leg)";
  run.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  scenario.file = twin.file;
  write_ensemble_file(out, run, crs_wkt, scenario);
  summary.notes.push_back("ensemble: " + std::to_string(run.members.size()) +
                          " members of the forecast leg from the T0 state -> ensemble.h5");
}

}  // namespace floodtwin::ensemble
