#pragma once
/// @file checkpoint_metadata.hpp
/// What driver::run keeps in a checkpoint's metadata besides the state, so that a resumed run
/// goes on as the interrupted one would have: the cross-section and boundary flow totals, and
/// the gauge warnings fired so far (as text whose numbers round-trip exactly).
#include <string>
#include <vector>

#include "driver/forecast.hpp"
#include "solver/cross_section.hpp"

namespace floodtwin::driver {

/// Checkpoint metadata key of the cross-section and boundary flow totals.
inline constexpr const char* flows_key = "flow_accounts";
/// Checkpoint metadata key of the gauge warnings fired so far.
inline constexpr const char* warnings_key = "gauge_warnings";

/// FlowAccounts::totals() as text (numbers that round-trip exactly).
std::string format_flows(const solver::FlowAccounts& flows);
/// Restores format_flows' text into `flows`; InputError naming `file` (the checkpoint) when the
/// text is malformed or does not fit the scenario's sections and boundaries.
void restore_flows(solver::FlowAccounts& flows, const std::string& text, const std::string& file);

/// One line per warning: gauge, what, threshold, value, time (numbers round-trip exactly).
std::string format_warnings(const std::vector<Warning>& warnings);
/// format_warnings' text back; InputError naming `file` and the line when malformed.
std::vector<Warning> parse_warnings(const std::string& text, const std::string& file);

}  // namespace floodtwin::driver
