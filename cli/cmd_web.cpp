/// @file cmd_web.cpp
/// `floodtwin web RESULTS OUTDIR [--layer FILE]... [--impacts DIR] [--max-size N] [--title T]`:
/// an offline web viewer of a results file (web/web_export.hpp, docs/web.md).
#if FLOODTWIN_HAS_WEB  // the command exists when the web module is built
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "solver/error.hpp"
#include "viz/ensemble_source.hpp"
#include "web/web_export.hpp"

namespace {

using floodtwin::ConfigError;

int run(const std::vector<std::string>& args) {
  std::string in, out, terrain;
  floodtwin::web::WebOptions options;
  for (std::size_t a = 0; a < args.size(); ++a) {
    auto value = [&]() -> std::string {
      if (a + 1 >= args.size()) throw ConfigError("web: " + args[a] + " needs a value");
      return args[++a];
    };
    if (args[a] == "--layer") {
      options.layers.emplace_back(value());
    } else if (args[a] == "--impacts") {
      options.impacts = value();
    } else if (args[a] == "--max-size") {
      options.max_size =
          static_cast<int>(floodtwin::cli::integer_arg("web: --max-size", value(), 16, 8192));
    } else if (args[a] == "--ensemble") {
      options.ensemble = value();
    } else if (args[a] == "--results") {
      terrain = value();
    } else if (args[a] == "--title") {
      options.title = value();
    } else if (args[a].starts_with("-")) {
      throw ConfigError("web: unknown option '" + args[a] + "'");
    } else if (in.empty()) {
      in = args[a];
    } else if (out.empty()) {
      out = args[a];
    } else {
      throw ConfigError("web: unexpected argument '" + args[a] + "'");
    }
  }
  if (in.empty() || out.empty()) throw ConfigError("web: expected RESULTS and OUTDIR");
  if (floodtwin::viz::is_ensemble_file(in)) {
    // An ensemble file: its probability layers over the results of the same scenario.
    if (!options.ensemble.empty()) {
      throw ConfigError("web: " + in + " is an ensemble file; --ensemble is for a results file");
    }
    options.ensemble = in;
    // Without results beside it (nor --results): the ensemble alone, over a flat terrain.
    in = terrain.empty() ? floodtwin::viz::results_beside(in).string() : terrain;
  } else if (!terrain.empty()) {
    throw ConfigError("web: --results is for an ensemble file given as the input");
  }
  const auto e = floodtwin::web::export_web(in, out, options);
  if (in.empty()) {
    in = options.ensemble.string() + " (no results beside it: flat terrain, no depths)";
  }
  std::printf(
      "%s: web viewer of %s: %zu output times, %d x %d cells%s, %zu gauges, %zu warning zones, "
      "%zu extra layers%s, %.1f MB\n  open %s/index.html in a browser (no network needed)\n",
      e.dir.c_str(), in.c_str(), e.times, e.nx, e.ny,
      e.stride > 1 ? (" (every " + std::to_string(e.stride) + "th cell)").c_str() : "", e.gauges,
      e.zones, e.layers,
      e.ensemble_members > 0
          ? (", probabilities of an ensemble of " + std::to_string(e.ensemble_members) +
             " members (" + options.ensemble.filename().string() + ")")
                .c_str()
          : "",
      static_cast<double>(e.bytes) / 1e6, e.dir.c_str());
  return 0;
}

const floodtwin::cli::Registration registration(
    "web", {"write an offline web viewer (index.html) of a results file",
            "usage: floodtwin web RESULTS OUTDIR [--layer FILE]... [--impacts DIR]\n"
            "                     [--max-size N] [--title TEXT] [--ensemble E.h5]\n"
            "       floodtwin web ENSEMBLE.h5 OUTDIR [--results RESULTS.h5] [options]\n"
            "  writes OUTDIR/index.html and its data: open it from disk (file://) or any\n"
            "  static web server; it makes no network request. Hillshade, depth per output\n"
            "  time (slider, play), peak depth, hazard classes, arrival time, gauges and\n"
            "  their hydrographs, click queries, warning zones, a 3D view, printing.\n"
            "  --layer     a vector file (GeoPackage, GeoJSON) drawn on the map (repeatable)\n"
            "  --impacts   the folder of `floodtwin impacts` (default <stem>_impacts beside\n"
            "              the results, when there)\n"
            "  --max-size  most cells along the longer side; bigger grids are decimated\n"
            "              (default 1024)\n"
            "  --title     the viewer's title (default the results' title)\n"
            "  --ensemble  an ensemble file of the same grid (floodtwin ensemble): layers of\n"
            "              P(max depth > T) per threshold and max-depth quantiles, the\n"
            "              probabilities in click queries, the members' band at gauges.\n"
            "              Given as the input, an ensemble file is shown over the results\n"
            "              beside it (<stem>.h5, or a cycle's forecast.h5) or --results;\n"
            "              with none, alone over a flat terrain (no depths, no times)",
            run});

}  // namespace

#endif  // FLOODTWIN_HAS_WEB
