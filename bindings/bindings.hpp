#pragma once
/// @file bindings.hpp
/// The parts of the Python module floodtwin._core, one per source file, gathered by the
/// PYBIND11_MODULE in module.cpp. Each init_<area>() adds its names to the module.
#include <pybind11/pybind11.h>

#include <string>

#include "solver/simulation.hpp"

namespace floodtwin::bindings {

namespace py = pybind11;

/// Exception classes (ScenarioError, NumericalError) and the C++ -> Python translator.
void init_errors(py::module_& m);
/// Plain value types: MassBalance, scheme/side/boundary-type parsing.
void init_types(py::module_& m);
/// The Simulation class: construction from numpy arrays, forcing, stepping, zero-copy views.
void init_simulation(py::module_& m);
/// The other commands: validate, info, export, write_vtk and render.
void init_products(py::module_& m);
/// Impacts, warnings and plan actions per zone (impacts/).
void init_impacts(py::module_& m);

/// The basin twin's forecast cycle (twin/).
void init_twin(py::module_& m);
/// Ensembles (ensemble/).
void init_ensemble(py::module_& m);
/// Cross-sections, boundary flows, bed changes and infiltration (sections.cpp): methods added
/// to the Simulation class of init_simulation (call after it).
void init_sections(py::module_& m);
/// Terrain tools on numpy arrays: DEM conditioning, sub-grid channels (terrain_tools.cpp).
void init_terrain_tools(py::module_& m);
/// The core simulation behind a floodtwin._core.Simulation, for the files that add methods to
/// it (checked idle: not stepped by another thread); core_changed() after they edit the state.
solver::Simulation& core_simulation(py::handle self);
void core_changed(py::handle self);
/// The text of a str or os.PathLike path argument (TypeError naming `what` otherwise).
std::string path_text(const py::object& path, const char* what);

}  // namespace floodtwin::bindings
