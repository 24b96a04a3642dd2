#pragma once
/// @file results_source.hpp
/// The basin, snapshots and flood maps of a results file (io/results_writer.hpp) as viz types,
/// and the choice of a map time from a command-line argument.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "viz/map_data.hpp"

namespace floodtwin::viz {

/// A time of a results file: the peak maps, or snapshot `index`.
struct TimeChoice {
  bool peak = false;
  std::size_t index = 0;
};

/// Parses "max", "end" (also "END", "last"), or a time since the start: seconds ("3600",
/// "3600s"), minutes ("90min"), hours ("1.5h") or "HH:MM[:SS]"; the time must be one of
/// `times` (within 1 ms). Throws ConfigError for text that is no time, InputError for a time
/// with no snapshot (naming the times there are) or when `times` is empty.
TimeChoice choose_time(const std::string& text, const std::vector<double>& times,
                       const std::string& file);

class ResultsSource {
 public:
  /// Opens the file (IoError when it is no results file).
  explicit ResultsSource(const std::filesystem::path& path);
  ~ResultsSource();
  ResultsSource(ResultsSource&&) noexcept;
  ResultsSource& operator=(ResultsSource&&) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const;
  [[nodiscard]] const Basin& basin() const;
  /// Output times [s since the start].
  [[nodiscard]] const std::vector<double>& times() const;
  [[nodiscard]] Snapshot snapshot(std::size_t index) const;
  /// True when the file holds every peak map (a finished or checkpointed run).
  [[nodiscard]] bool has_peaks() const;
  /// The peak maps; InputError naming the missing variable when there are none.
  [[nodiscard]] PeakMaps peaks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floodtwin::viz
