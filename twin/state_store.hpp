#pragma once
/// @file state_store.hpp
/// Warm states of a twin: one checkpoint file per analysis time in the twin's `states/`
/// folder, named `<scenario stem>_<YYYYmmddTHHMMSSZ>_<inputs hash>.state.h5`. The hash covers
/// everything a state depends on that is not forcing (the scenario text and the content of its
/// terrain, roughness, structure, infiltration and initial-state files), so that a state of
/// another terrain or scheme is never used. Each file also records the hash, its time and how
/// far the observations reached when it was made (a state made while observations were
/// missing is provisional: it is skipped once the missing data have arrived).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace floodtwin::twin {

/// driver::inputs_hash of the scenario without its rain inputs (16 hex digits): the scenario
/// text and the content of every other input file.
std::string inputs_hash(const scenarios::Scenario& scenario);

/// Seconds since 1970 as `YYYYmmddTHHMMZ` (the cycle name), `YYYYmmddTHHMMSSZ` (`seconds`) or
/// ISO-8601 `YYYY-mm-ddTHH:MM:SSZ`.
std::string stamp(double epoch, bool seconds = false);
std::string iso(double epoch);
/// A duration in hours for messages: "4.169 h".
std::string hours(double seconds);

struct StoredState {
  std::filesystem::path path;
  double time = 0;  ///< [s since 1970]
  std::string hash;
};

/// The states of `dir` for `scenario_stem`, newest first (names that do not parse are skipped).
std::vector<StoredState> list_states(const std::filesystem::path& dir,
                                     const std::string& scenario_stem);

/// The file name of a state.
std::string state_name(const std::string& scenario_stem, double epoch, const std::string& hash);

}  // namespace floodtwin::twin
