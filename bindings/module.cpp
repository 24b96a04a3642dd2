/// @file module.cpp
/// floodtwin._core: the compiled part of the Python package `floodtwin`. Use it through
/// `import floodtwin`, which adds pure-Python conveniences (python/floodtwin).
#include "bindings/bindings.hpp"
#include "floodtwin/version.hpp"

PYBIND11_MODULE(_core, m) {
  namespace fb = floodtwin::bindings;
  m.doc() = "Compiled core of floodtwin (2D shallow-water flood solver); use `import floodtwin`.";
  m.attr("__version__") = floodtwin::version;
  m.attr("git_commit") = floodtwin::git_commit;
  fb::init_errors(m);
  fb::init_types(m);
  fb::init_simulation(m);
  fb::init_sections(m);
  fb::init_products(m);
  fb::init_impacts(m);
  fb::init_twin(m);
  fb::init_terrain_tools(m);
  fb::init_ensemble(m);
}
