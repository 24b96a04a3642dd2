#pragma once
/// @file run.hpp
/// Impacts of a results file: loads the [impacts] inputs of a scenario onto the results' grid,
/// computes zone impacts and warning levels (impacts.hpp, warnings.hpp) and writes the impacts
/// folder (report.hpp). The one entry point of `floodtwin run`, `floodtwin impacts`, the
/// forecast cycle and the Python binding.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "impacts/impacts.hpp"
#include "impacts/warnings.hpp"
#include "scenarios/scenario.hpp"

namespace floodtwin::terrain {
class RainfallField;
}

namespace floodtwin::impacts {

struct ImpactsOptions {
  /// The folder to write; empty: `<results stem>_impacts/` beside the results file.
  std::filesystem::path out;
  /// ISO-8601 time the lead times count from; empty: the first snapshot of the results.
  std::string forecast_time;
  /// The rain forcing of the run (rain indicators); null: built from the scenario's
  /// [rainfall] on the results' grid when a level needs it.
  const terrain::RainfallField* rain = nullptr;
  /// Write the folder (false: compute only).
  bool write = true;
};

/// The impacts of one results file.
struct ImpactsResult {
  std::string results;                      ///< the results file
  std::string out;                          ///< the folder written ("" when not written)
  double start_epoch = 0;                   ///< results time 0 [s since 1970, UTC]
  double forecast_time = 0;                 ///< [s since the results' start]
  double flood_threshold = 0;               ///< [m]
  double people_depth = 0, road_depth = 0;  ///< [m]
  std::vector<std::string> zone_id, zone_name;
  std::vector<ZoneImpact> impacts;                    ///< per zone, then the totals
  std::vector<std::vector<std::string>> level_order;  ///< per zone, lowest first
  std::vector<ZoneLevel> levels;                      ///< per zone
  std::vector<LevelRule> rules;
  std::vector<LevelOutcome> outcomes;  ///< per rule
  std::vector<PlanRow> plan;
  std::vector<ActionDue> actions;
  std::vector<std::string> alerts;  ///< CAP files written (names in alerts/)
  std::vector<std::string> notes;   ///< what was loaded
  bool has_assets = false;          ///< an assets raster was given (zones.csv gains 2 columns)

  /// An ISO-8601 time of a time [s since the results' start].
  [[nodiscard]] std::string iso(double t) const;
  /// The headline: zones at each level, first crossing, people affected.
  [[nodiscard]] std::string headline() const;
};

/// The indicator series the warning levels read, sampled as a results file stores them (depth
/// snapshots as float32 with NaN in inactive cells, gauge series as float64). run_impacts fills
/// it from a results file; an ensemble member fills it while it runs (ensemble/member.cpp), so
/// that both evaluate the levels with the same code.
struct LevelSeries {
  std::vector<double> times;                             ///< snapshot times [s]
  std::vector<std::vector<double>> snap_max, snap_area;  ///< [zone][snapshot]
  std::vector<std::vector<double>> snap_share;           ///< [rule][snapshot] (depth_share rules)
  std::vector<double> peak, peak_time;  ///< [zone]: max-depth map peak and its time
  std::vector<std::string> stations;
  std::vector<double> gauge_time;                ///< [s]
  std::vector<double> gauge_depth, gauge_level;  ///< [gauge_time][station]
  std::vector<double> rain_bounds;               ///< [s], rain intervals' bounds
  std::vector<std::vector<double>> rain_rates;   ///< [zone][interval] mean rate [m/s]
};

/// Whether a rule of the table reads the depth snapshots (max_depth, flooded_area,
/// depth_share).
bool levels_need_snapshots(const std::vector<LevelRule>& rules);

/// Appends the zone statistics of a depth snapshot (nx * ny, NaN inactive) to `s` (its time
/// goes into `s.times`, which the caller fills).
void add_level_snapshot(LevelSeries& s, const std::vector<LevelRule>& rules,
                        std::span<const double> depth, std::span<const std::int32_t> zone,
                        std::size_t zone_count, double flood_threshold, double cell_area);

/// Sets the zone peaks of the max-depth map (and the time of max depth at that cell; empty:
/// NaN).
void set_level_map_peaks(LevelSeries& s, std::span<const double> max_depth,
                         std::span<const double> time_of_max, std::span<const std::int32_t> zone,
                         std::size_t zone_count);

/// The outcome of each rule (same order) on the series; rain rules integrate the rain rates
/// over their window at the snapshot and gauge times.
std::vector<LevelOutcome> evaluate_levels(const std::vector<LevelRule>& rules,
                                          const LevelSeries& s);

/// Computes the impacts of `results` with the scenario's [impacts] inputs and (unless
/// options.write is false) writes the folder: zones.csv, levels.csv, actions.csv, zones.gpkg,
/// alerts/*.xml (CAP 1.2) and report.html. The folder is written as `<out>.partial` and
/// renamed when complete. Throws ConfigError when the scenario has no [impacts], InputError
/// (naming file, line or feature, and value) for bad inputs, IoError for unreadable files.
ImpactsResult run_impacts(const std::filesystem::path& results, const scenarios::Scenario& scenario,
                          const ImpactsOptions& options = {});

/// Loads every [impacts] input of the scenario onto a run's grid and checks it (the errors of
/// run_impacts), so that `floodtwin run` refuses bad inputs before it runs; gauge names are the
/// scenario's. Returns notes of what was loaded (empty without [impacts]).
std::vector<std::string> check_impacts_inputs(const scenarios::Scenario& scenario,
                                              const GridGeometry& grid, const std::string& crs_wkt);

/// The columns of zones.csv, the contract's first; `assets` (an [impacts] assets raster) adds
/// `assets,assets_damaged` at the end.
const std::vector<std::string>& zone_columns(bool assets = false);
/// A row of zones.csv as text cells (zone_columns order); `zone` = zone count gives "TOTAL".
std::vector<std::string> zone_row(const ImpactsResult& r, std::size_t zone);

/// Depths above the ground (the DEM) from a results file's depths, which on a sub-grid channel
/// cell are measured from the channel bed (docs/solver.md, "Outputs on channel cells"): where
/// depth exceeds level - elevation by more than 1 mm the cell holds a channel below its bank,
/// and what floods people, buildings and roads there is max(0, level - elevation). Elsewhere
/// depth = level - elevation to rounding and is kept. Returns the cells changed (none when the
/// sizes differ).
std::vector<std::size_t> depth_above_ground(std::vector<double>& depth,
                                            const std::vector<double>& level,
                                            const std::vector<double>& elevation);

}  // namespace floodtwin::impacts
