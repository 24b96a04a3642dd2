#pragma once
/// @file inputs.hpp
/// What a scenario reads and what a run writes: the list of input files (so that no output
/// ever lands on one), the hash a checkpoint records to tell whether it belongs to a
/// scenario, and the checks of output paths that `run` and `validate` share.
#include <map>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace floodtwin::driver {

/// Every file the scenario reads, as given in the scenario (resolved against its folder): the
/// scenario file itself, the DEM, basin, roughness and land-cover rasters, initial depth or
/// water-level rasters, the hot-start file, buildings, levees, rain stations, series, uniform
/// hyetograph and grids, infiltration rasters, the series of boundaries and point sources,
/// and the [impacts] files (zones, levels, population, buildings, damage curves, roads, plan).
/// No duplicates; constants (numbers) are not files.
std::vector<std::string> input_paths(const scenarios::Scenario& scenario);

/// A hash of what a run depends on, as 16 hex digits: a 64-bit FNV-1a-style hash (over 8-byte
/// words) of "floodtwin-inputs-1", the scenario text, then for each further input of
/// input_paths() but the [impacts] files (which do not change the simulated state), in order,
/// its size and content (files up to 256 MiB; above that, size and modification time),
/// "folder" for a folder and "missing" for a path that is not there.
/// Paths are not hashed: a scenario folder copied elsewhere keeps its hash. Reading costs
/// about a second per GiB of input.
std::string inputs_hash(const scenarios::Scenario& scenario);

/// Refuses (ConfigError naming the output, the input and `what`) an output that resolves to
/// one of the scenario's inputs (io::refuse_output_over_inputs): the results file, its
/// `.partial`, and the VTK folder when `vtk_dir` is not empty.
void refuse_outputs_over_inputs(const scenarios::Scenario& scenario, const std::string& results,
                                const std::string& vtk_dir, const std::string& what);

/// Notes for the run summary and `validate`: one per output that lies outside the scenario's
/// folder (allowed, but said), e.g. "results outside the scenario's folder: /tmp/x.h5".
std::vector<std::string> output_notes(const scenarios::Scenario& scenario,
                                      const std::string& results, const std::string& vtk_dir);

/// Throws ConfigError naming the key and folder when the folder of `output` neither exists
/// nor can be created (a file in the way), or is not writable.
void check_output_folder(const std::string& output, const std::string& key);

/// Checkpoint metadata keys of what a checkpoint belongs to.
inline constexpr const char* run_id_key = "run_id";
inline constexpr const char* inputs_hash_key = "inputs_hash";
inline constexpr const char* duration_key = "scenario_duration";

/// The metadata a checkpoint of this run records: run id, inputs hash, scenario duration.
std::map<std::string, std::string> checkpoint_dependencies(const scenarios::Scenario& scenario,
                                                           const std::string& run_id,
                                                           const std::string& inputs_hash);

/// Refuses (InputError naming the checkpoint `file`, the item, what it holds and what was
/// expected) a checkpoint that does not belong to this run: written for other scenario inputs
/// (`inputs_hash`), another scheme or scenario duration, without these records (an older
/// floodtwin), or with a time outside [0, end) (`end`: the end of the run being resumed).
/// Returns the run id to continue.
std::string check_checkpoint(const std::string& file, double time, const std::string& scheme,
                             const std::map<std::string, std::string>& metadata,
                             const scenarios::Scenario& scenario, const std::string& inputs_hash,
                             double end);

}  // namespace floodtwin::driver
