#pragma once
/// @file ensemble.hpp
/// `floodtwin ensemble`: the members of a scenario's [ensemble] run through the forecast
/// driver's preparation (member.hpp) and the products computed from what each member leaves
/// in memory (its max depth and arrival maps and its gauge series; no member's snapshots are
/// kept): per cell the probability that the max depth exceeds each threshold and the
/// quantiles of max depth and arrival time, per gauge the members' depth series. Written as
/// one CF-netCDF file (docs/ensemble.md).
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "driver/processes.hpp"
#include "ensemble/member.hpp"
#include "ensemble/spec.hpp"

namespace floodtwin::ensemble {

/// The products of an ensemble (all maps nx * ny row-major, row 0 north, NaN in inactive
/// cells).
struct Products {
  int nx = 0, ny = 0;
  std::vector<double> x, y;  ///< cell centres [m]
  std::vector<double> thresholds, quantiles;
  std::vector<double> exceedance;          ///< [threshold][cell]: share of members > it
  std::vector<double> max_depth_quantile;  ///< [quantile][cell] (numpy "linear")
  /// [quantile][cell]; a member that never floods a cell counts as arriving at +infinity and
  /// a quantile that is not finite is NaN.
  std::vector<double> arrival_time_quantile;
  std::vector<std::string> stations;
  std::vector<double> station_x, station_y;
  std::vector<double> gauge_time;         ///< [s]
  std::vector<double> gauge_depth;        ///< [member][gauge_time][station]
  std::vector<double> gauge_water_level;  ///< [member][gauge_time][station]
  /// Warning zones ([impacts] zones and levels; empty without them). `levels` are every
  /// level name of the levels table in order of first appearance; a zone without a level has
  /// NaN there.
  std::vector<std::string> zone_id, zone_name, levels;
  std::vector<double> zone_level_probability;  ///< [zone][level]: share of members reaching it
  /// [member][zone][level]: when the member first reaches the level [s since the start]; NaN
  /// when it does not.
  std::vector<double> zone_first_crossing_time;
  /// [quantile][zone][level]: quantile (numpy linear) of the first-crossing times of the
  /// members that reach the level; NaN when none does.
  std::vector<double> zone_first_crossing_time_quantile;
};

/// numpy.quantile(values, q) with numpy's default method ("linear", Hyndman & Fan 7),
/// computed with numpy's arithmetic: virtual index (n - 1) q, then a + (b - a) g, or
/// b - (b - a) (1 - g) when g >= 0.5. `sorted` must be sorted ascending and not empty.
double linear_quantile(const std::vector<double>& sorted, double q);

/// The products of the members (each of the grid's size), a pure function of them.
/// Throws InputError when the members' gauge times differ.
/// With `warnings`, also the zone products from each member's level_time.
Products compute_products(const std::vector<MemberResult>& members,
                          const std::vector<double>& thresholds,
                          const std::vector<double>& quantiles,
                          const ZoneWarnings* warnings = nullptr);

/// Fills the grid coordinates (x, y, nx, ny) and stations of `p` from a prepared forecast.
void describe_grid(Products& p, const driver::Forecast& f);

/// Replaces `p` (described by describe_grid) with the members' products, keeping its grid
/// coordinates and stations.
void replace_products(Products& p, const std::vector<MemberResult>& members,
                      const std::vector<double>& thresholds, const std::vector<double>& quantiles,
                      const ZoneWarnings* warnings);

/// The per-zone warning-level lines of a summary (empty without zones): one per zone and level
/// the zone has,
///   "zone ID (NAME) LEVEL: probability P (M of N members), median first crossing T after O"
/// with T the median (numpy linear) of the first-crossing times of the members that reach the
/// level, in seconds since `origin` (exact_duration_text), O `origin_name` ("the start",
/// "T0"); "not reached" when no member reaches the level.
std::vector<std::string> zone_summary_lines(const Products& p, double origin = 0,
                                            const std::string& origin_name = "the start");

/// Runs job(k, io) for k = 0 .. count - 1 on `concurrent` workers (std::threads with threads /
/// concurrent OpenMP threads each; the calling thread when concurrent is 1), taking the next
/// k as each finishes. `io` is one mutex for what must not run at once (GDAL reads, printing).
/// After a failure no further job starts; the first exception is rethrown once all stopped.
void run_at_once(std::size_t count, int threads, int concurrent,
                 const std::function<void(std::size_t, std::mutex&)>& job);

/// Runs job(k, io) for the members k = 0 .. count - 1 shared among `processes` (docs/mpi.md):
/// member k on process k % size, each process's members with run_at_once (threads and
/// concurrent are per process). Collective. Returns on rank 0 every member's result in member
/// order (MemberResult::index must be k), on the other processes nothing.
std::vector<MemberResult> run_members_shared(
    std::size_t count, int threads, int concurrent, const driver::Processes& processes,
    const std::function<MemberResult(std::size_t, std::mutex&)>& job);
/// A member's result as bytes (for another process) and back: decode reads every result of a
/// concatenation. Throws Error for truncated bytes.
std::string encode_member_result(const MemberResult& r);
std::vector<MemberResult> decode_member_results(const std::string& bytes);

/// Refuses (ConfigError) a count of members at once below 1 or above `threads` (each member
/// needs a thread): "OPTION P: more members at once than threads (N)". `option` names the
/// setting as the caller knows it ("--concurrent", "concurrent=").
void check_concurrent(int concurrent, int threads, const std::string& option);

struct EnsembleOptions {
  int members = 0;     ///< 0: the spec's
  int threads = 0;     ///< OpenMP threads in all; 0: omp_get_max_threads()
  int concurrent = 1;  ///< members run at once (threads / concurrent OpenMP threads each)
  std::string output;  ///< ensemble file; empty: <results stem>_ensemble.h5
  std::vector<std::string> command_line;
  /// Called (from the thread that ran it) when member k has finished.
  std::function<void(const Member&, const MemberResult&)> on_member;
  /// The processes (MPI ranks) to share the work among: an ensemble's members, whole on one
  /// process each; a member run alone (run_single_member), its rows. Only rank 0 writes.
  driver::Processes processes;
};

struct EnsembleRun {
  std::string output;  ///< the ensemble file written
  EnsembleSpec spec;
  std::vector<Member> members;
  Products products;
  double wall = 0;  ///< [s]
  long long steps = 0;
  std::string command_line;  ///< recorded in the file
};

/// Where `floodtwin ensemble` writes: <results stem>_ensemble.h5 and
/// <results stem>_member<K>.h5 beside the scenario's results file.
std::string ensemble_path(const scenarios::Scenario& s);
std::string member_path(const scenarios::Scenario& s, int k);

/// The members of the spec (count `members`, 0: the spec's), drawn; splits a member-column
/// rain CSV into `scratch`.
std::vector<Member> draw_members(const EnsembleSpec& spec, int members,
                                 const std::filesystem::path& scratch);

/// Runs the ensemble of the scenario file and writes the ensemble file (locked as
/// `<file>.lock`, written as `<file>.partial` and renamed). Throws ConfigError for a scenario
/// without [ensemble] or bad settings, InputError for member rain files that do not agree
/// with member 0's (other times or columns). On several processes every process calls it; the
/// products and the file are rank 0's (the other processes return no products).
EnsembleRun run_ensemble(const std::string& scenario_path, const EnsembleOptions& options);

/// Runs member k alone into an ordinary results file (`options.output` or
/// <results stem>_member<K>.h5); returns the member and its path. On several processes the
/// member's rows are shared among them and rank 0 writes the file (bitwise the one-process
/// file); `result` is complete on rank 0 only.
struct SingleMember {
  Member member;
  std::string results;
  MemberResult result;
  std::pair<int, int> rows{0, 0};  ///< the rows [first, end) rank 0 computed
};
SingleMember run_single_member(const std::string& scenario_path, int k,
                               const EnsembleOptions& options);

/// Writes the products as CF-netCDF (see docs/ensemble.md for the variables).
void write_ensemble_file(const std::filesystem::path& path, const EnsembleRun& run,
                         const std::string& crs_wkt, const scenarios::Scenario& s);

}  // namespace floodtwin::ensemble
