#pragma once
/// @file map_data.hpp
/// What the VTK writer and the map renderer draw, in plain floodtwin types: the basin (grid,
/// terrain, gauges), snapshots of the flow and the peak flood maps. Every field holds
/// nx * ny values, row-major, row 0 the northern row (as solver/grid.hpp), NaN in inactive
/// cells. They are filled from a running Simulation (here) or from a results file
/// (results_source.hpp).
#include <string>
#include <vector>

#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::viz {

/// A gauge drawn on maps and written as a labelled point.
struct Station {
  std::string name;
  double x = 0;  ///< [m, CRS units]
  double y = 0;  ///< [m, CRS units]
};

/// What does not change during a run.
struct Basin {
  solver::Grid grid;              ///< cell sizes and north-west corner in the DEM's CRS units
  std::string crs_wkt;            ///< CRS of the grid ("" : a local grid)
  std::string title;              ///< name of the run for map titles
  std::string start_time;         ///< ISO 8601 time of t = 0 ("" : unknown)
  std::vector<double> elevation;  ///< bed [m], NaN in inactive cells
  std::vector<Station> stations;
  double threshold = 0.1;    ///< depth above which a cell counts as flooded [m]
  double debris_factor = 1;  ///< DF of the hazard rating (solver/flood_maps.hpp)
};

/// The flow at one output time.
struct Snapshot {
  double time = 0;                  ///< [s since the start]
  std::vector<double> depth;        ///< [m]
  std::vector<double> water_level;  ///< [m]
  std::vector<double> velocity_x;   ///< [m/s], positive east
  std::vector<double> velocity_y;   ///< [m/s], positive north
};

/// The flood maps of solver::FloodMaps (units there); never-reached times are NaN.
struct PeakMaps {
  std::vector<double> max_depth, max_speed, max_water_level, time_of_max_depth, arrival_time,
      flood_duration, max_hazard;
};

/// The basin of a simulation (stations and title are left to the caller).
Basin basin_of(const solver::Simulation& sim, const std::string& crs_wkt = "");
/// The state of a simulation at its current time.
Snapshot snapshot_of(const solver::Simulation& sim);
/// The flood maps, without ghost cells; inactive cells (per `sim`) NaN.
PeakMaps peak_maps_of(const solver::FloodMaps& maps, const solver::Simulation& sim);

/// Time as "HH:MM:SS" (days as "Dd HH:MM:SS") for titles and labels.
std::string format_clock(double seconds);

}  // namespace floodtwin::viz
