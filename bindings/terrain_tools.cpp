/// @file terrain_tools.cpp
/// Terrain tools on numpy arrays: DEM conditioning (terrain/conditioning.hpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "solver/error.hpp"
#include "terrain/channel_burn.hpp"
#include "terrain/channel_subgrid.hpp"
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

/// The cells of a channel as numpy arrays (i, j, chainage, manning, bed).
void cell_arrays(const terrain::ChannelReport& r, py::dict& out) {
  const auto count = static_cast<py::ssize_t>(r.cells.size());
  py::array_t<int> ii(count), jj(count);
  py::array_t<double> chain(count), cell_n(count), bed(count);
  for (py::ssize_t k = 0; k < count; ++k) {
    const auto& c = r.cells[static_cast<std::size_t>(k)];
    ii.mutable_at(k) = c.i;
    jj.mutable_at(k) = c.j;
    chain.mutable_at(k) = c.chainage;
    cell_n.mutable_at(k) = c.manning;
    bed.mutable_at(k) = c.bed;
  }
  out["i"] = ii;
  out["j"] = jj;
  out["chainage"] = chain;
  out["manning"] = cell_n;
  out["bed"] = bed;
  out["skipped"] = r.skipped;
  out["length"] = r.true_length;
}

/// Simulation.add_channel: a sub-grid channel, or burnt into the bed and Manning n.
py::dict add_channel(const py::object& self, const Array& line, std::optional<double> width,
                     std::optional<double> depth, double manning, const py::object& profile,
                     std::optional<double> design_depth, const std::string& name,
                     const std::string& model) {
  solver::Simulation& sim = core_simulation(self);
  const solver::Grid& g = sim.grid();
  terrain::ChannelSpec spec;
  spec.name = name;
  spec.where = "add_channel '" + name + "'";
  if (line.ndim() != 2 || line.shape(1) != 2) {
    throw InputError(spec.where + ": line: expected an array of points [[x, y], ...]");
  }
  for (py::ssize_t k = 0; k < line.shape(0); ++k) {
    spec.line.push_back({line.at(k, 0), line.at(k, 1)});
  }
  spec.manning = manning;
  if (model != "subgrid" && model != "burn") {
    throw InputError(spec.where + ": model: expected \"subgrid\" or \"burn\", got \"" + model +
                     "\"");
  }
  if (model == "subgrid" && design_depth) {
    throw InputError(spec.where + ": design_depth applies with model=\"burn\"");
  }
  spec.design_depth = design_depth.value_or(0.0);
  if (!profile.is_none()) {
    if (width || depth) throw InputError(spec.where + ": give width and depth, or a profile");
    const Array p = profile.cast<Array>();
    if (p.ndim() != 2 || p.shape(1) != 3) {
      throw InputError(spec.where +
                       ": profile: expected rows [chainage, width, bed] (an (n, 3) array)");
    }
    for (py::ssize_t k = 0; k < p.shape(0); ++k) {
      spec.chainage.push_back(p.at(k, 0));
      spec.widths.push_back(p.at(k, 1));
      spec.beds.push_back(p.at(k, 2));
    }
  } else {
    if (!width || !depth) {
      throw InputError(spec.where +
                       ": give width and depth (bank-full, below the bed), or a "
                       "profile");
    }
    spec.width = *width;
    spec.depth = *depth;
  }
  std::vector<Real> z = sim.elevation();
  py::dict out;
  if (model == "subgrid") {
    const terrain::SubgridChannel ch = terrain::subgrid_channel(g, z, spec);
    sim.add_channel(ch.reach);
    core_changed(self);
    cell_arrays(ch.report, out);
    out["volume"] = 0.0;
    out["free_outlet"] = ch.reach.free_outlet;
    out["summary"] = ch.summary();
    return out;
  }
  std::vector<Real> n(g.cell_count());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      n[static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
        static_cast<std::size_t>(i)] = sim.manning()[g.index(i, j)];
    }
  }
  std::vector<std::uint8_t> claimed(g.cell_count(), 0);
  const terrain::ChannelReport r = terrain::burn_channel(g, z, n, claimed, spec);
  sim.set_elevation(z);
  sim.set_manning(n);
  core_changed(self);
  cell_arrays(r, out);
  out["volume"] = r.lowered_volume;
  out["summary"] = r.summary();
  return out;
}

}  // namespace

