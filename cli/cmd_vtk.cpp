/// @file cmd_vtk.cpp
/// `floodtwin vtk RESULTS OUTDIR [--z-scale F] [--wet-depth D]`: a results file as a VTK time
/// series for ParaView (viz/vtk_series.hpp): terrain, gauges, one file per output time with a
/// .pvd collection, and the peak flood maps.
#if FLOODTWIN_HAS_VIZ  // the command exists when the viz module is built
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "solver/error.hpp"
#include "viz/products.hpp"

namespace {

using floodtwin::ConfigError;

/// A whole finite decimal number > 0 (>= 0 with `allow_zero`), strictly (cli/args.hpp: "0x2"
/// is not 2).
double positive_number(const std::string& option, const std::string& value, bool allow_zero) {
  const auto v = floodtwin::scenarios::parse_decimal(value);
  if (!v || !(allow_zero ? *v >= 0 : *v > 0)) {
    throw ConfigError("vtk: " + option + " expects a number " + (allow_zero ? ">= 0" : "> 0") +
                      ", got '" + value + "'");
  }
  return *v;
}

int run(const std::vector<std::string>& args) {
  std::string in, out;
  floodtwin::viz::VtkOptions options;
  for (std::size_t a = 0; a < args.size(); ++a) {
    auto value = [&]() -> std::string {
      if (a + 1 >= args.size()) throw ConfigError("vtk: " + args[a] + " needs a value");
      return args[++a];
    };
    if (args[a] == "--z-scale") {
      options.z_scale = positive_number("--z-scale", value(), false);
    } else if (args[a] == "--wet-depth") {
      options.wet_depth = positive_number("--wet-depth", value(), true);
    } else if (args[a].starts_with("-")) {
      throw ConfigError("vtk: unknown option '" + args[a] + "'");
    } else if (in.empty()) {
      in = args[a];
    } else if (out.empty()) {
      out = args[a];
    } else {
      throw ConfigError("vtk: unexpected argument '" + args[a] + "'");
    }
  }
  if (in.empty() || out.empty()) throw ConfigError("vtk: expected RESULTS and OUTDIR");
  // The output checks and the lock are export_vtk's (viz/products.cpp).
  const floodtwin::viz::VtkExport e = floodtwin::viz::export_vtk(in, out, options);
  std::printf("%s: %zu output times (flood.pvd), terrain.vts%s%s from %s\n", out.c_str(), e.times,
              e.gauges ? ", gauges.vtp" : "", e.peaks ? ", max.vts" : " (no peak maps in the file)",
              in.c_str());
  return 0;
}

const floodtwin::cli::Registration registration(
    "vtk", {"convert a results file to a VTK time series for ParaView",
            "usage: floodtwin vtk RESULTS OUTDIR [--z-scale F] [--wet-depth D]\n"
            "  writes OUTDIR/flood.pvd (open it in ParaView and press play), flood_NNNN.vts\n"
            "  (depth, water_level, velocity, speed, hazard, elevation, wet), terrain.vts,\n"
            "  gauges.vtp (names) and max.vts (the peak flood maps)\n"
            "  --z-scale    vertical exaggeration of the surfaces (default 1)\n"
            "  --wet-depth  depth above which `wet` is 1 [m] (default 0.001); apply\n"
            "               Threshold on `wet` >= 1 to hide dry cells",
            run});

}  // namespace

#endif  // FLOODTWIN_HAS_VIZ
