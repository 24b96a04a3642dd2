#pragma once
/// @file checkpoint.hpp
/// Checkpoints: the complete state of a run in one HDF5 file, so that a run resumed from it
/// gives results bitwise identical to an uninterrupted run.
///
/// Stored bitwise, in the engine's Real type: the padded fields h, qx, qy (layout in
/// solver/grid.hpp, shape [ny + 2, nx + 2]), the cell mask (to refuse a checkpoint of another
/// basin), time, step count, every mass-balance term and, when given, the flood maps. Root
/// attributes `format` = "floodtwin-checkpoint" and `format_version` identify the file.
/// Forcing, boundaries and loss models are not stored: they come from the scenario, which the
/// resumed run reloads (losses with internal state, e.g. cumulative infiltration, are not
/// restored).
///
/// A checkpoint is written as `<path>.partial` (created exclusively: a stale regular file is
/// removed first, a symbolic link there is refused, never written through) and renamed when
/// complete. The caller holds the lock of the run's results (io::FileLock).
///
/// Reading checks what was restored before it is used: time finite and >= 0; on active cells
/// h finite and >= 0, qx, qy finite; flood maps finite, max_depth >= h, speeds and hazard
/// >= 0, times NaN or in [0, t], durations in [0, t], max_water_level NaN or between the bed
/// and bed + max_depth; loss-model state and mass-balance terms finite. A corrupt field is
/// refused (InputError naming the field and the first bad cell). What the checkpoint belongs
/// to (scenario inputs, scheme, duration, run id) is in `metadata`, checked by the driver.
#include <filesystem>
#include <map>
#include <string>

#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::io {

/// The checkpoint beside a results file for simulated time `time` [s]:
/// `<dir>/<stem>.checkpoint_t0000001800.000s.h5`. The time is zero-padded so that names
/// sort in time order.
std::filesystem::path checkpoint_path(const std::filesystem::path& results_path, double time);

/// Writes the state of `sim` (and `maps` when not null) to `path`; `metadata` is stored as text
/// attributes (scenario hash, command line...). Throws IoError naming the file.
void write_checkpoint(const std::filesystem::path& path, const solver::Simulation& sim,
                      const solver::FloodMaps* maps = nullptr,
                      const std::map<std::string, std::string>& metadata = {});

struct CheckpointInfo {
  double time = 0;      ///< simulated time [s]
  long long steps = 0;  ///< steps taken
  bool has_flood_maps = false;
  std::string scheme;  ///< the solver scheme of the run ("" in files that do not say)
  std::map<std::string, std::string> metadata;
};

/// Reads the checkpoint at `path` into `sim` (built from the same scenario) and into `maps`
/// when not null. Throws IoError when the file is missing, not HDF5, truncated or not a
/// floodtwin checkpoint, and InputError when it belongs to another grid, basin, precision
/// or flood threshold, or holds corrupt fields (see above); messages name the file, what was
/// expected and what was found. Nothing of `sim` or `maps` changes when it throws.
CheckpointInfo read_checkpoint(const std::filesystem::path& path, solver::Simulation& sim,
                               solver::FloodMaps* maps = nullptr);

/// Reads only the header of a checkpoint (time, steps, metadata).
CheckpointInfo read_checkpoint_info(const std::filesystem::path& path);

}  // namespace floodtwin::io
