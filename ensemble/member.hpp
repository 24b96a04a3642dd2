#pragma once
/// @file member.hpp
/// One member of an ensemble: its perturbations (drawn from the [ensemble] spec with
/// sampling.hpp), its scenario (the forecast-rain member file in place of the scenario's
/// rain), the prepared forecast (driver::prepare, then Manning and infiltration factors
/// applied to the Simulation) and its run. The same run_member() serves the members inside an
/// ensemble (products in memory) and `floodtwin ensemble --member K` (an ordinary results
/// file as well), so that a member run alone equals, bitwise, the same member in an ensemble.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "driver/forecast.hpp"
#include "ensemble/spec.hpp"
#include "impacts/warnings.hpp"

namespace floodtwin::ensemble {

/// A member's perturbations (1 / 0 where the spec has none).
struct Member {
  int index = 0;  ///< 0-based
  double rain_factor = 1;
  double rain_shift = 0;  ///< [s]; > 0: the rain comes later
  double manning_factor = 1;
  double ks_factor = 1;
  double psi_factor = 1;
  double curve_number_factor = 1;
  std::string rain_file;  ///< the member's forecast rain (rain_members); empty: the scenario's
};

/// Member k's perturbations: draws depend only on (spec.seed, k, key). Throws ConfigError
/// naming file, line and key when a draw gives a negative factor (a normal distribution's
/// tail). `rain_file` is the member file of a "{member}" pattern; for a CSV with a member
/// column it is left empty (see split_rain_members).
Member draw_member(const EnsembleSpec& spec, int k);

/// The value of a perturbation key of a member (rain_factor, rain_shift, ...).
double value_of(const Member& m, const std::string& key);

/// Splits a CSV with a member column (time, member, values...) into one file per member
/// `folder/rain_member<k>.csv` (time, values...) for members 0..members-1, and sets each
/// member's rain_file. Throws InputError naming the file and line for a missing member column,
/// a member outside 0..members-1 (ignored: members beyond the count are skipped), or a
/// member with no rows.
void split_rain_members(const std::string& csv, int members, const std::filesystem::path& folder,
                        std::vector<Member>& out, int spec_line, const std::string& spec_file);

/// Whether a file is netCDF (classic or netCDF-4/HDF5), by its first bytes.
bool is_netcdf(const std::string& path);

/// Splits a gridded forecast-rain netCDF with a member dimension (named realization, member,
/// ensemble_member or number; first or second dimension of the one 4-D rain variable, the
/// others time, y, x) into one netCDF stack per member `folder/rain_member<k>.nc` (time, y, x,
/// with the file's coordinates, grid mapping and attributes) and sets each member's rain_file;
/// member k is the k-th index along the member dimension. Throws InputError naming the file
/// when it has fewer members than the ensemble or no such variable. split_rain_members calls
/// it for a netCDF file.
void split_rain_members_netcdf(const std::string& file, int members,
                               const std::filesystem::path& folder, std::vector<Member>& out,
                               int spec_line, const std::string& spec_file);

/// The member's forecast: the scenario with its rain file replaced (when rain_file is set),
/// prepared by driver::prepare, with Manning, ks, psi and curve number scaled.
/// `processes`: as driver::prepare's (the member's rows shared among them, memory per process).
driver::Forecast prepare_member(const scenarios::Scenario& base, const Member& m,
                                const std::shared_ptr<solver::Decomposition>& processes = nullptr);

/// Scales the Manning and infiltration fields of a prepared forecast (of f.scenario) by the
/// member's factors (the part of prepare_member after driver::prepare; also for a forecast
/// prepared otherwise, e.g. a cycle's forecast leg from its T0 state).
void apply_member(driver::Forecast& f, const Member& m);

/// The warning zones and levels of a scenario's [impacts] table on a member's grid (loaded
/// once per ensemble with the impacts library: impacts::load_zones, impacts::load_levels).
/// Each member evaluates the levels on the fly with impacts::evaluate_levels, from the same
/// series a results file would hold (depth snapshots as float32, the gauges, the max-depth and
/// time-of-max maps), so that its first-crossing times equal `floodtwin impacts` on the member's
/// results file exactly; no snapshot is kept.
struct ZoneWarnings {
  std::vector<std::string> zone_id, zone_name;
  std::vector<std::int32_t> cell_zone;  ///< nx * ny row-major (row 0 north), -1: no zone
  std::vector<impacts::LevelRule> rules;
  std::vector<std::vector<std::string>> level_order;  ///< per zone, lowest first
  std::vector<std::string> levels;  ///< every level name, in order of first appearance
  double cell_area = 0;             ///< [m2]
  double flood_threshold = 0;       ///< [m], the flood maps' threshold
  bool snapshots = false;           ///< some rule reads the depth snapshots
};

/// The [impacts] zones and levels of a prepared forecast's scenario on its grid; empty when the
/// scenario has no [impacts] table or no levels table. Throws as `floodtwin impacts` does for
/// bad zones or levels (InputError naming the file and line).
std::optional<ZoneWarnings> load_zone_warnings(const driver::Forecast& f);

/// What a member leaves for the products (max depth and arrival time as the results file
/// stores them: float32, NaN in inactive cells; nx * ny row-major, row 0 north).
struct MemberResult {
  int index = 0;
  std::vector<float> max_depth;
  std::vector<float> arrival_time;        ///< NaN where never above the flood threshold
  std::vector<double> gauge_time;         ///< [s]
  std::vector<double> gauge_depth;        ///< [gauge_time][station]
  std::vector<double> gauge_water_level;  ///< [gauge_time][station]
  long long steps = 0;
  double wall = 0;
  /// With ZoneWarnings: per zone, per level of the zone (ZoneWarnings::level_order), the time
  /// the level is first reached [s], NaN if never; flattened zone by zone.
  std::vector<double> level_time;
};

struct MemberRunOptions {
  std::string results;  ///< also write an ordinary results file here; empty: none
  int threads = 0;      ///< recorded in the results
  std::string title;
  std::vector<std::string> command_line;
  std::string scenario_file;  ///< recorded in the results
  /// Evaluate these warning levels on the fly (MemberResult::level_time); null: none.
  const ZoneWarnings* warnings = nullptr;
};

/// Runs a prepared member to the scenario's end: the same time stepping as driver::run (the
/// stops at output times, gauge times and rain changes), with the member's rain factor and
/// shift applied to the rain field. With options.results, the results file is locked, written
/// aside and renamed as `floodtwin run` does.
MemberResult run_member(driver::Forecast& f, const Member& m, const MemberRunOptions& options);

}  // namespace floodtwin::ensemble
