/// @file fuzz_scenario.cpp
/// Fuzz target for scenario files: the TOML text guard (scenarios::check_toml_text), toml++
/// on the text the guard lets through, and the scenario loader (scenarios::load_scenario) on
/// the same bytes written to a scenario file. Any floodtwin::Error or toml::parse_error is a
/// correct answer to a bad input; anything else (another exception, a crash, a sanitizer
/// report, a hang) is a bug.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "scenarios/input_checks.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    floodtwin::scenarios::check_toml_text(text, "fuzz.toml");
  } catch (const floodtwin::Error&) {
    return 0;  // refused before toml++ sees it
  }
  try {
    (void)toml::parse(text, std::string_view("fuzz.toml"));
  } catch (const toml::parse_error&) {
    return 0;  // load_scenario would refuse it the same way
  }
  static const floodtwin::fuzz::ScratchFile file("scenario.toml");
  file.write(text);
  try {
    (void)floodtwin::scenarios::load_scenario(file.path());
  } catch (const floodtwin::Error&) {
  }
  return 0;
}
