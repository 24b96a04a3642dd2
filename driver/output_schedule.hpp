#pragma once
/// @file output_schedule.hpp
/// Where driver::run stops stepping: at every multiple of the output interval (snapshots), of
/// the gauge interval (gauge samples) and of the checkpoint interval, at every change of the
/// rain field, and at the end of the run.
namespace floodtwin::terrain {
class RainfallField;
}

namespace floodtwin::driver {

struct OutputSchedule {
  double duration = 0;          ///< end of the run [s]
  double output_every = 0;      ///< [s] between snapshots (> 0)
  double gauge_every = 0;       ///< [s] between gauge samples (> 0)
  double checkpoint_every = 0;  ///< [s] between checkpoints; 0: none

  /// The first multiple of `every` after t (a time within 1e-9 of a multiple counts as it).
  static double next_multiple(double t, double every);
  /// The time a leg of steps from t goes to: the first of the next output, gauge sample,
  /// checkpoint, change of `rain` (may be null) and the end.
  [[nodiscard]] double leg_end(double t, const terrain::RainfallField* rain) const;
  /// Whether a leg from `from` that reached `now` ends at a snapshot (also at the end of the
  /// run), a gauge sample, a checkpoint (not at the end of the run: the results are complete).
  [[nodiscard]] bool at_output(double from, double now) const;
  [[nodiscard]] bool at_gauge(double from, double now) const;
  [[nodiscard]] bool at_checkpoint(double from, double now) const;
};

}  // namespace floodtwin::driver
