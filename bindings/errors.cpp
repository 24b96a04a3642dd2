/// @file errors.cpp
/// C++ exceptions -> Python exceptions, with the same messages (STYLE.md §8):
///
///   floodtwin::InputError      -> ValueError
///   floodtwin::ConfigError     -> floodtwin.ScenarioError (a ValueError)
///   floodtwin::IoError         -> FileNotFoundError when the file does not exist, else OSError
///   floodtwin::NumericalError  -> floodtwin.NumericalError (a RuntimeError)
///   floodtwin::Error (other)   -> RuntimeError
#include <exception>
#include <string>
#include <string_view>

#include "bindings/bindings.hpp"
#include "solver/error.hpp"

namespace floodtwin::bindings {

namespace {

/// New exception classes, owned by the module (kept alive by the module attribute).
PyObject* scenario_error = nullptr;
PyObject* numerical_error = nullptr;

PyObject* new_exception(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("floodtwin.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.attr(name) = py::handle(type);  // the module holds a reference from now on
  Py_DECREF(type);
  return type;
}

bool says_missing(std::string_view message) {
  return message.find("does not exist") != std::string_view::npos ||
         message.find("No such file") != std::string_view::npos ||
         message.find("no such file") != std::string_view::npos ||
         message.find("not found") != std::string_view::npos;
}

}  // namespace

void init_errors(py::module_& m) {
  scenario_error = new_exception(
      m, "ScenarioError", PyExc_ValueError,
      "A scenario or solver configuration is invalid (unknown key, value out of range...). "
      "Raised for floodtwin::ConfigError; a subclass of ValueError.");
  numerical_error = new_exception(
      m, "NumericalError", PyExc_RuntimeError,
      "The numerical solution broke down (NaN or negative depth); the message names the cell "
      "and the time. Raised for floodtwin::NumericalError; a subclass of RuntimeError.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      PyErr_SetString(scenario_error, e.what());
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(says_missing(e.what()) ? PyExc_FileNotFoundError : PyExc_OSError, e.what());
    } catch (const NumericalError& e) {
      PyErr_SetString(numerical_error, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  m.def(
      "_raise_error",
      [](std::string_view kind, const std::string& message) {
        if (kind == "config") throw ConfigError(message);
        if (kind == "input") throw InputError(message);
        if (kind == "io") throw IoError(message);
        if (kind == "numerical") throw NumericalError(message);
        throw Error(message);
      },
      py::arg("kind"), py::arg("message"),
      "Throws the C++ floodtwin error of `kind` (config, input, io, numerical, other) with "
      "`message`; used by the tests of the exception translation.");
}

}  // namespace floodtwin::bindings
