#pragma once
/// @file run_progress.hpp
/// Progress reports and stop requests of driver::run (RunOptions::on_progress,
/// progress_every, stop). Decomposed runs (docs/mpi.md, "Progress, stopping and interrupts"):
/// every process decides alike when to report (rank 0's wall clock) and when to stop (any
/// process's flag), through one reduction every 20th step, because a report is collective
/// (the whole grid's wet cells and mass balance, Simulation::wet_cells, mass_balance); rank 0
/// calls on_progress.
#include <chrono>

#include "driver/forecast.hpp"

namespace floodtwin::driver {

class RunProgress {
 public:
  using Clock = std::chrono::steady_clock;
  /// `sim` and `options` must outlive this. `start`: when the run started (Progress::wall);
  /// `duration`: its simulated end [s] (Progress::duration).
  RunProgress(const solver::Simulation& sim, const RunOptions& options, Real flood_threshold,
              double duration, Clock::time_point start);
  /// Reports now; collective when decomposed (every process calls it at the same step).
  void report();
  /// Reports after an output, and restarts the wall-clock interval to the next report.
  void report_output();
  /// Call before each leg of steps (Simulation::advance_to): the 20-step rhythm starts again.
  void begin_leg() { since_check_ = 0; }
  /// Call after every step: every 20th step, collective when decomposed, stops or reports
  /// (progress_every of wall time since the last report). Returns false to stop the leg.
  [[nodiscard]] bool after_step();
  /// Between legs: true when stop is set on any process (collective when decomposed).
  [[nodiscard]] bool stop_requested() const;

 private:
  const solver::Simulation& sim_;
  const RunOptions& options_;
  Real threshold_;
  double duration_;
  Clock::time_point start_;
  Clock::time_point last_report_;
  std::chrono::duration<double> report_every_;  ///< [s] of wall time
  int since_check_ = 0;
  bool root_ = true;
};

}  // namespace floodtwin::driver
