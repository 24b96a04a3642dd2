/// @file cmd_rehearse.cpp
/// `floodtwin rehearse SCENARIO --variants VARIANTS.toml [--out DIR] [--no-baseline]`: what-if
/// variants (rain scaled, an extra inflow, a levee breach) run side by side, with a comparison
/// of their impacts.
#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/command.hpp"
#include "rehearsal/rehearsal.hpp"
#include "scenarios/variants.hpp"
#include "solver/error.hpp"

namespace {

using floodtwin::ConfigError;

int rehearse(const std::vector<std::string>& args) {
  std::string scenario, variants_file, out;
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
  options.out = out.empty() ? std::filesystem::path(scenario).stem().string() + "_rehearsal" : out;
  options.baseline = baseline;
  options.threads = omp_get_max_threads();
  options.command_line = {"floodtwin", "rehearse"};
  options.command_line.insert(options.command_line.end(), args.begin(), args.end());
  const auto variants = floodtwin::scenarios::load_variants(variants_file);
  const auto r = floodtwin::rehearsal::rehearse(scenario, variants, options);
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
     "\n"
     "Runs the scenario (which needs [impacts]) as it is (variant 'baseline') and each\n"
     "[[variant]] of VARIANTS.toml:\n"
     "  [[variant]]\n"
     "  name = \"breach\"\n"
     "  rain_factor = 1.5                                  # on [rainfall] series/uniform\n"
     "  inflow = { side = \"north\", discharge = 50 }       # or x, y; or series = [[t, Q], ...]\n"
     "  breach = { x = 1000, y = 2000, width = 30, level = 12.5, time = \"2h\" }\n"
     "                                   # or depth = 2; or line = [[x, y], [x, y], ...]\n"
     "into DIR/<variant>/ (results and impacts folder) and writes DIR/comparison.csv (per\n"
     "variant and zone: level, level_time, flooded_area_m2, max_depth_m, people_affected,\n"
     "buildings_flooded, damage, roads_cut_m). DIR defaults to <scenario stem>_rehearsal.",
     rehearse});

}  // namespace
