#pragma once
/// @file cycle.hpp
/// One forecast cycle of a basin twin (`floodtwin forecast TWIN --at T0`):
///
///   1. lock the twin (a second cycle waits or is refused, never interleaves);
///   2. read the observations as they are now (late data included) and choose T0;
///   3. take the newest usable warm state at or before T0 (same inputs hash, not older than
///      state_expiry, not provisional with its missing data since arrived), else cold-start
///      `spin_up` before the first observation;
///   4. the analysis: run the state to T0 with observed rain and inflows;
///   5. the forecast: run T0 -> T0 + lead with forecast rain (and inflows: forecast series, or
///      the last observed value held);
///   6. write everything into a fresh folder beside `cycles/`, then publish: the T0 state into
///      `states/`, the folder renamed to `cycles/<T0 as YYYYmmddTHHMMZ>/` (an earlier run of the
///      same cycle is swapped out atomically).
///
/// A cycle that fails or is killed at any moment leaves the earlier cycles, states and
/// observations untouched: nothing is published before step 6, and each publish is a rename.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "driver/forecast.hpp"
#include "driver/processes.hpp"
#include "solver/error.hpp"
#include "terrain/rainfall.hpp"
#include "twin/twin_file.hpp"

namespace floodtwin::twin {

struct CycleSummary;

struct CycleOptions {
  std::string at;              ///< T0, ISO-8601; empty: the newest observation
  std::optional<double> lead;  ///< [s]; unset: the twin's [forecast] lead
  int threads = 0;             ///< recorded in the results
  double lock_wait = 0;        ///< [s] to wait for another cycle of the same twin
  std::vector<std::string> command_line;
  const std::atomic<bool>* stop = nullptr;
  /// Log lines as they happen ("WARN ...", "ERROR ..." or plain progress).
  std::function<void(const std::string&)> log;
  std::function<void(const driver::Progress&)> on_progress;
  /// Called after the deterministic forecast's products, before anything is published, with
  /// the T0 state saved in the work folder (see prepare_cycle_forecast_from_state) and the
  /// work folder: what it writes there is published with the cycle (e.g. an ensemble of the
  /// forecast leg). An exception fails the cycle (nothing published).
  std::function<void(const std::string& state_file, const std::string& folder,
                     CycleSummary& summary)>
      extra_products;
  /// The processes (MPI ranks, docs/mpi.md) the cycle runs on, every one calling run_cycle:
  /// the analysis and forecast legs are decomposed over them (as `floodtwin run`), rank 0 alone
  /// locks the twin and writes the cycle's files and state. extra_products is called on every
  /// process (collective work such as an ensemble's members); rank 0's folder is the cycle's.
  driver::Processes processes;
};

/// One thing the cycle had to work around (a gauge that stopped reporting, a missing radar
/// frame, forecast rain that ends early, ...).
struct DataIssue {
  std::string what;     ///< short key, e.g. "gauge_stale", "radar_missing", "forecast_rain_short"
  std::string message;  ///< for people: names the file, station or time
};

struct CycleSummary {
  std::string cycle;             ///< T0 as YYYYmmddTHHMMZ
  std::string t0;                ///< ISO-8601
  std::string directory;         ///< cycles/<cycle>
  std::string forecast_results;  ///< cycles/<cycle>/forecast.h5
  std::string state_used;        ///< path of the warm state, "" for a cold start
  std::string state_time;        ///< ISO-8601 time the run started from
  bool cold_start = false;
  std::string state_saved;          ///< states/<...>.state.h5
  std::string observations_until;   ///< ISO-8601 time of the newest observation used
  std::string forecast_rain;        ///< file of forecast rain, or "" (none: no rain after T0)
  std::string forecast_rain_until;  ///< ISO-8601 end of the forecast rain ("" : none)
  double lead = 0;                  ///< [s]
  std::vector<DataIssue> issues;
  std::vector<std::string> notes;
  std::vector<driver::Warning> analysis_warnings;  ///< crossed during the analysis (observed)
  std::vector<driver::Warning> warnings;  ///< forecast crossings (time: s since the clock origin)
  double t0_seconds = 0;  ///< T0 in seconds since the scenario's start (the clock origin)
  double origin = 0;      ///< the clock origin [s since 1970]
  double wall = 0, analysis_wall = 0, forecast_wall = 0;  ///< [s]
  long long analysis_steps = 0, forecast_steps = 0;
  double max_depth = 0, flooded_area = 0;
  std::string impacts;           ///< cycles/<cycle>/forecast_impacts, "" without [impacts]
  std::string impacts_headline;  ///< zones at each level, first crossing, people affected
};

/// The forecast leg of a cycle, ready to run: the basin at T0 (the state the cycle saved),
/// the forecast rain after T0 and the inflows' forecasts (or persistence) as the files are
/// now, fresh peak maps; the duration is T0 + lead. For rehearsals and ensembles of a cycle's
/// forecast: run `forecast` with driver::run(forecast, {.until = t0 + lead, ...}).
struct CycleForecast {
  driver::Forecast forecast;
  /// Observed rain before T0 and forecast rain after it (what the warning levels' rain
  /// indicators see); null without any rain.
  std::shared_ptr<terrain::RainfallField> impacts_rain;
  /// cycle, t0, t0_seconds, origin, lead, state_used, forecast_rain(_until), issues, notes.
  CycleSummary summary;
};

/// The forecast leg from a state a cycle saved (`states/<stem>_<time>_<hash>.state.h5`, or the
/// one in a cycle's work folder, see CycleOptions::extra_products). Throws InputError for a
/// file that is not a cycle's state or was saved with other inputs than the twin has now.
CycleForecast prepare_cycle_forecast_from_state(const TwinSpec& twin, const std::string& state,
                                                std::optional<double> lead = std::nullopt);

/// The forecast leg of the published cycle `cycle` (its name YYYYmmddTHHMMZ, or T0 as
/// ISO-8601) from its saved state. Throws InputError naming the states folder when the cycle
/// has no state made with the twin's inputs as they are now.
CycleForecast prepare_cycle_forecast(const TwinSpec& twin, const std::string& cycle,
                                     std::optional<double> lead = std::nullopt);

/// Another cycle of the same twin holds its lock (and did not release it within the wait).
class CycleBusy : public IoError {
 public:
  using IoError::IoError;
};

/// Runs one cycle. Throws ConfigError/InputError/IoError (nothing published) on failure; an
/// IoError names the other cycle when the twin is locked.
CycleSummary run_cycle(const TwinSpec& twin, const CycleOptions& options);

/// The summary as the JSON of cycle.json.
std::string to_json(const CycleSummary& summary);
/// The summary for people: which state, observations used up to when, data issues (WARN lines),
/// warnings with their times and lead times.
std::string format_summary(const CycleSummary& summary);

}  // namespace floodtwin::twin
