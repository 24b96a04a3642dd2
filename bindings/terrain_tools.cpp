/// @file terrain_tools.cpp
/// Terrain tools on numpy arrays: DEM conditioning (terrain/conditioning.hpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "bindings/bindings.hpp"
#include "solver/error.hpp"
#include "terrain/conditioning.hpp"

namespace floodtwin::bindings {

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A 2D (ny, nx) elevation array as a flat vector; ValueError otherwise.
std::vector<Real> elevations(const Array& z, int& nx, int& ny) {
  if (z.ndim() != 2 || z.shape(0) < 1 || z.shape(1) < 1) {
    throw py::value_error("elevation: expected a non-empty 2D array (ny, nx)");
  }
  ny = static_cast<int>(z.shape(0));
  nx = static_cast<int>(z.shape(1));
  return {z.data(), z.data() + z.size()};
}

double positive(const std::optional<double>& v, const char* what, double fallback) {
  if (!v) return fallback;
  if (!(*v > 0)) throw py::value_error(std::string(what) + ": expected a value > 0");
  return *v;
}

}  // namespace

void init_terrain_tools(py::module_& m) {
  m.def(
      "condition_dem",
      [](const Array& elevation, double dx, std::optional<double> dy,
         std::optional<double> max_depth, std::optional<double> max_volume) {
        int nx = 0, ny = 0;
        std::vector<Real> z = elevations(elevation, nx, ny);
        if (!(dx > 0)) throw py::value_error("dx: expected a cell size > 0");
        const double cell_dy = positive(dy, "dy", dx);
        terrain::ConditioningOptions o;
        o.max_depth = positive(max_depth, "max_depth", o.max_depth);
        o.max_volume = positive(max_volume, "max_volume", o.max_volume);
        terrain::ConditioningReport r;
        {
          py::gil_scoped_release release;
          r = terrain::fill_depressions(z, nx, ny, dx, cell_dy, o);
        }
        Array out({ny, nx});
        std::copy(z.begin(), z.end(), out.mutable_data());
        py::dict report;
        report["depressions_filled"] = r.depressions_filled;
        report["depressions_kept"] = r.depressions_kept;
        report["cells_raised"] = r.cells_raised;
        report["max_raise"] = r.max_raise;
        report["volume"] = r.volume;
        report["kept_max_depth"] = r.kept_max_depth;
        report["summary"] = r.summary();
        return py::make_tuple(out, report);
      },
      py::arg("elevation"), py::arg("dx"), py::arg("dy") = py::none(),
      py::arg("max_depth") = py::none(), py::arg("max_volume") = py::none(),
      R"doc(Fills the closed depressions of a DEM (priority-flood, flat fill; docs/scenario.md).

elevation: (ny, nx) array, row 0 north, NaN for inactive cells (their neighbours drain, as
the grid's edge does). dx, dy: cell size [m] (dy defaults to dx). Depressions deeper than
max_depth [m] or holding more than max_volume [m3] are kept (real lakes). Returns
(conditioned elevation, report dict: depressions_filled, depressions_kept, cells_raised,
max_raise [m], volume [m3], kept_max_depth [m], summary). The input is not modified.)doc");
}

}  // namespace floodtwin::bindings
