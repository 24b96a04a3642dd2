#pragma once
/// @file forecast.hpp
/// The forecast driver: the one place that wires a scenario to the terrain and forcing
/// adapters, the solver and the results writer. `floodtwin run` and `validate`, and the
/// Python binding's from_scenario, go through it.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::terrain {
class RainfallField;
}
namespace floodtwin::solver {
class ScsCurveNumber;
}

namespace floodtwin::driver {

using solver::Real;

/// A gauge placed on the grid.
struct Gauge {
  scenarios::GaugeSpec spec;
  int i = 0, j = 0;  ///< cell
};

/// A threshold crossed at a gauge.
struct Warning {
  std::string gauge;
  std::string what;  ///< "depth" or "water level"
  double threshold = 0;
  double value = 0;
  double time = 0;  ///< first time the threshold was exceeded [s]
  /// Fired before the run was interrupted (read from the checkpoint on resume; not announced
  /// again through on_warning).
  bool before_resume = false;
};

/// A scenario loaded onto the grid, ready to run.
struct Forecast {
  scenarios::Scenario scenario;
  std::string crs_wkt;
  std::unique_ptr<solver::Simulation> sim;
  std::unique_ptr<solver::FloodMaps> maps;
  std::shared_ptr<terrain::RainfallField> rain;  ///< null without gridded/gauge rain
  std::shared_ptr<solver::ScsCurveNumber> curve_number;  ///< follows the rain when set
  std::vector<Gauge> gauges;
  std::vector<std::string> notes;  ///< what was loaded, for `validate` and the log
  Forecast();
  ~Forecast();
  Forecast(Forecast&&) noexcept;
  Forecast& operator=(Forecast&&) noexcept;
};

/// Loads everything a scenario names (terrain, roughness, structures, initial state, rain,
/// infiltration, boundaries, sources, gauges) and checks it against the grid: a gauge or
/// source outside the grid, a boundary segment off the edge, inputs in another CRS, series
/// whose times do not increase are errors naming the key or file.
///
/// `processes` (a run under mpirun, docs/mpi.md): its row blocks are chosen here, from the
/// conditioned DEM, before any field is filled, and each process fills only its block and the
/// rows around it (solver::keep_block): its memory follows its share of the grid. The caller
/// then passes the same decomposition to Simulation::set_decomposition.
Forecast prepare(const scenarios::Scenario& scenario,
                 const std::shared_ptr<solver::Decomposition>& processes = nullptr);

/// Progress of a run, reported after each output or every few seconds of wall time.
struct Progress {
  double time = 0;      ///< simulated [s]
  double duration = 0;  ///< simulated end [s]
  double wall = 0;      ///< wall time so far [s]
  double dt = 0;        ///< last time step [s]
  long long steps = 0;
  std::size_t wet_cells = 0;  ///< cells deeper than [output] flood_threshold (flooded cells)
  double balance_error = 0;   ///< relative mass-balance error
};

struct RunOptions {
  std::string output;             ///< results path; empty: the scenario's
  double checkpoint_every = 0;    ///< [s] of simulated time; 0: none
  std::string resume;             ///< checkpoint to continue from
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop with a checkpoint
  std::function<void(const Progress&)> on_progress;
  /// [s] of wall time between progress reports while stepping (besides one per output); 0:
  /// every 20 steps. Decomposed runs report the same numbers as one process (every rank's rows).
  double progress_every = 2;
  std::function<void(const Warning&)> on_warning;
  int threads = 0;  ///< recorded in the results
  /// End of the run [s of simulated time]; unset: the scenario's duration. A forecast cycle
  /// runs an analysis to its cycle time and then a forecast to the end of its lead time.
  std::optional<double> until;
  /// Title recorded in the results (empty: "floodtwin forecast: <scenario file>").
  std::string title;
  std::vector<std::string> command_line;
};

struct RunSummary {
  std::string results;                  ///< path of the results file
  std::vector<std::string> checkpoints;  ///< checkpoint files written
  std::vector<Warning> warnings;
  bool interrupted = false;  ///< stopped by `stop`; the last checkpoint allows a resume
  double wall = 0;
  long long steps = 0;
  solver::MassBalance balance;
  double max_depth = 0;
  double flooded_area = 0;  ///< area with max depth above the flood threshold [m2]
  /// What a resume took over from the interrupted run (results, VTK series).
  std::vector<std::string> notes;
};

/// Runs a prepared forecast to the scenario's end, writing results (and checkpoints).
RunSummary run(Forecast& forecast, const RunOptions& options);

}  // namespace floodtwin::driver
