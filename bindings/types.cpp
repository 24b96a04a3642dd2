/// @file types.cpp
/// Plain value types of the solver: MassBalance, and the names of schemes, sides and boundary
/// types (parsed by the same functions the scenario loader uses).
#include <sstream>
#include <string>

#include "bindings/bindings.hpp"
#include "solver/boundary.hpp"
#include "solver/mass_balance.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::bindings {

void init_types(py::module_& m) {
  using solver::MassBalance;
  py::class_<MassBalance>(m, "MassBalance",
                          "Water volumes [m3] accumulated since the start of a simulation.")
      .def_readonly("initial_volume", &MassBalance::initial_volume,
                    "Volume stored at the start [m3].")
      .def_readonly("volume", &MassBalance::volume, "Volume stored now [m3].")
      .def_readonly("rain_in", &MassBalance::rain_in, "Rain added [m3].")
      .def_readonly("boundary_in", &MassBalance::boundary_in,
                    "Volume that entered through boundaries [m3].")
      .def_readonly("boundary_out", &MassBalance::boundary_out,
                    "Volume that left through boundaries [m3].")
      .def_readonly("point_in", &MassBalance::point_in,
                    "Net volume of point sources, negative for abstraction [m3].")
      .def_readonly("losses", &MassBalance::losses,
                    "Volume removed by losses (infiltration...) [m3].")
      .def_readonly("correction", &MassBalance::correction,
                    "Volume added by clipping round-off negative depths [m3].")
      .def_readonly("edits", &MassBalance::edits,
                    "Net volume added by edits of the state after the start (set_depth, "
                    "set_water_level, set_active) [m3].")
      .def_property_readonly("expected_volume", &MassBalance::expected_volume,
                             "Volume expected from the sources and sinks [m3].")
      .def_property_readonly("error", &MassBalance::error, "stored - expected [m3].")
      .def_property_readonly(
          "relative_error", &MassBalance::relative_error,
          "|error| relative to the largest volume that took part in the balance [-].")
      .def(
          "as_dict",
          [](const MassBalance& b) {
            py::dict d;
            d["initial_volume"] = b.initial_volume;
            d["volume"] = b.volume;
            d["rain_in"] = b.rain_in;
            d["boundary_in"] = b.boundary_in;
            d["boundary_out"] = b.boundary_out;
            d["point_in"] = b.point_in;
            d["losses"] = b.losses;
            d["correction"] = b.correction;
            d["edits"] = b.edits;
            d["expected_volume"] = b.expected_volume();
            d["error"] = b.error();
            d["relative_error"] = b.relative_error();
            return d;
          },
          "All fields and derived values as a dict of floats.")
      .def("__repr__", [](const MassBalance& b) {
        std::ostringstream s;
        s.precision(12);
        s << "MassBalance(initial_volume=" << b.initial_volume << ", volume=" << b.volume
          << ", rain_in=" << b.rain_in << ", boundary_in=" << b.boundary_in
          << ", boundary_out=" << b.boundary_out << ", point_in=" << b.point_in
          << ", losses=" << b.losses << ", correction=" << b.correction << ", edits=" << b.edits
          << ", relative_error=" << b.relative_error() << ")";
        return s.str();
      });

  m.def(
      "parse_scheme",
      [](const std::string& text) { return solver::to_string(solver::parse_scheme(text)); },
      py::arg("text"),
      "Canonical name of a scheme (\"first-order\" or \"second-order\"; \"1\" and \"2\" are "
      "accepted); raises ScenarioError otherwise.");
  m.def(
      "parse_side",
      [](const std::string& text) { return solver::to_string(solver::parse_side(text)); },
      py::arg("text"), "Canonical name of a side (north, south, east, west).");
  m.def(
      "parse_boundary_type",
      [](const std::string& text) { return solver::to_string(solver::parse_boundary_type(text)); },
      py::arg("text"), "Canonical name of a boundary type (wall, open, discharge, water_level).");
}

}  // namespace floodtwin::bindings
