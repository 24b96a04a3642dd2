#pragma once
/// @file results_writer.hpp
/// The results file of a run: one HDF5 file laid out by the netCDF-4 and CF-1.8 conventions,
/// so that netCDF4-python, xarray, h5py, GDAL (`NETCDF:"file":max_depth`) and QGIS open it
/// without help.
///
/// Layout (dimensions in brackets; `time` and `gauge_time` are unlimited):
///
///   x[x], y[y]                    cell centres [m, CRS units]; y decreases (row 0 is north)
///   time[time]                    seconds since the scenario start (`units` holds the start)
///   crs                           grid mapping: `spatial_ref`, `crs_wkt` (when a WKT is given)
///   depth, water_level,           float32 snapshots [time, y, x], chunked and deflated,
///   velocity_x, velocity_y          NaN in inactive cells
///   elevation, manning            float32 static maps [y, x] (elevation: the bed of the last
///                                 snapshot, rewritten when Simulation::bed_changes() moves)
///   max_depth, max_speed, max_water_level, time_of_max_depth, arrival_time, flood_duration,
///   max_hazard                    float32 flood maps [y, x] (see solver/flood_maps.hpp)
///   volume, rain_in, boundary_in, boundary_out, point_in, losses, correction,
///   mass_balance_error            float64 mass balance [time] (volumes in m3, relative error)
///   gauge_time[gauge_time], station[station], station_name, station_x, station_y,
///   gauge_depth, gauge_water_level, gauge_speed   float64 [gauge_time, station]
///   section[section], section_name, section_discharge (mean over the interval since the
///     previous time), section_volume (cumulative)  float64 [time, section], when the
///     simulation has cross-sections (solver/cross_section.hpp)
///   boundary[boundary], boundary_name, boundary_side, boundary_discharge (net outflow, mean
///     over the interval), boundary_inflow, boundary_outflow (cumulative)  float64
///     [time, boundary], when it has boundary conditions
///
/// Safety: the file is written as `<path>.partial` and renamed to `path` by finalize(), so an
/// earlier result at `path` is only ever replaced by a complete one. The writer does not lock:
/// the caller holds `<path>.lock` (io::FileLock; driver::run does) for the writer's lifetime.
/// The `.partial` file is created exclusively (a stale regular file there is removed first; a
/// symbolic link there is refused, never written through), and finalize() renames only the
/// file this writer created, and only over the `path` it found at creation: if either was
/// replaced meanwhile (a writer that did not take the lock), it throws IoError and leaves its
/// own results in `.partial`. Every snapshot and gauge
/// sample is flushed (H5Fflush) once written: a process killed at any time outside a write
/// leaves a readable `.partial` file holding everything up to its last snapshot. The global
/// attribute `status` is "running" until finalize() sets it to "complete".
///
/// Resume (ResultsOptions::carry_over_until): the new file starts with the outputs of the
/// interrupted run up to the resume time, copied one snapshot at a time from the earlier file
/// (see ResultsOptions), so that the finished file holds the whole event. Every file records
/// the global attribute `run_id`; outputs are carried over only from a file of the same run id
/// (a resumed run keeps the id of the run it continues), never from another run's results
/// that merely have the same grid.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::io {

/// A gauge: the cell containing (x, y) is sampled.
struct GaugePoint {
  std::string name;
  double x = 0;  ///< [m, CRS units]
  double y = 0;  ///< [m, CRS units]
};

