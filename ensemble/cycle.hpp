#pragma once
/// @file cycle.hpp
/// Ensembles inside a forecast cycle: a twin file's [ensemble] table (the keys of a
/// scenario's, docs/ensemble.md) makes each cycle of `floodtwin forecast` also run the members
/// of its forecast leg from the T0 state (twin::prepare_cycle_forecast_from_state) and publish
/// `ensemble.h5` in the cycle folder (through twin::CycleOptions::extra_products).
#include <string>

#include "driver/processes.hpp"
#include "ensemble/spec.hpp"
#include "twin/cycle.hpp"
#include "twin/twin_file.hpp"

namespace floodtwin::ensemble {

/// The [ensemble] table of a twin file, checked (ConfigError naming the twin file, line and
/// key). rain_factor and rain_shift apply to the cycle's forecast rain; rain_members must name
/// one file per member (`{member}`, and `{cycle}` for the cycle's stamp), each replacing the
/// twin's [forecast] rain (series or grids) for its member.
EnsembleSpec load_cycle_ensemble(const twin::TwinSpec& twin);

/// How the members of a cycle run.
struct CycleEnsembleOptions {
  int threads = 0;     ///< OpenMP threads in all; 0: omp_get_max_threads()
  int concurrent = 1;  ///< members at once, threads / concurrent OpenMP threads each
  /// The processes (MPI ranks) the members are shared among, whole members on each (every
  /// process calls write_cycle_ensemble; rank 0 writes the file and the notes).
  driver::Processes processes;
};

/// Runs the members of the cycle's forecast leg from `state_file` and writes
/// `folder/ensemble.h5`; adds notes to the summary (the members, and per warning zone the
/// probability of each level and the median first crossing after T0). With the first four
/// arguments, the signature of twin::CycleOptions::extra_products.
void write_cycle_ensemble(const twin::TwinSpec& twin, const std::string& state_file,
                          const std::string& folder, twin::CycleSummary& summary,
                          const CycleEnsembleOptions& options = {});

}  // namespace floodtwin::ensemble
