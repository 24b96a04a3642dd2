/// @file sections.cpp
/// Methods of floodtwin._core.Simulation added after init_simulation: cross-sections and
/// boundary flows (solver/cross_section.hpp), bed changes (set_elevation, schedule_elevation)
/// and infiltration (solver/infiltration.hpp). Thin wrappers: checks of shapes and ranges, then
/// the same C++ calls as the scenario path (driver/prepare.cpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "solver/error.hpp"
#include "solver/infiltration.hpp"

namespace floodtwin::bindings {

namespace {

using solver::Real;
using RealArray = py::array_t<Real, py::array::c_style | py::array::forcecast>;

/// Adds `f` as the method `name` of the class `cls` (as class_::def does).
template <class F, class... Extra>
void method(const py::object& cls, const char* name, F&& f, const Extra&... extra) {
  cls.attr(name) = py::cpp_function(std::forward<F>(f), py::name(name), py::is_method(cls),
                                    py::sibling(py::getattr(cls, name, py::none())), extra...);
}

/// An (ny, nx) array of the grid (a copy as float64); InputError naming `what` otherwise.
std::vector<Real> grid_field(const solver::Simulation& sim, const py::object& values,
                             const char* what) {
  const solver::Grid& g = sim.grid();
  RealArray a;
  try {
    a = RealArray::ensure(values);
  } catch (const py::error_already_set&) {
    a = RealArray();
  }
  if (!a || a.ndim() != 2 || a.shape(0) != g.ny || a.shape(1) != g.nx) {
    std::ostringstream msg;
    msg << what << ": expected an array of shape (ny, nx) = (" << g.ny << ", " << g.nx << ")";
    if (a) {
      msg << ", got shape (";
      for (py::ssize_t d = 0; d < a.ndim(); ++d) msg << (d ? ", " : "") << a.shape(d);
      msg << ")";
    }
    throw InputError(msg.str());
  }
  return {a.data(), a.data() + a.size()};
}

/// A parameter of the loss models: a number (every cell) or an (ny, nx) array, in [lo, hi]
/// (times `scale`, e.g. mm/h to m/s). NaN is accepted in inactive cells only (where it is
/// replaced by `lo`, the value being unused there).
std::vector<Real> parameter(const solver::Simulation& sim, const py::object& value,
                            const char* what, Real lo, Real hi, Real scale = 1) {
  const solver::Grid& g = sim.grid();
  std::vector<Real> v;
  if (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) {
    v.assign(g.cell_count(), value.cast<Real>());
  } else {
    v = grid_field(sim, value, what);
  }
  for (std::size_t c = 0; c < v.size(); ++c) {
    const int i = static_cast<int>(c % static_cast<std::size_t>(g.nx));
    const int j = static_cast<int>(c / static_cast<std::size_t>(g.nx));
    if (std::isnan(v[c]) && !sim.is_active(i, j)) {
      v[c] = lo;
      continue;
    }
    if (!(v[c] >= lo && v[c] <= hi)) {
      std::ostringstream msg;
      msg << what << ": expected values in [" << lo << ", " << hi << "]";
      if (v.size() > 1) msg << " (NaN only in inactive cells)";
      msg << ", got " << v[c] << " at row " << j << ", column " << i;
      throw InputError(msg.str());
    }
    v[c] *= scale;
  }
  return v;
}

std::vector<solver::LinePoint> polyline(const py::object& line, const std::string& name) {
  std::vector<solver::LinePoint> points;
  const std::string what = "cross-section '" + name + "': line";
  RealArray a;
  try {
    a = RealArray::ensure(line);
  } catch (const py::error_already_set&) {
    a = RealArray();
  }
  if (!a || a.ndim() != 2 || a.shape(1) != 2 || a.shape(0) < 2) {
    throw InputError(what +
                     ": expected at least two points [[x1, y1], [x2, y2], ...] in the "
                     "grid's coordinates");
  }
  for (py::ssize_t k = 0; k < a.shape(0); ++k) points.push_back({a.at(k, 0), a.at(k, 1)});
  return points;
}

py::dict flow_dict(const solver::BoundaryFlow& f) {
  py::dict d;
  d["inflow"] = f.inflow;
  d["outflow"] = f.outflow;
  d["net_outflow"] = f.net_outflow();
  d["rate"] = f.rate;
  return d;
}

// ---- cross-sections ---------------------------------------------------------------------------
void add_cross_section(const py::object& self, const std::string& name, const py::object& line) {
  solver::Simulation& sim = core_simulation(self);
  sim.add_cross_section(name, polyline(line, name));
}

py::list cross_sections(const py::object& self) {
  const solver::Simulation& sim = core_simulation(self);
  py::list out;
  for (const solver::CrossSection& s : sim.flows().sections()) {
    py::dict d;
    d["name"] = s.name;
    py::array_t<Real> line({static_cast<py::ssize_t>(s.line.size()), py::ssize_t(2)});
    auto m = line.mutable_unchecked<2>();
    for (std::size_t k = 0; k < s.line.size(); ++k) {
      m(static_cast<py::ssize_t>(k), 0) = s.line[k][0];
      m(static_cast<py::ssize_t>(k), 1) = s.line[k][1];
    }
    d["line"] = line;
    d["faces"] = s.faces.size();
    d["volume"] = s.volume;
    d["rate"] = s.rate;
    d["peak"] = s.peak;
    d["peak_time"] = s.peak_time;
    out.append(d);
  }
  return out;
}

py::dict section_discharge(const py::object& self) {
  const solver::Simulation& sim = core_simulation(self);
  py::dict out;
  for (const solver::CrossSection& s : sim.flows().sections()) out[py::str(s.name)] = s.rate;
  return out;
}

py::dict boundary_discharge(const py::object& self, const std::string& by) {
  const solver::Simulation& sim = core_simulation(self);
  py::dict out;
  if (by == "condition") {
    const auto labels = solver::boundary_labels(sim.boundaries());
    for (std::size_t k = 0; k < labels.size(); ++k) {
      py::dict d = flow_dict(sim.flows().boundaries()[k]);
      d["side"] = solver::to_string(sim.boundaries()[k].side);
      d["type"] = solver::to_string(sim.boundaries()[k].type);
      out[py::str(labels[k])] = d;
    }
  } else if (by == "side") {
    for (const solver::Side side :
         {solver::Side::north, solver::Side::south, solver::Side::east, solver::Side::west}) {
      out[py::str(solver::to_string(side))] =
          flow_dict(sim.flows().sides()[static_cast<std::size_t>(side)]);
    }
  } else {
    throw InputError("boundary_discharge: by must be \"condition\" or \"side\", got \"" + by +
                     "\"");
  }
  return out;
}

/// (times, section names, volumes (time, section), boundary labels, net outflow volumes
/// (time, boundary)); NaN where a section or condition did not exist yet.
py::tuple flow_samples(const py::object& self) {
  const solver::Simulation& sim = core_simulation(self);
  const solver::FlowSamples& s = sim.flows().samples();
  const auto nt = static_cast<py::ssize_t>(s.times.size());
  auto table = [&](const std::vector<std::vector<double>>& rows, std::size_t columns) {
    py::array_t<double> a({nt, static_cast<py::ssize_t>(columns)});
    auto m = a.mutable_unchecked<2>();
    for (py::ssize_t k = 0; k < nt; ++k) {
      const auto& row = rows[static_cast<std::size_t>(k)];
      for (std::size_t c = 0; c < columns; ++c) {
        m(k, static_cast<py::ssize_t>(c)) =
            c < row.size() ? row[c] : std::numeric_limits<double>::quiet_NaN();
      }
    }
    return a;
  };
  py::list names;
  for (const auto& x : sim.flows().sections()) names.append(x.name);
  py::array_t<double> times(nt);
  std::copy(s.times.begin(), s.times.end(), times.mutable_data());
  const auto labels = solver::boundary_labels(sim.boundaries());
  return py::make_tuple(times, names, table(s.sections, sim.flows().sections().size()),
                        py::cast(labels), table(s.boundaries, labels.size()));
}

// ---- bed changes ------------------------------------------------------------------------------
void set_elevation(const py::object& self, const py::object& z) {
  solver::Simulation& sim = core_simulation(self);
  sim.set_elevation(grid_field(sim, z, "set_elevation: elevation"));
  core_changed(self);
}

void schedule_elevation(const py::object& self, Real time, const py::object& z) {
  solver::Simulation& sim = core_simulation(self);
  sim.schedule_elevation(time, grid_field(sim, z, "schedule_elevation: elevation"));
}

// ---- infiltration -----------------------------------------------------------------------------
void set_infiltration(const py::object& self, const std::string& model, const py::object& ks,
                      const py::object& psi, const py::object& dtheta,
                      const py::object& curve_number, Real ratio, const std::string& ks_units) {
  solver::Simulation& sim = core_simulation(self);
  const solver::Grid& g = sim.grid();
  auto require = [&](const py::object& v, const char* key) {
    if (v.is_none()) {
      throw InputError("set_infiltration: model \"" + model + "\" needs " + key);
    }
  };
  auto refuse = [&](const py::object& v, const char* key) {
    if (!v.is_none()) {
      throw InputError(std::string("set_infiltration: ") + key + " is not a parameter of model \"" +
                       model + "\"");
    }
  };
  if (model == "green-ampt") {
    require(ks, "ks");
    require(psi, "psi");
    require(dtheta, "dtheta");
    refuse(curve_number, "curve_number");
    Real scale = 1;
    if (ks_units == "mm/h") {
      scale = Real(1e-3) / Real(3600);
    } else if (ks_units != "m/s") {
      throw InputError("set_infiltration: ks_units must be \"m/s\" or \"mm/h\", got \"" + ks_units +
                       "\"");
    }
    // The scenario file's ranges (scenarios/scenario.cpp): ks [0, 1] m/s, psi [0, 100] m.
    const Real ks_hi = ks_units == "mm/h" ? Real(3.6e6) : Real(1);
    const auto k = parameter(sim, ks, "set_infiltration: ks", 0, ks_hi, scale);
    const auto p = parameter(sim, psi, "set_infiltration: psi", 0, 100);
    const auto d = parameter(sim, dtheta, "set_infiltration: dtheta", 0, 1);
    sim.set_loss_model(std::make_shared<solver::GreenAmpt>(g, k, p, d));
  } else if (model == "scs-cn") {
    require(curve_number, "curve_number");
    refuse(ks, "ks");
    refuse(psi, "psi");
    refuse(dtheta, "dtheta");
    if (!(ratio >= 0 && ratio <= 1)) {
      std::ostringstream msg;
      msg << "set_infiltration: initial_abstraction_ratio: expected a value in [0, 1], got "
          << ratio;
      throw InputError(msg.str());
    }
    const auto cn = parameter(sim, curve_number, "set_infiltration: curve_number", 1, 100);
    sim.set_loss_model(std::make_shared<solver::ScsCurveNumber>(g, cn, ratio));
  } else {
    throw InputError("set_infiltration: model must be \"green-ampt\" or \"scs-cn\", got \"" +
                     model + "\"");
  }
}

void clear_infiltration(const py::object& self) { core_simulation(self).set_loss_model(nullptr); }

py::object infiltration_model(const py::object& self) {
  const solver::LossModel* m = core_simulation(self).loss_model();
  if (m == nullptr) return py::none();
  if (dynamic_cast<const solver::GreenAmpt*>(m) != nullptr) return py::str("green-ampt");
  if (dynamic_cast<const solver::ScsCurveNumber*>(m) != nullptr) return py::str("scs-cn");
  return py::str("other");
}

}  // namespace

void init_sections(py::module_& m) {
  const py::object cls = m.attr("Simulation");
  method(cls, "add_cross_section", &add_cross_section, py::arg("name"), py::arg("line"),
         R"(Adds a cross-section: the discharge through the polyline ``line`` ([[x1, y1], [x2, y2],
...] in the grid's map coordinates [m]) is accounted from now on, from the face fluxes the
solver uses. Positive from the right of the line to its left, looking from its first point to
its last: drawn from the left bank to the right bank (looking downstream), downstream flow is
positive; a clockwise closed line gives the net outflow of the area it encloses. ValueError when
the name is empty or taken, or the line cuts no cell face.)");
  method(cls, "_cross_sections", &cross_sections);
  method(cls, "section_discharge", &section_discharge,
         R"(Discharge of the last step through each cross-section [m3/s], as {name: Q}.)");
  method(cls, "boundary_discharge", &boundary_discharge, py::arg("by") = "condition",
         R"(Flows through the boundaries: per condition (by="condition", keyed "<side>_<type>",
"_2"... for repeats, in the order they were set) or per side (by="side"): {"inflow",
"outflow", "net_outflow"} cumulative volumes [m3] since the start, booked as the mass balance
books them (their sums are MassBalance.boundary_in / boundary_out), and "rate": the net
outflow of the last step [m3/s] (negative: net inflow).)");
  method(cls, "_flow_samples", &flow_samples);
  method(cls, "set_elevation", &set_elevation, py::arg("elevation"),
         R"(Changes the bed [m] (ny, nx) now, e.g. a levee breach or a dredged channel. Depths
and discharges stay as they are, so the stored volume does not change (MassBalance.edits
gains 0) and the water level moves with the bed. Inactive cells stay inactive (their values
are ignored and may be NaN); active cells need finite values.)");
  method(cls, "schedule_elevation", &schedule_elevation, py::arg("time"), py::arg("elevation"),
         R"(Schedules set_elevation(elevation) at ``time`` [s, simulated clock]: steps stop
exactly there and the bed changes before the next step (checked now).)");
  method(cls, "set_infiltration", &set_infiltration, py::arg("model"), py::kw_only(),
         py::arg("ks") = py::none(), py::arg("psi") = py::none(), py::arg("dtheta") = py::none(),
         py::arg("curve_number") = py::none(), py::arg("initial_abstraction_ratio") = Real(0.2),
         py::arg("ks_units") = "m/s",
         R"(Infiltration losses, as the scenario file's [infiltration] table. model="green-ampt"
with ks (saturated hydraulic conductivity, m/s, or mm/h with ks_units="mm/h"), psi
(wetting-front suction head, m) and dtheta (moisture deficit, -); model="scs-cn" with
curve_number (1..100) and initial_abstraction_ratio (Ia/S, default 0.2). Each parameter is a
number or an (ny, nx) array (NaN allowed in inactive cells). Replaces any earlier model; its
soil starts dry (nothing infiltrated, no rain counted).)");
  method(cls, "clear_infiltration", &clear_infiltration, "Removes the infiltration model.");
  method(cls, "_infiltration_model", &infiltration_model);
}

}  // namespace floodtwin::bindings
