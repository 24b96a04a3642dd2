/// @file cmd_rehearse.cpp
/// `floodtwin rehearse SCENARIO --variants VARIANTS.toml [--out DIR] [--no-baseline]` and
/// `floodtwin rehearse TWIN --cycle CYCLE --variants ...`: what-if variants (rain scaled, an
/// extra inflow, a levee breach) of a scenario or of a forecast cycle's forecast, run side by
/// side, with a comparison of their impacts.
#include <omp.h>

#include <cstdio>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "rehearsal/rehearsal.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "solver/error.hpp"
#include "twin/twin_file.hpp"

namespace {

using floodtwin::ConfigError;

int rehearse(const std::vector<std::string>& args) {
  std::string scenario, variants_file, out, cycle;
  std::optional<double> lead;
  bool baseline = true;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw ConfigError(arg + ": missing value");
      return args[++k];
    };
    if (arg == "--variants" || arg == "-v") {
      variants_file = value();
    } else if (arg == "--out" || arg == "-o") {
      out = value();
    } else if (arg == "--cycle") {
      cycle = value();
      if (cycle.empty()) throw ConfigError("--cycle: expected a cycle name or its T0");
    } else if (arg == "--lead") {
      lead = floodtwin::scenarios::parse_duration(value(), "--lead");
      if (!(*lead > 0)) throw ConfigError("--lead: must be positive");
    } else if (arg == "--no-baseline") {
      baseline = false;
    } else if (!arg.empty() && arg[0] == '-') {
      throw ConfigError("unknown option '" + arg + "' (try --help)");
    } else if (scenario.empty()) {
      scenario = arg;
    } else {
      throw ConfigError("unexpected argument '" + arg + "'");
    }
  }
  if (scenario.empty()) throw ConfigError("missing the scenario file (try --help)");
  if (variants_file.empty()) throw ConfigError("missing --variants FILE.toml (try --help)");
  floodtwin::rehearsal::RehearsalOptions options;
  if (lead && cycle.empty()) throw ConfigError("--lead goes with --cycle (a twin's forecast)");
  std::string default_out = std::filesystem::path(scenario).stem().string() + "_rehearsal";
  if (!cycle.empty()) {
    std::string name;
    for (const char c : cycle) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    default_out += "_" + name;
  }
  options.out = out.empty() ? default_out : out;
  options.lead = lead;
  options.baseline = baseline;
  options.threads = omp_get_max_threads();
  options.command_line = {"floodtwin", "rehearse"};
  options.command_line.insert(options.command_line.end(), args.begin(), args.end());
  const auto variants = floodtwin::scenarios::load_variants(variants_file);
  const auto r = cycle.empty() ? floodtwin::rehearsal::rehearse(scenario, variants, options)
                               : floodtwin::rehearsal::rehearse_cycle(
                                     floodtwin::twin::load_twin(scenario), cycle, variants, options);
  for (const auto& run : r.runs) {
    std::printf("%s: %s", run.name.c_str(), run.results.c_str());
    for (const auto& n : run.notes) std::printf("; %s", n.c_str());
    std::printf("\n");
  }
  std::printf("\n%s\n  comparison: %s\n", floodtwin::rehearsal::comparison_table(r).c_str(),
              r.comparison.c_str());
  return 0;
}

const floodtwin::cli::Registration rehearse_registration(
    "rehearse",
    {"what-if variants (rain, inflow, levee breach) side by side, with their impacts compared",
     "usage: floodtwin rehearse SCENARIO --variants VARIANTS.toml [--out DIR] [--no-baseline]\n"
     "       floodtwin rehearse TWIN --cycle CYCLE --variants VARIANTS.toml [--lead DURATION]\n"
     "                          [--out DIR] [--no-baseline]\n"
     "\n"
     "Runs the scenario (which needs [impacts]) as it is (variant 'baseline') and each\n"
     "[[variant]] of VARIANTS.toml. With --cycle (YYYYmmddTHHMMZ or its T0 as ISO-8601), the\n"
     "first file is a twin and each variant reruns that cycle's forecast from the state it\n"
     "saved at T0; times in the variants then count from T0. A variant:\n"
     "  [[variant]]\n"
     "  name = \"breach\"\n"
     "  rain_factor = 1.5                # on the rain: gauges, uniform, gridded, forecast\n"
     "  inflow = { side = \"north\", discharge = 50 }       # or x, y; or series = [[t, Q], ...]\n"
     "  breach = { x = 1000, y = 2000, width = 30, level = 12.5, time = \"2h\" }\n"
     "                                   # or depth = 2; or line = [[x, y], [x, y], ...]\n"
     "                                   # or polygon = [[x, y], ...] (no width)\n"
     "into DIR/<variant>/ (results and impacts folder) and writes DIR/comparison.csv (per\n"
     "variant and zone: level, level_time, flooded_area_m2, max_depth_m, people_affected,\n"
     "buildings_flooded, damage, roads_cut_m). DIR defaults to <scenario stem>_rehearsal\n"
     "(<twin stem>_rehearsal_<cycle> for a cycle).",
     rehearse});

}  // namespace
