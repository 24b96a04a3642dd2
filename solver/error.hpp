#pragma once
/// @file error.hpp
/// Typed exceptions. Every message names the field, file or line, what was expected and
/// what was found. Only `main` and the bindings catch them.
#include <stdexcept>
#include <string>

namespace floodtwin {

/// Base class of every floodtwin error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A scenario or solver configuration is invalid (unknown key, value out of range...).
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// Input data is invalid (negative depth, NaN in a field, non-increasing time series...).
class InputError : public Error {
 public:
  using Error::Error;
};

/// A file could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

/// The numerical solution broke down (NaN, negative depth beyond round-off).
class NumericalError : public Error {
 public:
  using Error::Error;
};

}  // namespace floodtwin
