/// @file cmd_export.cpp
/// `floodtwin export RESULTS --var NAME [--time T] [--format DRIVER] OUT`: one map of a
/// results file as any GDAL raster (GeoTIFF by default), georeferenced with the run's CRS.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "cli/command.hpp"
#include "io/results_reader.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "terrain/raster.hpp"

namespace {

using floodtwin::ConfigError;
using floodtwin::InputError;

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

  const floodtwin::io::ResultsReader reader(in);
  if (!reader.has_variable(var)) {
    std::string names;
    for (const auto& v : reader.variables()) {
      if (reader.shape(v).size() >= 2) names += (names.empty() ? "" : ", ") + v;
    }
    throw InputError("export: " + in + " has no variable '" + var + "'; maps: " + names);
  }
  const auto shape = reader.shape(var);
  std::vector<double> values;
  if (shape.size() == 2) {
    values = reader.read(var);
  } else if (shape.size() == 3) {
    const auto times = reader.times();
    if (times.empty()) throw InputError("export: " + in + " holds no snapshot");
    std::size_t index = times.size() - 1;
    if (time != "last" && time != "END" && time != "end") {
      const double t = floodtwin::scenarios::parse_duration(time, "export --time");
      index = times.size();
      for (std::size_t k = 0; k < times.size(); ++k) {
        if (std::abs(times[k] - t) <= 1e-6 * std::max(1.0, t)) index = k;
      }
      if (index == times.size()) {
        throw InputError("export: no snapshot at t = " + time + " in " + in + " (first " +
                         std::to_string(times.front()) + " s, last " +
                         std::to_string(times.back()) + " s)");
      }
    }
    values = reader.read_snapshot(var, index);
  } else {
    throw InputError("export: '" + var + "' is not a map (it has " +
                     std::to_string(shape.size()) + " dimensions)");
  }
  const auto summary = floodtwin::io::read_results_summary(in, 0);
  floodtwin::solver::Grid grid;
  grid.nx = reader.nx();
  grid.ny = reader.ny();
  grid.dx = summary.dx;
  grid.dy = summary.dy;
  grid.origin_x = summary.x_min;
  grid.origin_y = summary.y_max;
  std::vector<floodtwin::Real> field(values.begin(), values.end());
  floodtwin::terrain::WriteOptions wo;
  wo.data_type = "Float32";
  wo.metadata["SOURCE"] = in + ":" + var;
  floodtwin::terrain::write_raster(out, format, grid, field, summary.crs_wkt,
                                   std::numeric_limits<double>::quiet_NaN(), wo);
  std::printf("%s: %s of %s (%d x %d, %s)\n", out.c_str(), var.c_str(), in.c_str(), grid.nx,
              grid.ny, format.c_str());
  return 0;
}

const floodtwin::cli::Registration registration(
    "export", {"write one map of a results file as a GDAL raster (GeoTIFF, ...)",
               "usage: floodtwin export RESULTS --var NAME [--time T|last] [--format DRIVER] OUT\n"
               "  --var     a map: max_depth, max_speed, max_water_level, arrival_time,\n"
               "            flood_duration, max_hazard, elevation, manning, or a snapshot\n"
               "            variable (depth, water_level, velocity_x, velocity_y)\n"
               "  --time    snapshot time for snapshot variables (\"30min\", \"3600\"); default last\n"
               "  --format  any GDAL raster driver (default GTiff)",
               run});

}  // namespace