struct ResultsOptions {
  /// ISO 8601 date and time of simulated time 0, e.g. "2024-01-15T06:00:00".
  std::string start_time = "1970-01-01T00:00:00";
  /// WKT of the grid's CRS; empty writes no `crs` variable (a local grid).
  std::string crs_wkt;
  std::string title = "floodtwin results";
  std::string scenario_text;  ///< the scenario file as given (global attribute `scenario`)
  std::string scheme;         ///< empty: taken from the simulation's configuration
  int threads = 0;            ///< OpenMP threads of the run (0: not recorded)
  /// Further global attributes (command line, scenario hash...).
  std::map<std::string, std::string> attributes;
  /// The run this file belongs to (global attribute `run_id`); empty: a fresh one
  /// (new_run_id()). A resumed run passes the id of the run it continues.
  std::string run_id;
  std::vector<GaugePoint> gauges;
  int chunk_x = 0;  ///< chunk width of the maps [cells]; 0: min(nx, 256)
  int chunk_y = 0;  ///< chunk height of the maps [cells]; 0: min(ny, 256)
  /// 0 (no compression) to 9. Level 1 is nearly as small as 9 on depth maps (2.9 vs 2.7 MB
  /// for 7 snapshots of 400 x 200 cells; 15 MB uncompressed) and about 3x faster.
  int deflate_level = 1;
  bool shuffle = true;  ///< byte-shuffle filter before deflate
  /// Resuming at this time [s]: carry the snapshots (maps and mass balance on `time`) with
  /// time <= carry_over_until and the gauge samples with gauge_time <= carry_over_until
  /// (both to 1e-9 relative) over from an earlier file of the same grid and the same run_id
  /// (a file without one, or of another run, is never carried from), bitwise. The earlier
  /// file is, unless carry_over_from names one: `<path>.partial.prev` (left by a carry-over
  /// that did not finish), else `<path>.partial` (the interrupted run's; it is moved aside
  /// to `<path>.partial.prev` while it is copied and removed afterwards), else a complete
  /// `<path>`, which is only read (finalize() replaces it, as always). Gauge samples are
  /// carried when the stations have the same names. When no such file matches, nothing is
  /// carried; the global attribute `carried_over` says what was carried or why not.
  std::optional<double> carry_over_until;
  /// The earlier file to carry over from; empty: the search above. Only `<path>.partial`
  /// and `<path>.partial.prev` are ever moved or removed.
  std::filesystem::path carry_over_from;
};

class ResultsWriter {
 public:
  /// Creates `<path>.partial` exclusively (removing a stale regular file; refusing a symbolic
  /// link) and writes coordinates, the grid mapping, the static maps and the global
  /// attributes. Throws IoError naming the file.
  ResultsWriter(std::filesystem::path path, const solver::Simulation& sim,
                ResultsOptions options = {});
  /// Closes the file without renaming it when finalize() was not called.
  ~ResultsWriter();
  ResultsWriter(ResultsWriter&&) noexcept;
  ResultsWriter& operator=(ResultsWriter&&) noexcept;

  /// Appends the state at sim.time() (snapshots and mass balance) and, when given, rewrites
  /// the flood maps; then flushes the file.
  void write_snapshot(const solver::Simulation& sim, const solver::FloodMaps* maps = nullptr);
  /// Rewrites the flood maps (e.g. those read from a checkpoint on resume) and flushes.
  void write_flood_maps(const solver::Simulation& sim, const solver::FloodMaps& maps);
  /// Appends one gauge sample at sim.time() and flushes. No-op without gauges.
  void write_gauges(const solver::Simulation& sim);
  /// Writes the flood maps (when given), the wall time [s] and status = "complete", closes the
  /// file and renames it to the final path. The writer is unusable afterwards.
  void finalize(const solver::FloodMaps* maps, double wall_time_s);

  [[nodiscard]] const std::filesystem::path& path() const;
  [[nodiscard]] std::filesystem::path partial_path() const;
  [[nodiscard]] std::size_t snapshots() const;
  [[nodiscard]] std::size_t gauge_samples() const;
  /// What was carried over from an earlier file, or why nothing was ("" without
  /// carry_over_until); the global attribute `carried_over` holds the same text.
  [[nodiscard]] const std::string& carry_over_note() const;
  /// The run id recorded in the file.
  [[nodiscard]] const std::string& run_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `<path>.partial`: where a results or checkpoint file is written before its rename.
std::filesystem::path partial_path(const std::filesystem::path& path);

/// A fresh run id: 32 hex digits from std::random_device, the clock and the pid.
std::string new_run_id();

}  // namespace floodtwin::io
