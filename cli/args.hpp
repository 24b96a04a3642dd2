#pragma once
/// @file args.hpp
/// Strict parsing of command-line values, shared by the sub-commands: a value is a whole
/// decimal number or it is refused with the option, the value and what was expected
/// ("--threads 2x" is not 2, "0x10" is not 16).
#include <string>

#include "scenarios/input_checks.hpp"
#include "solver/error.hpp"

namespace floodtwin::cli {

/// Most threads `--threads` accepts: more would only oversubscribe, and libgomp fails on
/// absurd counts (100000 threads crash it).
inline constexpr int max_threads = 1024;

/// A whole decimal integer in [lo, hi]; throws ConfigError naming `option` otherwise.
inline long long integer_arg(const std::string& option, const std::string& value, long long lo,
                             long long hi) {
  const auto v = scenarios::parse_integer(value, lo, hi);
  if (!v) {
    throw ConfigError(option + ": expected a whole number in " + std::to_string(lo) + ".." +
                      std::to_string(hi) + ", got '" + value + "'");
  }
  return *v;
}

/// A whole finite decimal number > `above`; throws ConfigError naming `option` otherwise.
inline double number_arg(const std::string& option, const std::string& value, double above,
                         const std::string& expected) {
  const auto v = scenarios::parse_decimal(value);
  if (!v || !(*v > above)) {
    throw ConfigError(option + ": expected " + expected + ", got '" + value + "'");
  }
  return *v;
}

}  // namespace floodtwin::cli
