#pragma once
/// @file gauge_warnings.hpp
/// The gauge thresholds of a run ([[gauge]] warning_depth, warning_level): checked after every
/// step of driver::run, each fired once per event (a resumed run does not fire again what the
/// interrupted one fired).
#include <functional>
#include <string>
#include <vector>

#include "driver/forecast.hpp"

namespace floodtwin::driver {

class GaugeWarnings {
 public:
  /// `gauges` must outlive this. `fired`: the warnings of the run so far (a resumed run's,
  /// from its checkpoint), which do not fire again. `announce` (may be empty) is called with
  /// each new warning: set it on rank 0 only.
  GaugeWarnings(const std::vector<Gauge>& gauges, const std::vector<Warning>& fired,
                std::function<void(const Warning&)> announce);
  /// Compares the gauges' depths and levels with their thresholds; appends the warnings that
  /// fire now to `out` (and announces them). Collective when `sim` is decomposed and a gauge
  /// has a threshold: every process calls it after every step (each gauge's depth comes from
  /// the process computing its cell; only own rows are read, halo rows may be in flight).
  void check(const solver::Simulation& sim, std::vector<Warning>& out);

 private:
  const std::vector<Gauge>& gauges_;
  std::function<void(const Warning&)> announce_;
  std::vector<bool> warned_depth_, warned_level_;
  bool any_thresholds_ = false;
  /// Per step: each gauge's depth, then each gauge's bed (from its owner when decomposed),
  /// and the grid row of each of these numbers (Decomposition::merge_tagged).
  std::vector<double> depths_;
  std::vector<int> rows_;
};

/// One line for a fired warning: "gauge 'NAME' depth 2.5004 above threshold 2.5000 at t = T"
/// (no newline), T as given. Millimetres, or as many more decimals (up to 9) as show the value
/// above the threshold: the first sample above 2.5 m may be 2.5000004 m.
std::string warning_text(const Warning& w, const std::string& time_text);

}  // namespace floodtwin::driver
