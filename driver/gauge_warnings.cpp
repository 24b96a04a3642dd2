#include "driver/gauge_warnings.hpp"

#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace floodtwin::driver {

GaugeWarnings::GaugeWarnings(const std::vector<Gauge>& gauges, const std::vector<Warning>& fired,
                             std::function<void(const Warning&)> announce)
    : gauges_(gauges),
      announce_(std::move(announce)),
      warned_depth_(gauges.size(), false),
      warned_level_(gauges.size(), false),
      depths_(2 * gauges.size(), 0.0),
      rows_(2 * gauges.size(), 0) {
  for (const Warning& w : fired) {
    for (std::size_t g = 0; g < gauges_.size(); ++g) {
      if (gauges_[g].spec.name != w.gauge) continue;
      (w.what == "depth" ? warned_depth_ : warned_level_)[g] = true;
    }
  }
  for (const Gauge& gauge : gauges_) {
    any_thresholds_ = any_thresholds_ || gauge.spec.warning_depth || gauge.spec.warning_level;
  }
}

void GaugeWarnings::check(const solver::Simulation& sim, std::vector<Warning>& out) {
  if (!any_thresholds_) return;
  const auto [own0, own1] = sim.owned_rows();
  const std::size_t n = gauges_.size();
  for (std::size_t g = 0; g < n; ++g) {
    const Gauge& gauge = gauges_[g];
    // Decomposed: only this process's rows (the halo rows may be in flight, docs/mpi.md; a
    // process holds the bed of its kept rows only, Grid::kept_rows).
    const bool mine = gauge.j >= own0 && gauge.j < own1;
    const auto k = static_cast<std::size_t>(sim.grid().index(gauge.i, gauge.j));
    depths_[g] = mine ? sim.h()[k] : 0;
    depths_[n + g] = mine ? sim.z()[k] : 0;
    rows_[g] = gauge.j;
    rows_[n + g] = gauge.j;
  }
  // Decomposed: each gauge's depth and bed from the process that computes its cell.
  if (sim.decomposed()) sim.decomposition()->merge_tagged(depths_, rows_);
  // A gauge on a sub-grid channel cell reads the river (as its series does): the depth above
  // the channel bed and the shared level.
  std::vector<solver::ChannelCellOutput> channel;
  if (sim.channels() != nullptr) channel = sim.channel_outputs();
  for (std::size_t g = 0; g < gauges_.size(); ++g) {
    const Gauge& gauge = gauges_[g];
    const auto k = static_cast<std::size_t>(sim.grid().index(gauge.i, gauge.j));
    double h = depths_[g];
    double level = h + depths_[n + g];
    for (const solver::ChannelCellOutput& c : channel) {
      if (static_cast<std::size_t>(c.k) != k) continue;
      h = c.depth;
      level = c.level;
    }
    auto fire = [&](const char* what, double threshold, double value) {
      Warning w{gauge.spec.name, what, threshold, value, sim.time()};
      out.push_back(w);
      if (announce_) announce_(w);
    };
    if (gauge.spec.warning_depth && !warned_depth_[g] && h > *gauge.spec.warning_depth) {
      warned_depth_[g] = true;
      fire("depth", *gauge.spec.warning_depth, h);
    }
    if (gauge.spec.warning_level && !warned_level_[g] && h > 0.01 &&
        level > *gauge.spec.warning_level) {
      warned_level_[g] = true;
      fire("water level", *gauge.spec.warning_level, level);
    }
  }
}

std::string warning_text(const Warning& w, const std::string& time_text) {
  int decimals = 3;
  while (decimals < 9 && std::abs(w.value - w.threshold) * std::pow(10.0, decimals) < 1) {
    ++decimals;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, " %s %.*f above threshold %.*f at t = ", w.what.c_str(), decimals,
                w.value, decimals, w.threshold);
  return "gauge '" + w.gauge + "'" + buf + time_text;
}

}  // namespace floodtwin::driver
