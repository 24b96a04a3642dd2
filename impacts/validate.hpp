#pragma once
/// @file validate.hpp
/// `validate` of a scenario with [impacts]: the scenario's check (driver::validate_scenario)
/// followed by the impacts inputs loaded onto the run's grid, as `run` checks them before it
/// runs. One report for `floodtwin validate` and floodtwin.validate.
#include <string>

namespace floodtwin::impacts {

/// The report lines of the [impacts] inputs ("  impacts <note>\n" each), or "" when the
/// scenario has none. Throws as check_impacts_inputs does (file, line, value).
std::string validate_impacts(const std::string& scenario_path);

}  // namespace floodtwin::impacts
