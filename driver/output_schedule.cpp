#include "driver/output_schedule.hpp"

#include <algorithm>
#include <cmath>

#include "terrain/rainfall.hpp"

namespace floodtwin::driver {

namespace {
bool close_to(double now, double t) { return std::abs(now - t) < 1e-9 * std::max(1.0, now); }
}  // namespace

double OutputSchedule::next_multiple(double t, double every) {
  const double k = std::floor(t / every + 1e-9) + 1;
  return k * every;
}

double OutputSchedule::leg_end(double t, const terrain::RainfallField* rain) const {
  double target = std::min(duration, next_multiple(t, output_every));
  target = std::min(target, next_multiple(t, gauge_every));
  if (checkpoint_every > 0) target = std::min(target, next_multiple(t, checkpoint_every));
  if (rain != nullptr) {
    target = std::min(target, static_cast<double>(rain->next_change(static_cast<solver::Real>(t))));
  }
  return target;
}

bool OutputSchedule::at_output(double from, double now) const {
  return close_to(now, next_multiple(from, output_every)) || now >= duration;
}

bool OutputSchedule::at_gauge(double from, double now) const {
  return close_to(now, next_multiple(from, gauge_every));
}

bool OutputSchedule::at_checkpoint(double from, double now) const {
  return checkpoint_every > 0 && close_to(now, next_multiple(from, checkpoint_every)) &&
         now < duration;
}

}  // namespace floodtwin::driver
