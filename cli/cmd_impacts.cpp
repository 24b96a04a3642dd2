/// @file cmd_impacts.cpp
/// `floodtwin impacts RESULTS --scenario FILE [--out DIR] [--forecast-time ISO]`: warning
/// levels, impacts and plan actions per zone for an existing results file.
#include <cstdio>
#include <string>

#include "cli/command.hpp"
#include "impacts/run.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

namespace {

using floodtwin::ConfigError;

int impacts(const std::vector<std::string>& args) {
  std::string results, scenario;
  floodtwin::impacts::ImpactsOptions options;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw ConfigError(arg + ": missing value");
      return args[++k];
    };
    if (arg == "--scenario" || arg == "-s") {
      scenario = value();
    } else if (arg == "--out" || arg == "-o") {
      options.out = value();
    } else if (arg == "--forecast-time") {
      options.forecast_time = value();
    } else if (!arg.empty() && arg[0] == '-') {
      throw ConfigError("unknown option '" + arg + "' (try --help)");
    } else if (results.empty()) {
      results = arg;
    } else {
      throw ConfigError("unexpected argument '" + arg + "'");
    }
  }
  if (results.empty()) throw ConfigError("missing the results file (try --help)");
  if (scenario.empty()) throw ConfigError("missing --scenario FILE (the [impacts] inputs)");
  const auto s = floodtwin::scenarios::load_scenario(scenario);
  const auto r = floodtwin::impacts::run_impacts(results, s, options);
  std::printf("%s", r.headline().c_str());
  std::printf("  impacts: %s\n", r.out.c_str());
  return 0;
}

const floodtwin::cli::Registration impacts_registration(
    "impacts",
    {"warning levels, impacts and plan actions per zone for a results file",
     "usage: floodtwin impacts RESULTS --scenario FILE [--out DIR] [--forecast-time ISO]\n"
     "\n"
     "Reads the [impacts] inputs of the scenario (zones, levels, population, buildings, damage\n"
     "curves, roads, plan) and writes DIR (default <results stem>_impacts/ beside the results):\n"
     "zones.csv, levels.csv, actions.csv, zones.gpkg, alerts/*.xml (CAP 1.2) and report.html.\n"
     "Lead times count from --forecast-time (default: the first snapshot of the results).",
     impacts});

}  // namespace
