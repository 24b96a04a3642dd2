#pragma once
/// @file cycle_report.hpp
/// What a forecast cycle writes besides its results: small text files written aside and
/// renamed, JSON text, and the gauge forecast as a CF station file (gauges.nc). The summary
/// (to_json, format_summary) is declared in cycle.hpp.
#include <filesystem>
#include <string>

namespace floodtwin::twin {

/// Writes `text` to `path` through `<path>.partial` and a rename.
void write_text(const std::filesystem::path& path, const std::string& text);
/// A JSON string literal (quotes and escapes).
std::string json_string(const std::string& s);
/// A JSON number (%.10g), or null when not finite.
std::string json_number(double v);
/// The gauges of a results file as a CF discrete-sampling-geometry file (featureType =
/// timeSeries), with lon/lat when the results' CRS converts; nothing without gauges.
void write_gauge_forecast(const std::filesystem::path& results, const std::filesystem::path& out,
                          const std::string& start, const std::string& cycle);

}  // namespace floodtwin::twin
