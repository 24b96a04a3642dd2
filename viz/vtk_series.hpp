#pragma once
/// @file vtk_series.hpp
/// A flood event as VTK XML files that ParaView opens and plays:
///
///   DIR/terrain.vts        the terrain surface: z = elevation x z_scale, field `elevation`
///   DIR/gauges.vtp         one vertex per gauge at the terrain surface, string array `name`
///   DIR/flood_NNNN.vts     one per output time: z = water level x z_scale where wet, else the
///                          terrain; fields depth, water_level, velocity (u, v, 0), speed,
///                          hazard, elevation and wet (1 where depth > wet_depth, else 0), so
///                          that Threshold (wet >= 1) hides the dry cells
///   DIR/flood.pvd          collection of the flood_NNNN.vts with their times [s]
///   DIR/max.vts            the peak flood maps (write_peaks) with `wet` from max_depth
///
/// Every file is a structured grid of the cell centres (point data), in the DEM's CRS units
/// with double-precision coordinates, binary (appended, raw) and zlib-compressed. Inactive
/// (no-data) cells are blanked (vtkGhostType HIDDENPOINT) and hold NaN.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viz/map_data.hpp"

namespace floodtwin::viz {

struct VtkOptions {
  double z_scale = 1;       ///< vertical exaggeration of the surfaces (> 0)
  double wet_depth = 1e-3;  ///< depth above which a cell is marked wet [m] (>= 0)
  /// Resuming at this time [s]: the series continues the one in DIR. The DataSets of the
  /// existing DIR/flood.pvd with time <= resume_time (1e-9 relative) whose files exist are
  /// kept, flood.pvd is rewritten with them at once, and numbering goes on after the highest
  /// kept flood_NNNN.vts. Without (or with an unreadable) flood.pvd the series starts afresh.
  std::optional<double> resume_time;
};

class VtkSeries {
 public:
  /// Creates `dir` and writes terrain.vts and gauges.vtp (when there are stations).
  /// Throws ConfigError for bad options, IoError naming the file when a write fails.
  VtkSeries(std::filesystem::path dir, Basin basin, VtkOptions options = {});
  ~VtkSeries();
  VtkSeries(VtkSeries&&) noexcept;
  VtkSeries& operator=(VtkSeries&&) noexcept;

  /// Writes flood_NNNN.vts for the snapshot and rewrites flood.pvd (valid after each call).
  void write(const Snapshot& snapshot);
  /// Writes max.vts.
  void write_peaks(const PeakMaps& peaks);

  [[nodiscard]] const std::filesystem::path& dir() const;
  /// Every file written so far (by this object: not the DataSets kept on resume).
  [[nodiscard]] std::vector<std::filesystem::path> files() const;
  /// Number of DataSets listed in flood.pvd (kept on resume and written).
  [[nodiscard]] std::size_t steps() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floodtwin::viz
