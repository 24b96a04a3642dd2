#pragma once
/// @file results_reader.hpp
/// Reading results files written by ResultsWriter (layout in results_writer.hpp): a generic
/// variable reader, the summary behind `floodtwin info`, and hot starts from the final state
/// of an earlier run.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "solver/simulation.hpp"

namespace floodtwin::io {

/// Read access to a results file. Throws IoError naming the file and what was expected when
/// the file is not HDF5 or not a floodtwin results file (no `depth`, `x`, `y`, `time`).
class ResultsReader {
 public:
  explicit ResultsReader(const std::filesystem::path& path);
  ~ResultsReader();
  ResultsReader(ResultsReader&&) noexcept;
  ResultsReader& operator=(ResultsReader&&) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const;
  /// Names of all variables (datasets of the root group), in creation order.
  [[nodiscard]] std::vector<std::string> variables() const;
  [[nodiscard]] bool has_variable(const std::string& name) const;
  /// Extent of a variable, one entry per dimension.
  [[nodiscard]] std::vector<std::size_t> shape(const std::string& name) const;
  /// A whole numeric variable, row-major, converted to double.
  [[nodiscard]] std::vector<double> read(const std::string& name) const;
  /// Snapshot `index` of a [time, y, x] variable, ny * nx values (row 0 north).
  [[nodiscard]] std::vector<double> read_snapshot(const std::string& name, std::size_t index) const;
  /// The same into `out` (resized), so that a loop over snapshots reuses one buffer instead of
  /// faulting in fresh pages for every snapshot.
  void read_snapshot(const std::string& name, std::size_t index, std::vector<double>& out) const;
  /// The strings of a 1D text variable (station_name).
  [[nodiscard]] std::vector<std::string> read_strings(const std::string& name) const;
  /// A text attribute of a variable, or of the file when `variable` is empty.
  [[nodiscard]] std::string text_attribute(const std::string& variable,
                                           const std::string& attribute) const;
  /// A numeric attribute of a variable, or of the file when `variable` is empty.
  [[nodiscard]] double number_attribute(const std::string& variable,
                                        const std::string& attribute) const;
  [[nodiscard]] bool has_attribute(const std::string& variable, const std::string& attribute) const;

  [[nodiscard]] int nx() const;
  [[nodiscard]] int ny() const;
  /// Output times [s since the start], one per snapshot.
  [[nodiscard]] std::vector<double> times() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Throws IoError naming the file, variable and shapes when a map, snapshot or per-snapshot
/// variable does not match the file's x, y and time (read_results_summary checks it too).
void check_results_shapes(const ResultsReader& reader);

/// What `floodtwin info` prints.
struct ResultsSummary {
  std::string path;
  std::string status;  ///< "complete", or "running" for a partial file
  std::string floodtwin_version, git_commit, scheme, start_time, time_units, crs_wkt;
  int nx = 0, ny = 0;
  double dx = 0, dy = 0;                              ///< [m]
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;  ///< extent (cell edges) [m]
  std::size_t snapshots = 0;
  double first_time = 0, last_time = 0;  ///< [s since the start]
  std::size_t active_cells = 0;
  double peak_depth = 0;          ///< max of max_depth [m]
  double peak_x = 0, peak_y = 0;  ///< centre of the cell with the peak depth [m]
  double threshold = 0;           ///< depth threshold of the flooded area [m]
  double flooded_area = 0;        ///< area with max_depth > threshold [m2]
  double final_volume = 0;        ///< stored volume at the last snapshot [m3]
  double mass_balance_error = 0;  ///< relative error at the last snapshot
  std::size_t stations = 0, gauge_samples = 0;
  double wall_time = -1;  ///< [s], < 0 when not recorded
};

/// Reads the summary. @param threshold flooded-area depth [m]; <= 0: the `threshold`
/// attribute of arrival_time (the run's flood threshold).
ResultsSummary read_results_summary(const std::filesystem::path& path, double threshold = 0);

/// A readable multi-line rendering of the summary.
std::string format_summary(const ResultsSummary& summary);

/// The index of the snapshot in `times` [s] that `text` names: "END" (also "end", "last") or
/// a time since the start: seconds ("3600", "3600s"), minutes ("90min", "90m"), hours
/// ("1.5h"), days ("2d") or "HH:MM[:SS]", matched within 1 ms. `words` lists the other
/// choices of the caller for the message ("max, END" for maps). Throws ConfigError for text
/// that is no time, InputError for a time with no snapshot (naming the times there are) or
/// when `times` is empty.
std::size_t snapshot_index(const std::vector<double>& times, const std::string& text,
                           const std::string& file, const std::string& words = "END");

/// Hot start: sets the depth and velocities of `sim` to the last snapshot of the results
/// file at `path`. Throws InputError when the file's grid differs from the simulation's or
/// the file has no snapshot or no value in a cell active in `sim`.
/// @return the time [s] of the snapshot used (the simulation's time is not changed)
double read_final_state(const std::filesystem::path& path, solver::Simulation& sim);

}  // namespace floodtwin::io
