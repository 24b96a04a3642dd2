/// @file products.cpp
/// What the other `floodtwin` commands do, from Python: validate (a scenario), info, export
/// (a map as a GDAL raster), write_vtk and render (viz module). The same library calls as the
/// command line (driver/products.hpp, io/results_reader.hpp, viz/products.hpp), so the same
/// results and error messages. The GIL is released while they work.
#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "driver/products.hpp"
#include "impacts/validate.hpp"
#include "io/results_reader.hpp"
#include "solver/error.hpp"
#if FLOODTWIN_HAS_VIZ
#include "viz/products.hpp"
#endif

namespace floodtwin::bindings {

namespace {

namespace fs = std::filesystem;

py::list path_list(const std::vector<fs::path>& paths) {
  py::list out;
  for (const auto& p : paths) out.append(p.string());
  return out;
}

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

#if FLOODTWIN_HAS_VIZ
py::dict write_vtk(const py::object& results, const py::object& outdir, double z_scale,
                   double wet_depth) {
  const std::string in = path_text(results, "write_vtk");
  const std::string dir = path_text(outdir, "write_vtk");
  viz::VtkOptions options;
  options.z_scale = z_scale;
  options.wet_depth = wet_depth;
  viz::VtkExport e;
  {
    py::gil_scoped_release release;
    e = viz::export_vtk(in, dir, options);
  }
  py::dict d;
  d["dir"] = e.dir.string();
  d["pvd"] = (e.dir / "flood.pvd").string();
  d["times"] = e.times;
  d["gauges"] = e.gauges;
  d["peaks"] = e.peaks;
  d["files"] = path_list(e.files);
  return d;
}

py::dict render(const py::object& results, const py::object& out, const std::string& time,
                const std::string& field, int width, int height, std::optional<double> min_depth,
                bool gauges, bool animate, const std::vector<std::string>& movies, double fps) {
  const std::string in = path_text(results, "render");
  const std::string png = path_text(out, "render");
  viz::RenderRequest request;
  request.time = time;
  request.field = field;
  request.options.width = width;
  request.options.height = height;
  request.options.show_gauges = gauges;
  request.min_depth = min_depth;
  request.animate = animate;
  request.movies.clear();
  for (const auto& m : movies) {
    for (const viz::Movie parsed : viz::parse_movies(m)) request.movies.push_back(parsed);
  }
  request.frame_rate = fps;
  viz::RenderedMaps maps;
  {
    py::gil_scoped_release release;
    maps = viz::render_results(in, png, request);
  }
  py::dict d;
  d["images"] = path_list(maps.images);
  d["movies"] = path_list(maps.movies);
  py::list times;
  for (double t : maps.times) {
    times.append(std::isnan(t) ? py::object(py::none()) : py::object(py::float_(t)));
  }
  d["times"] = times;
  d["subtitle"] = maps.subtitle;
  d["shown_cells"] = maps.shown_cells;
  d["map_box"] = py::make_tuple(maps.placement.x, maps.placement.y, maps.placement.width,
                                maps.placement.height);
  d["note"] = maps.note;
  return d;
}
#endif

}  // namespace

std::string path_text(const py::object& path, const char* what) {
  py::object fspath = py::module_::import("os").attr("fspath");
  py::object text;
  try {
    text = fspath(path);
  } catch (const py::error_already_set&) {
    throw py::type_error(std::string(what) + ": expected a str or os.PathLike path, got " +
                         py::str(py::type::of(path).attr("__name__")).cast<std::string>());
  }
  if (!py::isinstance<py::str>(text)) {
    throw py::type_error(std::string(what) + ": expected a str path, got bytes");
  }
  return text.cast<std::string>();
}

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
#if FLOODTWIN_HAS_VIZ
  m.attr("has_viz") = true;
  m.def("write_vtk", &write_vtk, py::arg("results"), py::arg("outdir"), py::kw_only(),
        py::arg("z_scale") = 1.0, py::arg("wet_depth") = 1e-3,
        R"doc(Converts a results file to a VTK time series for ParaView, as `floodtwin vtk`
does: OUTDIR/flood.pvd with flood_NNNN.vts per output time (depth, water_level, velocity,
speed, hazard, elevation, wet), terrain.vts, gauges.vtp and max.vts (peak maps). `z_scale`
exaggerates the surfaces vertically; `wet` is 1 where depth > `wet_depth` [m]. Returns a
dict: dir, pvd, times, gauges, peaks, files.)doc");
  m.def("render", &render, py::arg("results"), py::arg("out"), py::kw_only(),
        py::arg("time") = "max", py::arg("field") = "depth", py::arg("width") = 1200,
        py::arg("height") = 900, py::arg("min_depth") = py::none(), py::arg("gauges") = true,
        py::arg("animate") = false,
        py::arg("movies") = std::vector<std::string>{"gif", "mp4"}, py::arg("fps") = 2.0,
        R"doc(Renders a flood map PNG of a results file with VTK off screen, as
`floodtwin render` does: hillshaded terrain, `field` ("depth" [m], "hazard" (UK classes) or
"arrival_time" [h]) at `time` ("max", "END" or an output time: 3600, "90min", "01:30:00"),
legend, title, scale bar, north arrow and gauges. With `animate=True` one frame per output
time (OUT_STEM_NNNN.png) and, with ffmpeg installed, the `movies` ("gif", "mp4") made from
them at `fps` frames per second. Needs an X display (e.g. run under `xvfb-run -a`).
Returns a dict: images, movies, times, subtitle, shown_cells, map_box (x, y, w, h pixels),
note (why a movie was not made, else "").)doc");
#else
  m.attr("has_viz") = false;
#endif
}

}  // namespace floodtwin::bindings