void init_terrain_tools(py::module_& m) {
  const py::object cls = m.attr("Simulation");
  cls.attr("add_channel") = py::cpp_function(
      &add_channel, py::name("add_channel"), py::is_method(cls),
      py::sibling(py::getattr(cls, "add_channel", py::none())), py::arg("line"), py::kw_only(),
      py::arg("width") = py::none(), py::arg("depth") = py::none(), py::arg("manning") = 0.03,
      py::arg("profile") = py::none(), py::arg("design_depth") = py::none(),
      py::arg("name") = "channel", py::arg("model") = "subgrid",
      R"doc(Adds a river narrower than a cell (docs/scenario.md, [[channel]]; docs/solver.md,
"Channels narrower than a cell"). line: centreline [[x, y], ...] in map coordinates.
Cross-section: width [m] and depth [m, bank-full, below the current bed], or profile: rows
[chainage, width, bed level] (chainage in m from the first point). manning: the channel's n.
model="subgrid" (default): a sub-grid channel in the cells the centreline crosses (own
storage and conveyance, one level per cell with the floodplain; the bed is not changed; a
free outlet where the line leaves the grid). model="burn": the cells of the 4-connected path
get z = min(z, bed) and the n that preserves the channel's conveyance at design_depth [m]
(default the bank-full depth). Call before the run. Returns a dict: i, j, chainage, manning,
bed per channel cell, skipped, length, volume [m3 of bed removed; 0 for sub-grid], summary
(and free_outlet for sub-grid). ValueError for a width <= 0 or wider than a cell, or a line
missing the grid.)doc");

  m.def(
      "condition_dem",
      [](const Array& elevation, double dx, std::optional<double> dy,
         std::optional<double> max_depth, std::optional<double> max_volume,
         const std::string& method, std::optional<double> breach_max_depth, std::optional<double> breach_max_length,
         std::optional<double> breach_max_volume) {
        int nx = 0, ny = 0;
        std::vector<Real> z = elevations(elevation, nx, ny);
        if (!(dx > 0)) throw py::value_error("dx: expected a cell size > 0");
        const double cell_dy = positive(dy, "dy", dx);
        if (method != "fill" && method != "breach" && method != "fill+breach") {
          throw py::value_error("method: expected \"fill\", \"breach\" or \"fill+breach\", got \"" +
                                method + "\"");
        }
        const bool fill = method != "breach";
        const bool breach = method != "fill";
        if (!fill && (max_depth || max_volume)) {
          throw py::value_error("max_depth, max_volume: apply with method \"fill\" or \"fill+breach\"");
        }
        if (!breach && (breach_max_depth || breach_max_length || breach_max_volume)) {
          throw py::value_error(
              "breach_max_depth, breach_max_length, breach_max_volume: apply with method "
              "\"breach\" or \"fill+breach\"");
        }
        terrain::ConditioningOptions o;
        o.max_depth = positive(max_depth, "max_depth", o.max_depth);
        o.max_volume = positive(max_volume, "max_volume", o.max_volume);
        terrain::BreachOptions bo;
        bo.max_depth = positive(breach_max_depth, "breach_max_depth", bo.max_depth);
        bo.max_length = positive(breach_max_length, "breach_max_length", bo.max_length);
        bo.max_volume = positive(breach_max_volume, "breach_max_volume", bo.max_volume);
        terrain::ConditioningReport r;
        terrain::BreachReport br;
        {
          // As a scenario's [terrain] condition (driver/prepare.cpp): breaching first, then
          // filling what no cut drains.
          py::gil_scoped_release release;
          if (breach) br = terrain::breach_depressions(z, nx, ny, dx, cell_dy, bo);
          if (fill) r = terrain::fill_depressions(z, nx, ny, dx, cell_dy, o);
        }
        Array out({ny, nx});
        std::copy(z.begin(), z.end(), out.mutable_data());
        py::dict report;
        std::string summary;
        if (breach) {
          report["breaches"] = br.breaches;
          report["not_breached"] = br.not_breached;
          report["cells_lowered"] = br.cells_lowered;
          report["max_cut"] = br.max_cut;
          report["breach_volume"] = br.volume;
          summary = "breach: " + br.summary();
        }
        if (fill) {
          report["depressions_filled"] = r.depressions_filled;
          report["depressions_kept"] = r.depressions_kept;
          report["cells_raised"] = r.cells_raised;
          report["max_raise"] = r.max_raise;
          report["volume"] = r.volume;
          report["kept_max_depth"] = r.kept_max_depth;
          summary += (summary.empty() ? "" : "; ") + std::string(breach ? "fill: " : "") +
                     r.summary();
        }
        report["summary"] = summary;
        return py::make_tuple(out, report);
      },
      py::arg("elevation"), py::arg("dx"), py::arg("dy") = py::none(),
      py::arg("max_depth") = py::none(), py::arg("max_volume") = py::none(), py::kw_only(),
      py::arg("method") = "fill", py::arg("breach_max_depth") = py::none(),
      py::arg("breach_max_length") = py::none(), py::arg("breach_max_volume") = py::none(),
      R"doc(Conditions a DEM as a scenario's [terrain] condition does (docs/scenario.md).

elevation: (ny, nx) array, row 0 north, NaN for inactive cells (their neighbours drain, as
the grid's edge does). dx, dy: cell size [m] (dy defaults to dx). method: "fill" fills the
closed depressions (priority-flood, flat fill); depressions deeper than max_depth [m] or
holding more than max_volume [m3] are kept (real lakes). "breach" cuts a channel from each
depression's lowest cell to a draining cell instead, within breach_max_depth [m, deepest
cut], breach_max_length [m] and breach_max_volume [m3 per cut]; "fill+breach" breaches,
then fills what no cut drains. Returns (conditioned elevation, report dict): with fill
depressions_filled, depressions_kept, cells_raised, max_raise [m], volume [m3],
kept_max_depth [m]; with breach breaches, not_breached, cells_lowered, max_cut [m],
breach_volume [m3]; and summary. The input is not modified.)doc");
}

}  // namespace floodtwin::bindings
