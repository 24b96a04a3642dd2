/// @file viz_module.cpp
/// floodtwin._viz: the parts of the Python module that need VTK (write_vtk, render and the
/// `[output] vtk` writer of run_scenario), in a module of their own so that `import floodtwin`
/// does not load VTK's libraries (about a second). floodtwin imports it on the first call of
/// write_vtk or render; _core imports it when a scenario run asks for VTK output and takes
/// the writer from the capsule `_vtk_output_factory` (driver/vtk_output.hpp). C++ errors are
/// translated by the translator _core registers (errors.cpp; pybind11's are global).
#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "driver/vtk_output.hpp"
#include "viz/driver_output.hpp"
#include "viz/products.hpp"

namespace floodtwin::bindings {

namespace {

namespace fs = std::filesystem;

py::list path_list(const std::vector<fs::path>& paths) {
  py::list out;
  for (const auto& p : paths) out.append(p.string());
  return out;
}

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

/// The driver's VTK writer; _core reads its address from the capsule.
const driver::VtkOutputFactory vtk_output_factory = &viz::make_driver_output;

}  // namespace

}  // namespace floodtwin::bindings

PYBIND11_MODULE(_viz, m) {
  namespace fb = floodtwin::bindings;
  namespace py = pybind11;
  m.doc() = "The VTK part of floodtwin (write_vtk, render); use them through `import floodtwin`.";
  m.attr("_vtk_output_factory") = py::capsule(static_cast<const void*>(&fb::vtk_output_factory),
                                              "floodtwin.driver.VtkOutputFactory");
  m.def("write_vtk", &fb::write_vtk, py::arg("results"), py::arg("outdir"), py::kw_only(),
        py::arg("z_scale") = 1.0, py::arg("wet_depth") = 1e-3,
        R"doc(Converts a results file to a VTK time series for ParaView, as `floodtwin vtk`
does: OUTDIR/flood.pvd with flood_NNNN.vts per output time (depth, water_level, velocity,
speed, hazard, elevation, wet), terrain.vts, gauges.vtp and max.vts (peak maps). `z_scale`
exaggerates the surfaces vertically; `wet` is 1 where depth > `wet_depth` [m]. Returns a
dict: dir, pvd, times, gauges, peaks, files.)doc");
  m.def("render", &fb::render, py::arg("results"), py::arg("out"), py::kw_only(),
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
}
