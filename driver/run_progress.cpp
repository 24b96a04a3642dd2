#include "driver/run_progress.hpp"

#include <algorithm>
#include <array>

namespace floodtwin::driver {

RunProgress::RunProgress(const solver::Simulation& sim, const RunOptions& options,
                         Real flood_threshold, double duration, Clock::time_point start)
    : sim_(sim),
      options_(options),
      threshold_(flood_threshold),
      duration_(duration),
      start_(start),
      last_report_(Clock::now()),
      report_every_(std::max(0.0, options.progress_every)),
      root_(!sim.decomposed() || sim.decomposition()->rank() == 0) {}

void RunProgress::report() {
  if (!options_.on_progress) return;
  // Collective when decomposed (the whole grid's numbers, bitwise one process's).
  const std::size_t wet = sim_.wet_cells(threshold_);
  const solver::MassBalance balance = sim_.mass_balance();
  if (!root_) return;
  Progress p;
  p.time = sim_.time();
  p.duration = duration_;
  p.wall = std::chrono::duration<double>(Clock::now() - start_).count();
  p.dt = sim_.last_dt();
  p.steps = sim_.steps();
  p.wet_cells = wet;
  p.balance_error = balance.relative_error();
  options_.on_progress(p);
}

void RunProgress::report_output() {
  last_report_ = Clock::now();
  report();
}

bool RunProgress::after_step() {
  if (++since_check_ % 20 != 0) return true;
  bool stop = options_.stop != nullptr && options_.stop->load();
  bool report_now = Clock::now() - last_report_ >= report_every_;
  if (sim_.decomposed()) {  // every process stops, and reports (rank 0's clock), at the same step
    std::array<double, 2> flags{stop ? 1.0 : 0.0, root_ && report_now ? 1.0 : 0.0};
    sim_.decomposition()->max_each(flags);
    stop = flags[0] > 0;
    report_now = flags[1] > 0;
  }
  if (stop) return false;
  if (report_now) report_output();
  return true;
}

bool RunProgress::stop_requested() const {
  const bool stop = options_.stop != nullptr && options_.stop->load();
  return sim_.decomposed() ? sim_.decomposition()->any(stop) : stop;
}

}  // namespace floodtwin::driver
