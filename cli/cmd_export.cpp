/// @file cmd_export.cpp
/// `floodtwin export RESULTS --var NAME [--time T] [--format DRIVER] OUT`: one map of a
/// results file as any GDAL raster (GeoTIFF by default), georeferenced with the run's CRS.
#include <cstdio>
#include <string>

#include "cli/command.hpp"
#include "driver/products.hpp"
#include "solver/error.hpp"

namespace {

using floodtwin::ConfigError;

int run(const std::vector<std::string>& args) {
  std::string in, out, var, format = "GTiff", time = "last";
  for (std::size_t a = 0; a < args.size(); ++a) {
    auto value = [&]() -> std::string {
      if (a + 1 >= args.size()) throw ConfigError("export: " + args[a] + " needs a value");
      return args[++a];
    };
    if (args[a] == "--var") {
      var = value();
    } else if (args[a] == "--format" || args[a] == "-f") {
      format = value();
    } else if (args[a] == "--time") {
      time = value();
    } else if (!args[a].empty() && args[a][0] == '-') {
      throw ConfigError("export: unknown option '" + args[a] + "'");
    } else if (in.empty()) {
      in = args[a];
    } else if (out.empty()) {
      out = args[a];
    } else {
      throw ConfigError("export: unexpected argument '" + args[a] + "'");
    }
  }
  if (in.empty() || out.empty()) throw ConfigError("export: expected RESULTS and OUT files");
  if (var.empty()) throw ConfigError("export: --var is required (e.g. --var max_depth)");

  const floodtwin::driver::ExportedMap e =
      floodtwin::driver::export_map(in, out, var, time, format);
  std::printf("%s: %s of %s (%d x %d, %s)\n", e.path.c_str(), e.variable.c_str(), in.c_str(), e.nx,
              e.ny, e.format.c_str());
  return 0;
}

const floodtwin::cli::Registration registration(
    "export", {"write one map of a results file as a GDAL raster (GeoTIFF, ...)",
               "usage: floodtwin export RESULTS --var NAME [--time T|last] [--format DRIVER] OUT\n"
               "  --var     a map: max_depth, max_speed, max_water_level, arrival_time,\n"
               "            flood_duration, max_hazard, elevation, manning, or a snapshot\n"
               "            variable (depth, water_level, velocity_x, velocity_y)\n"
               "  --time    snapshot time for snapshot variables: END (default) or a time since\n"
               "            the start (3600, 30min, 1.5h, 00:30:00)\n"
               "  --format  any GDAL raster driver (default GTiff)",
               run});

}  // namespace
