/// @file products.cpp
/// What the other `floodtwin` commands do, from Python: validate (a scenario), info, export
/// (a map as a GDAL raster); write_vtk and render are in floodtwin._viz (viz_module.cpp). The
/// same library calls as the command line (driver/products.hpp, io/results_reader.hpp), so the
/// same results and error messages. The GIL is released while they work.
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "driver/products.hpp"
#include "driver/vtk_output.hpp"
#include "impacts/validate.hpp"
#include "io/results_reader.hpp"
#include "solver/error.hpp"

namespace floodtwin::bindings {

namespace {

py::dict validate(const py::object& path) {
  const std::string file = path_text(path, "validate");
  driver::ScenarioCheck c;
  std::string report;
  {
    py::gil_scoped_release release;
    c = driver::validate_scenario(file);
    report = driver::format_check(c) + impacts::validate_impacts(file);
  }
  py::dict d;
  d["file"] = c.file;
  d["notes"] = c.notes;
  d["nx"] = c.nx;
  d["ny"] = c.ny;
  d["dx"] = c.dx;
  d["dy"] = c.dy;
  d["active_cells"] = c.active_cells;
  d["boundaries"] = c.boundaries;
  d["point_sources"] = c.point_sources;
  d["gauges"] = c.gauges;
  d["scheme"] = c.scheme;
  d["limiter"] = c.limiter.empty() ? py::object(py::none()) : py::object(py::str(c.limiter));
  d["duration"] = c.duration;
  d["output_interval"] = c.output_interval;
  d["output"] = c.output;
  d["vtk"] = c.vtk_dir.empty() ? py::object(py::none()) : py::object(py::str(c.vtk_dir));
  d["report"] = report;
  return d;
}

py::dict info(const py::object& path, std::optional<double> threshold) {
  const std::string file = path_text(path, "info");
  if (threshold && !(*threshold > 0)) {
    throw ConfigError("info: threshold expects a depth > 0 in metres");
  }
  io::ResultsSummary s;
  std::string report;
  {
    py::gil_scoped_release release;
    s = io::read_results_summary(file, threshold.value_or(0));
    report = io::format_summary(s);
  }
  auto optional_number = [](double v) {
    return v < 0 || std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v));
  };
  py::dict d;
  d["path"] = s.path;
  d["status"] = s.status;
  d["floodtwin_version"] = s.floodtwin_version;
  d["git_commit"] = s.git_commit;
  d["scheme"] = s.scheme;
  d["start_time"] = s.start_time;
  d["crs_wkt"] = s.crs_wkt;
  d["nx"] = s.nx;
  d["ny"] = s.ny;
  d["dx"] = s.dx;
  d["dy"] = s.dy;
  d["extent"] = py::make_tuple(s.x_min, s.y_min, s.x_max, s.y_max);
  d["snapshots"] = s.snapshots;
  d["first_time"] = s.first_time;
  d["last_time"] = s.last_time;
  d["active_cells"] = s.active_cells;
  d["peak_depth"] = s.peak_depth;
  d["peak_location"] = py::make_tuple(s.peak_x, s.peak_y);
  d["threshold"] = s.threshold;
  d["flooded_area"] = s.flooded_area;
  d["final_volume"] = s.final_volume;
  d["mass_balance_error"] = s.mass_balance_error;
  d["stations"] = s.stations;
  d["gauge_samples"] = s.gauge_samples;
  d["wall_time"] = optional_number(s.wall_time);
  d["report"] = report;
  return d;
}

py::dict export_map(const py::object& results, const py::object& out, const std::string& variable,
                    const std::string& time, const std::string& format) {
  const std::string in = path_text(results, "export");
  const std::string target = path_text(out, "export");
  driver::ExportedMap e;
  {
    py::gil_scoped_release release;
    e = driver::export_map(in, target, variable, time, format);
  }
  py::dict d;
  d["path"] = e.path;
  d["variable"] = e.variable;
  d["format"] = e.format;
  d["time"] = e.time < 0 ? py::object(py::none()) : py::object(py::float_(e.time));
  d["nx"] = e.nx;
  d["ny"] = e.ny;
  return d;
}


#if FLOODTWIN_PYTHON_HAS_VIZ
/// The driver's `[output] vtk` writer for run_scenario: imports floodtwin._viz (VTK) the first
/// time a run asks for VTK output and uses the writer it carries (viz_module.cpp).
std::unique_ptr<driver::VtkOutput> lazy_vtk_output(const driver::VtkOutputRequest& request,
                                                   const solver::Simulation& sim) {
  driver::VtkOutputFactory make = nullptr;
  {
    py::gil_scoped_acquire gil;
    try {
      const auto capsule = py::module_::import("floodtwin._viz")
                               .attr("_vtk_output_factory")
                               .cast<py::capsule>();
      make = *static_cast<const driver::VtkOutputFactory*>(capsule.get_pointer());
    } catch (py::error_already_set& e) {
      const std::string why = e.what();
      e.restore();
      PyErr_Clear();
      throw ConfigError("[output] vtk: the VTK part of floodtwin (floodtwin._viz) did not load: " +
                        why);
    }
  }
  return make(request, sim);
}
#endif

}  // namespace

void init_products(py::module_& m) {
  m.def("validate", &validate, py::arg("path"),
        R"doc(Checks a scenario file and every file it names, as `floodtwin validate` does,
without running it. Returns a dict: file, notes (what was loaded), nx, ny, dx, dy,
active_cells, boundaries, point_sources, gauges, scheme, duration [s], output_interval [s],
output (the results file), vtk (folder or None) and report (the text the command prints).
Raises ScenarioError (file and line) or ValueError/FileNotFoundError naming the bad input.)doc");
  m.def("info", &info, py::arg("path"), py::kw_only(), py::arg("threshold") = py::none(),
        R"doc(Summarises a results file (also the `.partial` file of a stopped run), as
`floodtwin info` does. Returns a dict: status ("complete" or "running"), grid (nx, ny, dx,
dy, extent = (x_min, y_min, x_max, y_max)), snapshots, first_time/last_time [s], peak_depth
[m] and peak_location (x, y), flooded_area [m2] (max depth > `threshold`, default the run's
flood threshold), final_volume [m3], mass_balance_error, stations, gauge_samples, wall_time
[s] (None when not recorded), versions, crs_wkt and report (the printed text).)doc");
  m.def("export", &export_map, py::arg("results"), py::arg("out"), py::arg("variable"),
        py::kw_only(), py::arg("time") = "last", py::arg("format") = "GTiff",
        R"doc(Writes one map of a results file as a GDAL raster (GeoTIFF by default; any GDAL
raster driver name), georeferenced with the run's CRS, NaN as no-data, as `floodtwin export`
does. `variable` is a map (max_depth, max_speed, max_water_level, arrival_time,
flood_duration, max_hazard, elevation, manning) or a snapshot variable (depth, water_level,
velocity_x, velocity_y) taken at `time` ("last" or a duration: 3600, "30min", "1.5h").
Returns a dict: path, variable, format, time [s] (None for maps), nx, ny.)doc");
  // write_vtk and render live in floodtwin._viz, loaded on first use (viz_module.cpp).
#if FLOODTWIN_PYTHON_HAS_VIZ
  m.attr("has_viz") = true;
  driver::set_vtk_output_factory(&lazy_vtk_output);
#else
  m.attr("has_viz") = false;
#endif
}

}  // namespace floodtwin::bindings
