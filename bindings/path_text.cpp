/// @file path_text.cpp
/// path_text (bindings.hpp): a str or os.PathLike argument as text. Compiled into both
/// modules, floodtwin._core and floodtwin._viz.
#include <string>

#include "bindings/bindings.hpp"

namespace floodtwin::bindings {

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

}  // namespace floodtwin::bindings
