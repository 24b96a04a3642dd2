#pragma once
/// @file results_names.hpp
/// Variable names of the results file (layout in results_writer.hpp), shared by the writer
/// and the readers.

namespace floodtwin::io::names {

inline constexpr const char* x = "x";
inline constexpr const char* y = "y";
inline constexpr const char* time = "time";
inline constexpr const char* crs = "crs";
inline constexpr const char* depth = "depth";
inline constexpr const char* water_level = "water_level";
inline constexpr const char* velocity_x = "velocity_x";
inline constexpr const char* velocity_y = "velocity_y";
inline constexpr const char* elevation = "elevation";
inline constexpr const char* manning = "manning";
inline constexpr const char* max_depth = "max_depth";
inline constexpr const char* max_speed = "max_speed";
inline constexpr const char* max_water_level = "max_water_level";
inline constexpr const char* time_of_max_depth = "time_of_max_depth";
inline constexpr const char* arrival_time = "arrival_time";
inline constexpr const char* flood_duration = "flood_duration";
inline constexpr const char* max_hazard = "max_hazard";
inline constexpr const char* volume = "volume";
inline constexpr const char* rain_in = "rain_in";
inline constexpr const char* boundary_in = "boundary_in";
inline constexpr const char* boundary_out = "boundary_out";
inline constexpr const char* point_in = "point_in";
inline constexpr const char* losses = "losses";
inline constexpr const char* correction = "correction";
inline constexpr const char* mass_balance_error = "mass_balance_error";
inline constexpr const char* gauge_time = "gauge_time";
inline constexpr const char* station = "station";
inline constexpr const char* station_name = "station_name";
inline constexpr const char* station_x = "station_x";
inline constexpr const char* station_y = "station_y";
inline constexpr const char* gauge_depth = "gauge_depth";
inline constexpr const char* gauge_water_level = "gauge_water_level";
inline constexpr const char* gauge_speed = "gauge_speed";
// Cross-sections and boundary conditions (solver/cross_section.hpp), series on `time`.
inline constexpr const char* section = "section";
inline constexpr const char* section_name = "section_name";
inline constexpr const char* section_discharge = "section_discharge";
inline constexpr const char* section_volume = "section_volume";
inline constexpr const char* boundary = "boundary";
inline constexpr const char* boundary_name = "boundary_name";
inline constexpr const char* boundary_side = "boundary_side";
inline constexpr const char* boundary_discharge = "boundary_discharge";
inline constexpr const char* boundary_inflow = "boundary_inflow";
inline constexpr const char* boundary_outflow = "boundary_outflow";

}  // namespace floodtwin::io::names
