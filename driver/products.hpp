#pragma once
/// @file products.hpp
/// What `floodtwin validate` and `floodtwin export` do, as library calls, so that the command
/// line and the Python binding share one implementation (and one set of error messages).
#include <cstddef>
#include <string>
#include <vector>

namespace floodtwin::driver {

/// A duration as the command line prints it: "5h00m00s", "12m30s", "45s".
std::string clock_text(double seconds);

/// A duration exactly, in the style of clock_text: "5h00m00s", "0.5s", "1m30.25s" (the
/// seconds with up to 15 significant digits; never rounded to whole seconds).
std::string exact_duration_text(double seconds);

/// A scenario that loaded and checked out (validate_scenario).
struct ScenarioCheck {
  std::string file;                ///< the scenario file
  std::vector<std::string> notes;  ///< what was loaded (terrain, rain, losses, ...)
  int nx = 0, ny = 0;              ///< grid [cells]
  double dx = 0, dy = 0;           ///< cell size [m]
  std::size_t active_cells = 0;
  std::size_t boundaries = 0, point_sources = 0, gauges = 0;
  std::string scheme;
  std::string limiter;         ///< the second order's slope limiter; empty for the first order
  double duration = 0;         ///< [s]
  double output_interval = 0;  ///< [s]
  std::string output;          ///< the results file the run would write
  std::string vtk_dir;         ///< the VTK folder, empty when none
};

/// Loads the scenario and every file it names onto the grid, as `floodtwin run` would, without
/// running it, and checks its outputs: the results (and VTK) folder exists or can be created
/// and is writable, and no output is one of the inputs (driver/inputs.hpp); outputs outside
/// the scenario's folder are added to the notes. Throws the errors of load_scenario/prepare
/// (ConfigError with file and line, InputError naming the file), ConfigError for outputs.
ScenarioCheck validate_scenario(const std::string& path);

/// The report `floodtwin validate` prints.
std::string format_check(const ScenarioCheck& check);

/// One map written by export_map.
struct ExportedMap {
  std::string path;      ///< the raster written
  std::string variable;  ///< the results variable
  std::string format;    ///< GDAL driver
  double time = -1;      ///< snapshot time [s]; < 0 for a static or peak map
  int nx = 0, ny = 0;
};

/// Writes one map of a results file as a GDAL raster, georeferenced with the run's CRS and
/// NaN as no-data. `variable` is a 2-D map (max_depth, arrival_time, elevation, ...) or a
/// snapshot variable (depth, water_level, velocity_x, velocity_y) taken at `time`: "last"
/// (also "end", "END") or a time since the start ("30min", "3600", "1.5h", "00:30:00"; see
/// io::snapshot_index, shared with `floodtwin render`).
/// The raster (and any side-car files of the format) is written in a scratch folder beside
/// `out` and moved into place when complete: a failed export leaves an earlier file alone.
/// Throws ConfigError for a bad time text, InputError for a missing variable or time (naming
/// the choices), IoError when the file cannot be read or written.
ExportedMap export_map(const std::string& results, const std::string& out,
                       const std::string& variable, const std::string& time = "last",
                       const std::string& format = "GTiff");

}  // namespace floodtwin::driver
